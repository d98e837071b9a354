//! Rules on Dockerfiles: source in the runtime image, root user, unpinned bases, production
//! built from development, and manifests the runtime image does not copy.

use std::collections::BTreeMap;
use std::path::Path;

use super::{shown, Finding};
use crate::config::ServiceConfig;
use crate::dockerfile::{self, Dockerfile, SourceKind};
use crate::dockerignore::{self, DockerIgnore};
use crate::error::{Error, Result};

/// Stage names that mean "for development" and "for production".
const DEVELOPMENT: &[&str] = &["development", "dev"];
const PRODUCTION: &[&str] = &["production", "prod", "release"];

/// The rules for a service's runtime Dockerfile.
pub fn runtime(root: &Path, service: &ServiceConfig) -> Result<Vec<Finding>> {
    let file = service.dockerfile.as_str();
    let Some(df) = read(root, file)? else {
        return Ok(vec![Finding {
            rule: "no-runtime-dockerfile",
            file: file.to_string(),
            line: 0,
            message: format!(
                "service `{}` has no runtime Dockerfile `{file}`",
                service.name
            ),
            fix: "run `dockwright init` to write one, or set `dockerfile` in dockwright.toml"
                .into(),
        }]);
    };
    let mut out = Vec::new();
    let target = match &service.target {
        Some(t) => df.stage_index(t).unwrap_or(df.stages.len() - 1),
        None => df.stages.len() - 1,
    };
    out.extend(bases(&df, file, &service.build_args));
    out.extend(root_user(
        &df,
        file,
        target,
        "the runtime image",
        &service.build_args,
    ));
    out.extend(development_in_production(&df, file));

    let sources = df
        .context_sources(service.target.as_deref(), &service.build_args)
        .unwrap_or_default();
    let context = root.join(&service.context);
    for source in sources.iter().filter(|s| s.kind == SourceKind::Context) {
        let path = source.path.as_str();
        let whole = path.is_empty() || path == "*";
        let is_dir = !whole && !dockerignore::has_glob(path) && context.join(path).is_dir();
        if whole || is_dir {
            let what = if whole {
                "the whole project".to_string()
            } else {
                format!("the directory `{path}`")
            };
            out.push(Finding {
                rule: "source-in-runtime-image",
                file: file.to_string(),
                line: source.line,
                message: format!("the runtime image copies {what}: every source edit makes it stale"),
                fix: "copy only the dependency manifests (such as `COPY requirements.txt ./`); the source is mounted at run time".into(),
            });
        }
    }

    // Manifests of the project's stack that no COPY brings in: the fingerprint cannot see them
    // change, and the image installs without them.
    let ignore = read_ignore(&context, file)?;
    if let Ok(detection) = crate::stack::detect(&context, None) {
        for manifest in detection.stack.manifests(&context) {
            if dockerignore::has_glob(&manifest) || !context.join(&manifest).is_file() {
                continue;
            }
            let copied = sources.iter().any(|s| {
                s.kind == SourceKind::Context
                    && (s.path.is_empty()
                        || s.path == manifest
                        || manifest.starts_with(&format!("{}/", s.path))
                        || dockerignore::glob_match(&s.path, &manifest))
            });
            if copied && ignore.as_ref().is_some_and(|i| i.is_excluded(&manifest)) {
                continue; // reported by the ignore rules, with the pattern's line
            }
            if !copied {
                let line = sources
                    .iter()
                    .map(|s| s.line)
                    .max()
                    .unwrap_or(df.stages[target].line);
                out.push(Finding {
                    rule: "manifest-not-in-inputs",
                    file: file.to_string(),
                    line,
                    message: format!(
                        "`{}` ({}) is not copied into the runtime image, so a change to it is not noticed",
                        crate::inputs::join(&service.context, &manifest),
                        detection.stack.id
                    ),
                    fix: format!("copy it with the other manifests: `COPY {manifest} ./` before the install step"),
                });
            }
        }
    }
    Ok(out)
}

/// The rules for the multi-stage Dockerfile that ships: pinned bases, a non-root production
/// stage, production not built from development.
pub fn production(root: &Path, file: &str) -> Result<Vec<Finding>> {
    let Some(df) = read(root, file)? else {
        return Ok(Vec::new());
    };
    let mut out = bases(&df, file, &BTreeMap::new());
    let production = df
        .stages
        .iter()
        .rposition(|s| s.name.as_deref().is_some_and(|n| PRODUCTION.contains(&n)));
    // Without a production stage, the last stage is what a plain `docker build` makes; it may
    // be a development one (`dev-envs`), so it is named for what it is.
    let (stage, what) = match production {
        Some(stage) => (stage, "the production image".to_string()),
        None => {
            let last = df.stages.len() - 1;
            (
                last,
                format!(
                    "the image of the last stage `{}` (what a plain `docker build` makes)",
                    shown(&stage_label(&df, last))
                ),
            )
        }
    };
    out.extend(root_user(&df, file, stage, &what, &BTreeMap::new()));
    out.extend(development_in_production(&df, file));
    Ok(out)
}

