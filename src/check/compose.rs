//! Rules on compose files: the project (or a service's whole build context) mounted
//! read-write, `node_modules` shadowed by the host's, and a production compose file built from
//! the development target. Also the services' `build:` sections, so the other rules can read
//! each service in its own build context.

use std::collections::BTreeMap;
use std::path::Path;

use super::yaml::{self, Node};
use super::{shown, Finding};
use crate::config::ServiceConfig;
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

/// A compose file at the project root, read once for every rule.
pub struct ComposeFile {
    /// The file name, relative to the root.
    pub name: String,
    text: String,
    doc: std::result::Result<Node, yaml::SyntaxError>,
}

/// Reads every compose file at `root`.
pub fn read(root: &Path) -> Result<Vec<ComposeFile>> {
    let mut out = Vec::new();
    for name in compose_files(root) {
        let path = root.join(&name);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let doc = yaml::parse(&text);
        out.push(ComposeFile { name, text, doc });
    }
    Ok(out)
}

/// What a compose service's `build:` section says, with paths relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The compose service.
    pub service: String,
    /// The build context, `/`-separated, "" for the root.
    pub context: String,
    /// The Dockerfile compose builds (`dockerfile:`, default `Dockerfile` in the context).
    pub dockerfile: String,
    /// `target:`, if any.
    pub target: Option<String>,
    /// `args:`, as a mapping or a `KEY=VALUE` list.
    pub args: BTreeMap<String, String>,
}

/// The build sections of every service of every file, in file and service order. Contexts
/// that compose fetches (git URLs) or that leave the project are not read by the rules.
pub fn builds(files: &[ComposeFile]) -> Vec<Build> {
    let mut out = Vec::new();
    for file in files {
        let Ok(doc) = &file.doc else { continue };
        for (service, definition) in doc.get("services").map(Node::entries).unwrap_or_default() {
            let Some(build) = definition.get("build") else {
                continue;
            };
            let (context, dockerfile, target) = match build.as_str() {
                Some(context) => (context, None, None),
                None => (
                    build.get("context").and_then(Node::as_str).unwrap_or("."),
                    build.get("dockerfile").and_then(Node::as_str),
                    build.get("target").and_then(Node::as_str),
                ),
            };
            if context.contains("://") || context.starts_with("git@") {
                continue;
            }
            let Some(context) = crate::config::clean_relative(context) else {
                continue;
            };
            let dockerfile = dockerfile.unwrap_or("Dockerfile");
            let Some(dockerfile) =
                crate::config::clean_relative(&crate::inputs::join(&context, dockerfile))
            else {
                continue;
            };
            let mut args = BTreeMap::new();
            if let Some(node) = build.get("args") {
                for (k, v) in node.entries() {
                    args.insert(k.clone(), v.as_str().unwrap_or("").to_string());
                }
                for item in node.items().iter().filter_map(Node::as_str) {
                    if let Some((k, v)) = item.split_once('=') {
                        args.insert(k.to_string(), v.to_string());
                    }
                }
            }
            out.push(Build {
                service: service.clone(),
                context,
                dockerfile,
                target: target.map(str::to_string),
                args,
            });
        }
    }
    out
}

