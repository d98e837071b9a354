//! Rules on `.dockerignore`: secrets and history stay out of the build context, and the
//! dependency manifests stay in it.

use std::path::Path;

use super::dockerfile::read_ignore;
use super::Finding;
use crate::config::ServiceConfig;
use crate::dockerignore::DockerIgnore;
use crate::error::Result;

/// The ignore rules of one service's build context.
pub fn check(root: &Path, service: &ServiceConfig) -> Result<Vec<Finding>> {
    let context = root.join(&service.context);
    let file = crate::inputs::join(&service.context, ".dockerignore");
    let mut out = Vec::new();
    let ignore = read_ignore(&context, &service.dockerfile)?;
    let text = std::fs::read_to_string(context.join(".dockerignore")).unwrap_or_default();
    for (rule, path, why) in [
        (
            "git-not-ignored",
            ".git",
            "the repository's history (and any secret ever committed) goes into the build context",
        ),
        (
            "env-not-ignored",
            ".env",
            "local secrets go into the build context, and into any image that copies the project",
        ),
    ] {
        if !ignore.as_ref().is_some_and(|i| i.is_excluded(path)) {
            out.push(Finding {
                rule,
                file: file.clone(),
                line: 0,
                message: format!("`{path}` is not excluded: {why}"),
                fix: format!("add a line `{path}` to {file}"),
            });
        }
    }
    if let (Some(ignore), Ok(detection)) = (&ignore, crate::stack::detect(&context, None)) {
        for manifest in detection.stack.manifests(&context) {
            if context.join(&manifest).is_file() && ignore.is_excluded(&manifest) {
                out.push(Finding {
                    rule: "manifest-ignored",
                    file: file.clone(),
                    line: excluding_line(&text, &manifest),
                    message: format!("`{manifest}` is excluded, so the runtime image cannot copy it"),
                    fix: format!("remove the pattern, or re-include the file with a line `!{manifest}` after it"),
                });
            }
        }
    }
    Ok(out)
}

/// The line of the last pattern that excludes `path` on its own (0 when none alone does).
fn excluding_line(text: &str, path: &str) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('!'))
        .filter(|(_, l)| DockerIgnore::parse(l).is_ok_and(|i| i.is_excluded(path)))
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(0)
}
