//! `dockwright check`: the runtime-container mistakes of a project, each with its file, line and
//! fix. Rules look at the files as they are (no engine, no git needed): the runtime Dockerfile of
//! every service, the multi-stage `Dockerfile`, `.dockerignore`, and the compose files.

mod compose;
mod devcontainer;
mod dockerfile;
mod ignore;
pub mod yaml;

use std::path::Path;

use serde::Serialize;

use crate::config::{Config, ServiceConfig};
use crate::error::Result;

/// One mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for the rule, such as `source-in-runtime-image`.
    pub rule: &'static str,
    /// The file, relative to the project root.
    pub file: String,
    /// 1-based line; 0 when the mistake is a file that is missing.
    pub line: usize,
    /// What is wrong, quoting the offending text.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// Every rule, for `--help` and the README: (name, what it finds).
pub const RULES: &[(&str, &str)] = &[
    (
        "no-runtime-dockerfile",
        "a service's runtime Dockerfile does not exist",
    ),
    (
        "source-in-runtime-image",
        "the runtime image copies source (`COPY . .`) instead of only the dependency manifests",
    ),
    (
        "whole-project-mounted",
        "compose bind-mounts the whole project read-write (`.:/app`)",
    ),
    (
        "node-modules-not-isolated",
        "compose mounts a Node project without an anonymous volume over `node_modules`",
    ),
    ("git-not-ignored", "`.dockerignore` does not exclude `.git`"),
    ("env-not-ignored", "`.dockerignore` does not exclude `.env`"),
    ("root-user", "an image runs as root"),
    ("unpinned-base", "a base image without a tag, or `latest`"),
    (
        "development-in-production",
        "a production stage or compose file built from the development target",
    ),
    (
        "manifest-not-in-inputs",
        "a dependency manifest that the runtime image does not copy",
    ),
    (
        "manifest-ignored",
        "a dependency manifest that `.dockerignore` hides from the build",
    ),
    (
        "compose-not-runtime-image",
        "a compose development service that builds or names its own image instead of running the service's runtime image",
    ),
    (
        "devcontainer-own-image",
        "a devcontainer.json that names its own image or build instead of the compose service on the runtime image",
    ),
    (
        "devcontainer-stale-image",
        "a devcontainer.json on compose whose `initializeCommand` does not run `dockwright build`",
    ),
    (
        "invalid-devcontainer",
        "a devcontainer.json that is not valid JSON with comments (named with its line)",
    ),
    (
        "invalid-compose-file",
        "a compose file that is not valid YAML (named with its line and column)",
    ),
];

/// Longest text quoted from the user's files in a message, in characters.
const QUOTE_LIMIT: usize = 80;

/// `text` as a message quotes it: on one line, and cut to a readable length.
pub(crate) fn shown(text: &str) -> String {
    // Control characters (a block scalar's newlines) would break the one-line message.
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            let escape = c.is_control().then(|| c.escape_default());
            escape
                .into_iter()
                .flatten()
                .chain((!c.is_control()).then_some(c))
        })
        .collect();
    if escaped.chars().count() <= QUOTE_LIMIT {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(QUOTE_LIMIT - 1).collect();
    cut.push('…');
    cut
}

/// Checks the project at `root` (the repository root, where `dockwright.toml` is).
///
/// Each service is read in its own build context: the services of `dockwright.toml`, and the
/// compose services whose `build:` names a context no `dockwright.toml` service covers. Without
/// `dockwright.toml`, compose's services replace the zero-config default, so a root
/// `.dockerignore` or runtime Dockerfile that no build reads is not checked.
pub fn check(root: &Path) -> Result<Vec<Finding>> {
    let config = Config::load(root)?;
    let files = compose::read(root)?;
    let builds = compose::builds(&files);
    // The services dockwright builds from its own configuration, not from compose's builds.
    let owned: &[ServiceConfig] =
        if config.path.is_some() || root.join(crate::config::DEFAULT_DOCKERFILE).is_file() {
            &config.services
        } else {
            &[]
        };
    let services = services(root, &config, &builds);
    let mut findings = Vec::new();
    for service in &services {
        findings.extend(dockerfile::runtime(root, service)?);
        findings.extend(ignore::check(root, service)?);
    }
    // The multi-stage Dockerfile that `init` writes beside the runtime one, in each context,
    // when it is not itself a service's runtime Dockerfile (then it was checked above).
    let mut contexts: Vec<&str> = services.iter().map(|s| s.context.as_str()).collect();
    contexts.sort();
    contexts.dedup();
    for context in contexts {
        let file = crate::inputs::join(context, "Dockerfile");
        if root.join(&file).is_file() && !services.iter().any(|s| s.dockerfile == file) {
            findings.extend(dockerfile::production(root, &file)?);
        }
    }
    findings.extend(compose::check(root, &files, owned));
    findings.extend(devcontainer::check(root));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.rule, &a.message).cmp(&(&b.file, b.line, b.rule, &b.message))
    });
    findings.dedup();
    Ok(findings)
}

/// The services to check: those of `dockwright.toml` (or the zero-config default when there is
/// neither it nor a compose build), then one per compose build in a context not yet covered.
/// A compose service's runtime Dockerfile is the context's `Dockerfile.runtime` when there is
/// one, else the Dockerfile (and target) compose builds.
fn services(root: &Path, config: &Config, builds: &[compose::Build]) -> Vec<ServiceConfig> {
    let mut services: Vec<ServiceConfig> = if config.path.is_some() || builds.is_empty() {
        config.services.clone()
    } else {
        Vec::new()
    };
    // Where two compose files build one context, the development build is the runtime one
    // (`compose.prod.yaml` sorts before `compose.yaml`).
    let mut builds: Vec<&compose::Build> = builds.iter().collect();
    builds.sort_by_key(|b| {
        b.target
            .as_deref()
            .is_some_and(|t| ["production", "prod", "release"].contains(&t))
    });
    for build in builds {
        if services.iter().any(|s| s.context == build.context) {
            continue;
        }
        let runtime = crate::inputs::join(&build.context, crate::config::DEFAULT_DOCKERFILE);
        let (dockerfile, target) = if root.join(&runtime).is_file() {
            (runtime, None)
        } else {
            (build.dockerfile.clone(), build.target.clone())
        };
        services.push(ServiceConfig {
            name: build.service.clone(),
            context: build.context.clone(),
            dockerfile,
            target,
            image: None,
            build_args: build.args.clone(),
            test: None,
            sandbox: Default::default(),
            build: Default::default(),
        });
    }
    services
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn quotes_are_one_line_and_cut_to_a_readable_length() {
        assert_eq!(shown("run \"it\"\nnow"), "run \"it\"\\nnow");
        let long = "x".repeat(500);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), 80);
        assert!(cut.ends_with('…'));
    }
}
