//! Rules on compose files: the project mounted read-write, `node_modules` shadowed by the
//! host's, and a production compose file built from the development target.

use std::path::Path;

use super::yaml::{self, Entry};
use super::Finding;
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
    line: usize,
}

/// The compose rules for every compose file at `root`.
pub fn check(root: &Path) -> Result<Vec<Finding>> {
    let node = root.join("package.json").is_file();
    let mut out = Vec::new();
    for file in compose_files(root) {
        let path = root.join(&file);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let entries = yaml::entries(&text);
        let production = file.to_lowercase().contains("prod");
        let mut services: Vec<&str> = entries
            .iter()
            .filter(|e| e.path.len() > 2 && e.path[0] == "services")
            .map(|e| e.path[1].as_str())
            .collect();
        services.dedup();
        for service in services {
            let volumes = volumes(&entries, service);
            let project = volumes
                .iter()
                .find(|v| v.source.as_deref().is_some_and(is_project));
            if let Some(mount) = project {
                if !mount.read_only {
                    out.push(Finding {
                        rule: "whole-project-mounted",
                        file: file.clone(),
                        line: mount.line,
                        message: format!(
                            "service `{service}` mounts the whole project read-write at `{}`: the container can change any file, as whatever user it runs as",
                            mount.target
                        ),
                        fix: format!("mount the source read-only (`.:{}:ro`) and give writable paths their own volumes or a tmpfs", mount.target),
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
                            "service `{service}` mounts the project over `{}` without a volume over `{modules}`: the host's node_modules (or none) replaces the image's",
                            mount.target
                        ),
                        fix: format!("add an anonymous volume after the mount: `- {modules}`"),
                    });
                }
            }
            if production {
                let target = entries
                    .iter()
                    .find(|e| e.path == ["services", service, "build", "target"]);
                if let Some(target) =
                    target.filter(|t| ["development", "dev"].contains(&t.value.as_str()))
                {
                    out.push(Finding {
                        rule: "development-in-production",
                        file: file.clone(),
                        line: target.line,
                        message: format!("service `{service}` of a production compose file builds the `{}` target", target.value),
                        fix: "build the `production` target, which bakes the code in and runs without development tools".into(),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn is_project(source: &str) -> bool {
    matches!(
        source.trim_end_matches('/'),
        "." | "" | "$PWD" | "${PWD}" | "${PWD:-.}"
    )
}

fn volumes(entries: &[Entry], service: &str) -> Vec<Volume> {
    let prefix = ["services", service, "volumes"];
    let mut out: Vec<Volume> = Vec::new();
    let mut long: std::collections::BTreeMap<String, Vec<&Entry>> = Default::default();
    for e in entries
        .iter()
        .filter(|e| e.path.len() >= 4 && e.path[..3] == prefix)
    {
        if e.path.len() == 4 {
            // Short syntax: `SOURCE:TARGET[:MODE]` or an anonymous `TARGET`.
            let parts: Vec<&str> = e.value.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, target.to_string(), ""),
                [source, target] => (Some(source.to_string()), target.to_string(), ""),
                [source, target, mode, ..] => (Some(source.to_string()), target.to_string(), *mode),
                [] => continue,
            };
            let read_only = mode.split(',').any(|m| m == "ro");
            out.push(Volume {
                source,
                target,
                read_only,
                line: e.line,
            });
        } else {
            long.entry(e.path[3].clone()).or_default().push(e);
        }
    }
    for fields in long.values() {
        let get = |k: &str| {
            fields
                .iter()
                .find(|e| e.path.get(4).map(String::as_str) == Some(k))
        };
        let Some(target) = get("target") else {
            continue;
        };
        out.push(Volume {
            source: get("source").map(|e| e.value.clone()),
            target: target.value.clone(),
            read_only: get("read_only").is_some_and(|e| e.value == "true"),
            line: get("source").map_or(target.line, |e| e.line),
        });
    }
    out
}