fn read(root: &Path, file: &str) -> Result<Option<Dockerfile>> {
    let path = root.join(file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    dockerfile::parse(&text)
        .map(Some)
        .map_err(|e| Error::msg(format!("`{file}` line {}: {}", e.line, e.message), e.help))
}

/// The `.dockerignore` the engine applies to `dockerfile` in `context`, if any.
pub(super) fn read_ignore(context: &Path, dockerfile: &str) -> Result<Option<DockerIgnore>> {
    let name = Path::new(dockerfile)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for candidate in [format!("{name}.dockerignore"), ".dockerignore".to_string()] {
        let path = context.join(&candidate);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return DockerIgnore::parse(&text)
                .map(Some)
                .map_err(|e| Error::msg(format!("`{candidate}` {e}"), "correct the pattern"));
        }
    }
    Ok(None)
}

/// Index of the stage that `stage`'s FROM names, if it is a stage of this file.
fn parent(df: &Dockerfile, stage: usize) -> Option<usize> {
    let base = df.stage_base(stage, &BTreeMap::new()).to_lowercase();
    df.stages[..stage]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(base.as_str()))
        .or_else(|| base.parse::<usize>().ok().filter(|i| *i < stage))
}

fn bases(df: &Dockerfile, file: &str, args: &BTreeMap<String, String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, stage) in df.stages.iter().enumerate() {
        if parent(df, i).is_some() {
            continue;
        }
        let image = df.stage_base(i, args);
        if let Some(problem) = unpinned(&image) {
            out.push(Finding {
                rule: "unpinned-base",
                file: file.to_string(),
                line: stage.line,
                message: format!("base image `{}` {problem}", shown(&image)),
                fix: pin_fix(&image),
            });
        }
    }
    // `COPY --from=<image>` pulls an image as surely as FROM does.
    for stage in &df.stages {
        for ins in stage.instructions.iter().filter(|i| i.keyword == "COPY") {
            let Some(from) = ins.flag("from") else {
                continue;
            };
            let is_stage = df.stage_index(from).is_some() || from.parse::<usize>().is_ok();
            if is_stage {
                continue;
            }
            if let Some(problem) = unpinned(from) {
                out.push(Finding {
                    rule: "unpinned-base",
                    file: file.to_string(),
                    line: ins.line,
                    message: format!(
                        "`COPY --from={}` copies from an image that {problem}",
                        shown(from)
                    ),
                    fix: pin_fix(from),
                });
            }
        }
    }
    out
}

/// Why an image reference is not pinned: "has no tag, …" or "is `latest`, …"; None when it
/// has a version tag or a digest, is `scratch`, or is not known before the build (`$ARG`).
fn unpinned(image: &str) -> Option<&'static str> {
    if image == "scratch" || image.contains('$') || image.contains('@') || image.is_empty() {
        return None;
    }
    match tag(image) {
        None => Some("has no tag, so it is whatever `latest` is on the day of the build"),
        Some("latest") => Some("is `latest`, which moves under you"),
        Some(_) => None,
    }
}

/// The tag of an image reference (`host:5000/name:tag` → `tag`), if it has one.
fn tag(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    name.rsplit_once(':')
        .filter(|(_, t)| !t.contains('/'))
        .map(|(_, t)| t)
}

/// The repository of an image reference, without tag or digest.
fn repository(image: &str) -> &str {
    let name = image.split('@').next().unwrap_or(image);
    match tag(name) {
        Some(t) => &name[..name.len() - t.len() - 1],
        None => name,
    }
}

/// A pinning fix that names a tag such an image has.
fn pin_fix(image: &str) -> String {
    let repo = repository(image);
    let example = match (family(image), repo.rsplit('/').next().unwrap_or(repo)) {
        (Family::NoShell, _) => format!("`{}:nonroot`", shown(repo)),
        (_, "alpine") => "`alpine:<version>`".to_string(),
        (_, "busybox") => format!("`{}:<version>`", shown(repo)),
        (Family::Alpine, _) => format!("`{}:<version>-alpine`", shown(repo)),
        (_, "debian") => "`debian:bookworm-slim`".to_string(),
        (_, "ubuntu") => "`ubuntu:24.04`".to_string(),
        (Family::Debian, _) => format!("`{}:<version>-slim-bookworm`", shown(repo)),
    };
    format!("pin a version tag, such as {example}, or a digest (`@sha256:…`)")
}

/// What a base image offers for creating a user, so a fix names a command that exists there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Debian, Ubuntu and the official language images built on them (and RHEL-likes): `useradd`.
    Debian,
    /// Alpine and busybox: busybox's `adduser`, no `useradd`.
    Alpine,
    /// `scratch` and distroless images: no shell at all.
    NoShell,
}