/// The compose rules for the compose files at `root`. `owned` are the services dockwright
/// builds a runtime image for from its own configuration (`dockwright.toml`, or the zero-config
/// `Dockerfile.runtime`): a compose service that is one of them (by name, or by building its
/// context) must run that image.
pub fn check(root: &Path, files: &[ComposeFile], owned: &[ServiceConfig]) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in files {
        let doc = match &file.doc {
            Ok(doc) => doc,
            Err(e) => {
                out.push(invalid(&file.name, e));
                continue;
            }
        };
        let (file, text) = (&file.name, &file.text);
        let production = file.to_lowercase().contains("prod");
        let Some(services) = doc.get("services") else {
            continue;
        };
        for (service, definition) in services.entries() {
            // A service built from a subfolder has that folder as its project: mounting it
            // whole is the mistake, and its own package.json decides the node rule.
            let context = build_context(definition);
            let volumes = volumes(definition);
            let project = volumes.iter().find(|v| {
                v.source
                    .as_deref()
                    .is_some_and(|s| is_project(s, context.as_deref()))
            });
            if let Some(mount) = project {
                let through = through(text, mount.via);
                let source = mount.source.as_deref().unwrap_or(".");
                let what = match context.as_deref() {
                    Some(c) if !c.is_empty() && clean_source(source).as_deref() == Some(c) => {
                        format!("its whole build context `{}`", shown(source))
                    }
                    _ => "the whole project".to_string(),
                };
                if !mount.read_only {
                    out.push(Finding {
                        rule: "whole-project-mounted",
                        file: file.clone(),
                        line: mount.line,
                        message: format!(
                            "service `{}` mounts {what} read-write at `{}`{through}: the container can change any file, as whatever user it runs as",
                            shown(service),
                            shown(&mount.target)
                        ),
                        fix: format!("mount the source read-only (`{}:{}:ro`) and give writable paths their own volumes or a tmpfs", shown(source), shown(&mount.target)),
                    });
                }
                let modules = format!("{}/node_modules", mount.target.trim_end_matches('/'));
                let node = root
                    .join(context.as_deref().unwrap_or(""))
                    .join("package.json")
                    .is_file();
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
            if !production {
                out.extend(not_runtime_image(file, text, service, definition, owned));
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
    out
}

/// A development service of a compose file that builds its own image, or runs another one,
/// where it should run the dockwright service's runtime image: that image is what dockwright
/// fingerprints, rebuilds and reports stale, so any other one goes stale unseen (the templates
/// before `dockwright up` built the `development` stage).
fn not_runtime_image(
    file: &str,
    text: &str,
    service: &str,
    definition: &Node,
    owned: &[ServiceConfig],
) -> Option<Finding> {
    let context = build_context(definition);
    let runtime = owned
        .iter()
        .find(|s| s.name == service)
        .or_else(|| owned.iter().find(|s| Some(&s.context) == context.as_ref()))?;
    let var = crate::up::compose::image_var(&runtime.name);
    let image = definition.get("image");
    if image
        .and_then(Node::as_str)
        .is_some_and(|i| i.contains(&format!("${{{var}}}")) || i.contains(&format!("${{{var}:")))
    {
        return None;
    }
    let wanted = format!(
        "image: ${{{var}:-{}-runtime-image:run-dockwright-up}}",
        runtime.name.to_lowercase()
    );
    let fix = format!(
        "run the runtime image: `{wanted}` with `pull_policy: never`{}, and start it with `dockwright up` (in the justfile: `dev: dockwright up`); by hand, `eval \"$(dockwright env)\"` sets the variable",
        if definition.get("build").is_some() { " instead of the `build:` section" } else { "" }
    );
    let (line, what) = match (definition.get("build"), image) {
        (Some(build), _) => {
            let target = build.get("target").and_then(Node::as_str);
            let what = match target {
                Some(t) => format!("builds its own image (the `{}` target)", shown(t)),
                None => "builds its own image".to_string(),
            };
            (key_line(text, build.line, "build"), what)
        }
        (None, Some(image)) => (
            image.line,
            format!("runs `{}`", shown(image.as_str().unwrap_or("?"))),
        ),
        (None, None) => return None,
    };
    Some(Finding {
        rule: "compose-not-runtime-image",
        file: file.to_string(),
        line,
        message: format!(
            "service `{}` {what}, not the runtime image of dockwright service `{}`: after a change to the dependency manifests it runs an image nothing checks",
            shown(service),
            runtime.name
        ),
        fix,
    })
}

/// The line of the `key:` whose value is written at `value_line`: the same line for a scalar
/// or a flow collection, the line above for a block one (the value's line is its first entry).
fn key_line(text: &str, value_line: usize, key: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    (1..=value_line.min(lines.len()))
        .rev()
        .find(|&n| {
            let line = lines[n - 1].trim_start().trim_start_matches("- ");
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .unwrap_or(value_line)
}

/// The build context of a service definition, relative to the root ("" for the root).
fn build_context(definition: &Node) -> Option<String> {
    let build = definition.get("build")?;
    let context = match build.as_str() {
        Some(context) => context,
        None => build.get("context").and_then(Node::as_str).unwrap_or("."),
    };
    crate::config::clean_relative(context)
}

/// A bind-mount source as a path relative to the project root; None for a named volume or a
/// path outside the project.
fn clean_source(source: &str) -> Option<String> {
    let mut rest = source;
    for pwd in ["${PWD:-.}", "${PWD}", "$PWD"] {
        if let Some(r) = rest.strip_prefix(pwd) {
            rest = r;
            break;
        }
    }
    if rest.is_empty() {
        return Some(String::new());
    }
    if rest.starts_with('/') && rest.len() < source.len() {
        rest = &rest[1..];
    } else if !rest.starts_with('.') {
        return None; // a named volume, or an absolute host path
    }
    crate::config::clean_relative(rest)
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

/// Whether a mount source is the whole project, or the whole of the service's build context.
fn is_project(source: &str, context: Option<&str>) -> bool {
    match clean_source(source) {
        Some(path) => path.is_empty() || context.is_some_and(|c| c == path),
        None => false,
    }
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
