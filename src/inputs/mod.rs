//! The inputs of a runtime image: its Dockerfile plus every build-context file its COPY/ADD
//! instructions read, filtered by the `.dockerignore` the engine would apply, with a hash each.
//!
//! One concept per file: error.rs (why resolving failed), walker.rs (the walk of the build
//! context), path.rs (joining, symlink escapes), hash.rs (`sha256:<hex>`), diff.rs (what changed).

// An InputsError carries everything its message and fix need (file, line, source, help); it is
// built once per failed command, so its size costs nothing that matters.
#![allow(clippy::result_large_err)]

mod diff;
mod error;
mod hash;
mod path;
mod walker;

use std::collections::BTreeMap;

use crate::config::ServiceConfig;
use crate::dockerfile::{self, Dockerfile, SourceKind};
use crate::dockerignore::{self, DockerIgnore};
use crate::tree::Tree;

pub use diff::{diff, Change};
pub use error::InputsError;
pub use hash::{hex_hash, sha256_hex};
pub use path::{escapes, join};
use walker::Walker;

/// Where a Dockerfile that lies outside its build context is put in the context sent to the engine.
pub const OUTSIDE_DOCKERFILE: &str = ".dockwright/Dockerfile";

/// What kind of thing an input is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// A regular file.
    File,
    /// A regular file with the execute bit.
    Executable,
    /// A symbolic link (its target text is what is hashed).
    Symlink,
    /// The URL of an `ADD https://…`: not fetched, so only its text is fingerprinted.
    Url,
}

/// One input of a runtime image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Input {
    /// Path relative to the build context (`/`-separated), or the URL.
    pub path: String,
    /// File, executable, symlink or URL.
    pub kind: InputKind,
    /// `sha256:<hex>` of the content (of the link target text for a symlink).
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
}

/// The inputs of one service's runtime image in one snapshot.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Every input, sorted by path, the Dockerfile among them.
    pub inputs: Vec<Input>,
    /// The Dockerfile's path inside the build context.
    pub dockerfile_in_context: String,
    /// The parsed Dockerfile.
    pub dockerfile: Dockerfile,
    /// Things that weaken the fingerprint (URL sources), said once.
    pub warnings: Vec<String>,
}

/// Reads the Dockerfile of `service` in `tree` and resolves its inputs.
pub fn resolve(tree: &Tree<'_>, service: &ServiceConfig) -> Result<Inputs, InputsError> {
    let df_path = service.dockerfile.as_str();
    let read_err = |path: &str, e: std::io::Error| InputsError::Read {
        path: path.to_string(),
        message: e.to_string(),
    };
    let text = match tree.read_text(df_path).map_err(|e| read_err(df_path, e))? {
        Some(text) => text,
        None => {
            return Err(InputsError::MissingDockerfile {
                service: service.name.clone(),
                path: df_path.to_string(),
            })
        }
    };
    let dockerfile = dockerfile::parse(&text).map_err(|e| InputsError::Dockerfile {
        path: df_path.to_string(),
        line: e.line,
        message: e.message.clone(),
        help: e.help.clone(),
    })?;
    let ignore = read_ignore(tree, service)?;
    let sources = dockerfile
        .context_sources(service.target.as_deref(), &service.build_args)
        .map_err(|e| InputsError::Target {
            path: df_path.to_string(),
            message: e.to_string(),
        })?;

    let ctx = service.context.as_str();
    let mut walker = Walker {
        tree,
        ctx,
        ignore: &ignore,
        found: BTreeMap::new(),
    };
    let mut warnings = Vec::new();
    let mut urls = Vec::new();
    for source in &sources {
        if source.kind == SourceKind::Url {
            warnings.push(format!(
                "`{df_path}` line {}: ADD `{}` is fetched at build time, so only its URL is fingerprinted",
                source.line, source.path
            ));
            urls.push(Input {
                hash: sha256_hex(source.path.as_bytes()),
                size: source.path.len() as u64,
                path: source.path.clone(),
                kind: InputKind::Url,
            });
            continue;
        }
        let missing = |problem: &str, help: String| InputsError::MissingSource {
            dockerfile: df_path.to_string(),
            line: source.line,
            instruction: source.instruction.clone(),
            source_path: source.path.clone(),
            problem: problem.to_string(),
            help,
        };
        let excludes = if source.excludes.is_empty() {
            None
        } else {
            let text = source.excludes.join("\n");
            Some(
                DockerIgnore::parse(&text).map_err(|e| InputsError::Dockerfile {
                    path: df_path.to_string(),
                    line: source.line,
                    message: format!("bad --exclude pattern `{}`: {}", e.pattern, e.reason),
                    help: "correct the --exclude pattern".into(),
                })?,
            )
        };
        let roots = walker.expand(&source.path)?;
        if roots.is_empty() {
            let exists = !dockerignore::has_glob(&source.path)
                && tree
                    .entry(&join(ctx, &source.path))
                    .map_err(|e| read_err(&source.path, e))?
                    .is_some();
            return Err(if exists {
                missing(
                    "is excluded by `.dockerignore`",
                    "remove the pattern that excludes it from .dockerignore, or stop copying it"
                        .into(),
                )
            } else if dockerignore::has_glob(&source.path) {
                missing(
                    "matches no file in the build context",
                    "add a file it matches, or correct the pattern".into(),
                )
            } else {
                missing(
                    "does not exist in the build context",
                    format!(
                        "create `{}`, or correct the path (it is relative to the context `{}`)",
                        join(ctx, &source.path),
                        if ctx.is_empty() { "." } else { ctx }
                    ),
                )
            });
        }
        for (root, entry) in roots {
            walker.add(&root, entry, excludes.as_ref(), &root)?;
        }
    }

    let dockerfile_in_context = match df_path.strip_prefix(ctx) {
        Some(rest) if ctx.is_empty() => rest.to_string(),
        Some(rest) if rest.starts_with('/') => rest[1..].to_string(),
        _ => OUTSIDE_DOCKERFILE.to_string(),
    };
    let (hash, size) = tree.hash_file(df_path).map_err(|e| read_err(df_path, e))?;
    let mut found = walker.found;
    found.insert(
        dockerfile_in_context.clone(),
        Input {
            path: dockerfile_in_context.clone(),
            kind: InputKind::File,
            hash: hex_hash(&hash),
            size,
        },
    );
    let mut inputs: Vec<Input> = found.into_values().collect();
    inputs.extend(urls);
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    Ok(Inputs {
        inputs,
        dockerfile_in_context,
        dockerfile,
        warnings,
    })
}

/// `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`,
/// as in BuildKit.
pub fn read_ignore(tree: &Tree<'_>, service: &ServiceConfig) -> Result<DockerIgnore, InputsError> {
    let specific = format!("{}.dockerignore", service.dockerfile);
    let general = join(&service.context, ".dockerignore");
    for path in [specific, general] {
        let text = tree.read_text(&path).map_err(|e| InputsError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if let Some(text) = text {
            return DockerIgnore::parse(&text).map_err(|e| InputsError::Ignore {
                path,
                line: e.line,
                message: format!("bad pattern `{}`: {}", e.pattern, e.reason),
            });
        }
    }
    Ok(DockerIgnore::default())
}
