//! `.devcontainer/devcontainer.json`: a Dev Container is one more place a second development
//! image appears beside the runtime image, and one more place an image goes stale on a branch
//! switch. The file is JSON with comments (JSONC), read as JSON5.

use std::path::Path;

use super::{shown, Finding};

/// Where Dev Containers look, relative to the project root.
pub const FILES: &[&str] = &[".devcontainer/devcontainer.json", ".devcontainer.json"];

/// The findings of the devcontainer files under `root`.
pub fn check(root: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in FILES {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        findings.extend(check_text(file, &text));
    }
    findings
}

/// The 1-based line of the first `"key"` in `text` (0 when absent).
fn line_of(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|l| l.contains(&quoted))
        .map_or(0, |i| i + 1)
}

fn check_text(file: &str, text: &str) -> Vec<Finding> {
    let value: serde_json::Value = match json5::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line + 1);
            return vec![Finding {
                rule: "invalid-devcontainer",
                file: file.to_string(),
                line,
                message: format!("not valid JSON with comments: {}", shown(&e.to_string())),
                fix: "fix the syntax; `dockwright init --devcontainer` writes a working one when the file is moved aside".into(),
            }];
        }
    };
    let mut findings = Vec::new();
    for key in ["image", "build", "dockerFile"] {
        if value.get(key).is_some() {
            findings.push(Finding {
                rule: "devcontainer-own-image",
                file: file.to_string(),
                line: line_of(text, key),
                message: format!("the Dev Container names its own image (`{key}`), a second development image beside the runtime image"),
                fix: "use the compose service on the runtime image: `dockerComposeFile` and `service`, as `dockwright init --devcontainer` writes".into(),
            });
        }
    }
    let initialize = match value.get("initializeCommand") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        Some(serde_json::Value::Object(o)) => o
            .values()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    if value.get("dockerComposeFile").is_some() && !initialize.contains("dockwright build") {
        let line = match line_of(text, "initializeCommand") {
            0 => line_of(text, "dockerComposeFile"),
            n => n,
        };
        findings.push(Finding {
            rule: "devcontainer-stale-image",
            file: file.to_string(),
            line,
            message: "`initializeCommand` does not run `dockwright build`: reopening after a branch switch that changed the manifests starts a stale image".into(),
            fix: "set `\"initializeCommand\": \"dockwright build SERVICE && dockwright env --format compose SERVICE > .devcontainer/compose.image.yaml\"` and add `compose.image.yaml` to `dockerComposeFile`".into(),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_image_and_missing_build_are_found_with_their_lines() {
        let text = "// mine\n{\n  \"image\": \"python:3.12\",\n  \"dockerComposeFile\": \"../compose.yaml\",\n}\n";
        let found = check_text(".devcontainer/devcontainer.json", text);
        let rules: Vec<(&str, usize)> = found.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(
            rules,
            [
                ("devcontainer-own-image", 3),
                ("devcontainer-stale-image", 4)
            ]
        );
        let broken = check_text("x", "{\n  \"service\": \n}");
        assert_eq!(broken[0].rule, "invalid-devcontainer");
        assert_eq!(broken[0].line, 3, "{:?}", broken[0]);
    }

    #[test]
    fn the_written_one_is_clean() {
        let text = include_str!("../../templates/common/devcontainer.json")
            .replace("{{service}}", "app")
            .replace("{{workdir}}", "/app")
            .replace("{{ service|upper }}", "APP");
        assert_eq!(check_text("x", &text), Vec::new());
    }
}