fn family(image: &str) -> Family {
    let image = image.to_lowercase();
    let repo = repository(&image);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let tag = tag(&image).unwrap_or("");
    if image == "scratch"
        || repo.contains("distroless")
        || (repo.starts_with("cgr.dev/chainguard/") && !tag.contains("dev"))
    {
        Family::NoShell
    } else if last == "alpine" || last.contains("busybox") || tag.contains("alpine") {
        Family::Alpine
    } else {
        Family::Debian
    }
}

/// The family of the image stage `index` is built on (its first ancestor's FROM).
fn stage_family(
    df: &Dockerfile,
    index: usize,
    args: &BTreeMap<String, String>,
) -> (Family, String) {
    let mut root = index;
    while let Some(p) = parent(df, root) {
        root = p;
    }
    let image = df.stage_base(root, args);
    (family(&image), image)
}

/// The user stage `index` runs as: its last USER, else its parent stage's; None means root.
fn effective_user(df: &Dockerfile, index: usize) -> Option<(String, usize)> {
    let stage = &df.stages[index];
    if let Some(user) = stage
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
    {
        return Some((
            substitute(stage, user.args.first().map(String::as_str).unwrap_or("")),
            user.line,
        ));
    }
    parent(df, index).and_then(|p| effective_user(df, p))
}

/// `$NAME` and `${NAME}` from the stage's ARG and ENV defaults, enough to see `USER ${UID}` of `ARG UID=0`.
fn substitute(stage: &dockerfile::Stage, text: &str) -> String {
    let mut out = text.trim().to_string();
    for ins in &stage.instructions {
        let pairs: Vec<(String, String)> = match ins.keyword.as_str() {
            "ARG" => ins
                .args
                .iter()
                .filter_map(|a| a.split_once('='))
                .map(|(k, v)| (k.into(), v.trim_matches('"').into()))
                .collect(),
            "ENV" => ins
                .args
                .chunks(2)
                .filter(|c| c.len() == 2)
                .map(|c| (c[0].clone(), c[1].clone()))
                .collect(),
            _ => continue,
        };
        for (k, v) in pairs {
            out = out
                .replace(&format!("${{{k}}}"), &v)
                .replace(&format!("${k}"), &v);
        }
    }
    out
}

fn root_user(
    df: &Dockerfile,
    file: &str,
    index: usize,
    what: &str,
    args: &BTreeMap<String, String>,
) -> Option<Finding> {
    let stage = &df.stages[index];
    let (message, line) = match effective_user(df, index) {
        None => (
            format!(
                "{what} runs as root: no USER in stage `{}` or the stages it is built from",
                stage_label(df, index)
            ),
            stage.line,
        ),
        Some((user, line)) => {
            let name = user.split(':').next().unwrap_or("");
            if !(name.is_empty() || name == "root" || name == "0") {
                return None;
            }
            (
                format!("{what} runs as root: `USER {}`", shown(&user)),
                line,
            )
        }
    };
    let fix = match stage_family(df, index, args) {
        (Family::Debian, _) => "create an unprivileged user and switch to it: `ARG UID=1000`, `RUN useradd --uid \"$UID\" app`, `USER ${UID}`".to_string(),
        (Family::Alpine, _) => "create an unprivileged user with busybox's `adduser` (there is no `useradd`) and switch to it: `ARG UID=1000`, `RUN adduser -D -u \"$UID\" app`, `USER ${UID}`".to_string(),
        (Family::NoShell, image) => format!(
            "`{}` has no shell to create a user with: switch to a numeric unprivileged user, `USER 65532:65532`, and give what it must write that owner (`COPY --chown=65532:65532`)",
            shown(&image)
        ),
    };
    Some(Finding {
        rule: "root-user",
        file: file.to_string(),
        line,
        message,
        fix,
    })
}

fn stage_label(df: &Dockerfile, index: usize) -> String {
    df.stages[index]
        .name
        .clone()
        .unwrap_or_else(|| index.to_string())
}

fn development_in_production(df: &Dockerfile, file: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, stage) in df.stages.iter().enumerate() {
        if !stage
            .name
            .as_deref()
            .is_some_and(|n| PRODUCTION.contains(&n))
        {
            continue;
        }
        let mut cursor = parent(df, i);
        while let Some(p) = cursor {
            if df.stages[p]
                .name
                .as_deref()
                .is_some_and(|n| DEVELOPMENT.contains(&n))
            {
                out.push(Finding {
                    rule: "development-in-production",
                    file: file.to_string(),
                    line: stage.line,
                    message: format!(
                        "stage `{}` is built from the development stage `{}`, with its tools and settings",
                        stage_label(df, i),
                        stage_label(df, p)
                    ),
                    fix: "build production from the shared base stage (`FROM base AS production`), not from development".into(),
                });
                break;
            }
            cursor = parent(df, p);
        }
    }
    out
}
