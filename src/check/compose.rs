//! Rules on compose files: the project mounted read-write, `node_modules` shadowed by the
//! host's, and a production compose file built from the development target.

use std::path::Path;

use super::yaml::{self, Node};
use super::{shown, Finding};
use crate::error::{Error, Result};

/// The file names compose reads, and the override files people keep beside them.
fn compose_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| {
        (n.starts_with("compose.") || n.starts_with("docker-compose."))
            && (n.ends_with(".yaml") || n.ends_with(".yml"))
    });
    names.sort();
    names
}

/// A volume of a service: where it comes from, where it goes, and whether it is read-only.
struct Volume {
    source: Option<String>,
    target: String,
    read_only: bool,
    /// The line of the source (else the target) as written.
    line: usize,
    /// The line of the alias or `<<:` that brought it into the service, if one did.
    via: Option<usize>,
}

/// The compose rules for every compose file at `root`.
pub fn check(root: &Path) -> Result<Vec<Finding>> {
    let node = root.join("package.json").is_file();
    let mut out = Vec::new();
    for file in compose_files(root) {
        let path = root.join(&file);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let doc = match yaml::parse(&text) {
            Ok(doc) => doc,
            Err(e) => {
                out.push(invalid(&file, &e));
                continue;
            }
        };
        let production = file.to_lowercase().contains("prod");
        let Some(services) = doc.get("services") else {
            continue;
        };
        for (service, definition) in services.entries() {
            let volumes = volumes(definition);
            let project = volumes
                .iter()
                .find(|v| v.source.as_deref().is_some_and(is_project));
            if let Some(mount) = project {
                let through = through(&text, mount.via);
                if !mount.read_only {
                    out.push(Finding {
                        rule: "whole-project-mounted",
                        file: file.clone(),
                        line: mount.line,
                        message: format!(
                            "service `{}` mounts the whole project read-write at `{}`{through}: the container can change any file, as whatever user it runs as",
                            shown(service),
                            shown(&mount.target)
                        ),
                        fix: format!("mount the source read-only (`.:{}:ro`) and give writable paths their own volumes or a tmpfs", shown(&mount.target)),
                    });
                }
                let modules = format!("{}/node_modules", mount.target.trim_end_matches('/'));
                if node
                    && !volumes
                        .iter()
                        .any(|v| v.target.trim_end_matches('/') == modules)
                {
                    out.push(Finding {
                        rule: "node-modules-not-isolated",
                        file: file.clone(),
                        line: mount.line,
                        message: format!(
                            "service `{}` mounts the project over `{}`{through} without a volume over `{}`: the host's node_modules (or none) replaces the image's",
                            shown(service),
                            shown(&mount.target),
                            shown(&modules)
                        ),
                        fix: format!("add an anonymous volume after the mount: `- {}`", shown(&modules)),
                    });
                }
            }
            if production {
                let target = definition.get("build").and_then(|b| b.get("target"));
                if let Some((target, value)) = target
                    .and_then(|t| t.as_str().map(|v| (t, v)))
                    .filter(|(_, v)| ["development", "dev"].contains(v))
                {
                    out.push(Finding {
                        rule: "development-in-production",
                        file: file.clone(),
                        line: target.line,
                        message: format!(
                            "service `{}` of a production compose file builds the `{value}` target",
                            shown(service)
                        ),
                        fix: "build the `production` target, which bakes the code in and runs without development tools".into(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A compose file that is not YAML: compose refuses it, and no other rule can read it.
fn invalid(file: &str, e: &yaml::SyntaxError) -> Finding {
    Finding {
        rule: "invalid-compose-file",
        file: file.to_string(),
        line: e.line,
        message: format!(
            "`{file}` is not valid YAML at line {}, column {}: {}",
            e.line,
            e.column,
            shown(&e.message)
        ),
        fix: format!(
            "correct the YAML at line {}, column {} (compose refuses the file as it is)",
            e.line, e.column
        ),
    }
}

/// ` (through `<<: *base` at line 7)` when the mount came through an alias or merge.
fn through(text: &str, via: Option<usize>) -> String {
    let Some(line) = via else {
        return String::new();
    };
    match text.lines().nth(line.saturating_sub(1)).map(str::trim) {
        Some(written) if !written.is_empty() => {
            format!(" (through `{}` at line {line})", shown(written))
        }
        _ => format!(" (through the alias at line {line})"),
    }
}

fn is_project(source: &str) -> bool {
    matches!(
        source.trim_end_matches('/'),
        "." | "" | "$PWD" | "${PWD}" | "${PWD:-.}"
    )
}

/// The volumes of a service, in the short (`SOURCE:TARGET[:MODE]`) and long syntax.
fn volumes(service: &Node) -> Vec<Volume> {
    let mut out = Vec::new();
    for item in service.get("volumes").map(Node::items).unwrap_or_default() {
        if let Some(text) = item.as_str() {
            // Short syntax: `SOURCE:TARGET[:MODE]` or an anonymous `TARGET`.
            let parts: Vec<&str> = text.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, target.to_string(), ""),
                [source, target] => (Some(source.to_string()), target.to_string(), ""),
                [source, target, mode, ..] => (Some(source.to_string()), target.to_string(), *mode),
                [] => continue,
            };
            out.push(Volume {
                source,
                target,
                read_only: mode.split(',').any(|m| m == "ro"),
                line: item.line,
                via: item.via,
            });
        } else if let Some(target) = item.get("target").and_then(|t| t.as_str().map(|s| (t, s))) {
            let source = item.get("source").filter(|s| s.as_str().is_some());
            let place = source.unwrap_or(target.0);
            out.push(Volume {
                source: source.and_then(Node::as_str).map(str::to_string),
                target: target.1.to_string(),
                read_only: item
                    .get("read_only")
                    .and_then(Node::as_str)
                    .is_some_and(|v| v == "true"),
                line: place.line,
                via: place.via.or(item.via),
            });
        }
    }
    out
}
