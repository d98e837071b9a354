//! The inputs of a runtime image: its Dockerfile plus every build-context file its COPY/ADD
//! instructions read, filtered by the `.dockerignore` the engine would apply, with a hash each.

// An InputsError carries everything its message and fix need (file, line, source, help); it is
// built once per failed command, so its size costs nothing that matters.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::config::ServiceConfig;
use crate::dockerfile::{self, Dockerfile, SourceKind};
use crate::dockerignore::{self, DockerIgnore};
use crate::tree::{Entry, Tree};

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

/// Why the inputs could not be determined.
#[derive(Debug, thiserror::Error)]
pub enum InputsError {
    /// The runtime Dockerfile does not exist.
    #[error("service `{service}`: `{path}` does not exist")]
    MissingDockerfile {
        /// The service.
        service: String,
        /// The Dockerfile, relative to the repository root.
        path: String,
    },
    /// The Dockerfile cannot be parsed.
    #[error("`{path}` line {line}: {message}")]
    Dockerfile {
        /// The Dockerfile.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
        /// The fix.
        help: String,
    },
    /// The stage named by `target` is not in the Dockerfile.
    #[error("`{path}`: {message}")]
    Target {
        /// The Dockerfile.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A `.dockerignore` pattern is malformed.
    #[error("`{path}` line {line}: {message}")]
    Ignore {
        /// The ignore file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A COPY/ADD source that is not in the build context.
    #[error("`{dockerfile}` line {line}: {instruction} source `{source_path}` {problem}")]
    MissingSource {
        /// The Dockerfile.
        dockerfile: String,
        /// 1-based line of the instruction.
        line: usize,
        /// COPY or ADD.
        instruction: String,
        /// The source as written.
        source_path: String,
        /// "does not exist", "is excluded by `.dockerignore`", "matches no file".
        problem: String,
        /// The fix.
        help: String,
    },
    /// A symlink among the inputs that points outside the repository; it is never followed.
    #[error("`{path}` is a symlink to `{target}`, outside the repository; refused")]
    SymlinkEscapes {
        /// The link, relative to the repository root.
        path: String,
        /// Its target.
        target: String,
    },
    /// A file that could not be read.
    #[error("cannot read `{path}`: {message}")]
    Read {
        /// The file, relative to the repository root.
        path: String,
        /// Why.
        message: String,
    },
}

impl InputsError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            InputsError::MissingDockerfile { .. } => Some(
                "create it with `dockwright init`, or point `dockerfile` at it in dockwright.toml"
                    .into(),
            ),
            InputsError::Dockerfile { help, .. } | InputsError::MissingSource { help, .. } => {
                Some(help.clone())
            }
            InputsError::Target { .. } => {
                Some("set `target` in dockwright.toml to one of the stage names above".into())
            }
            InputsError::Ignore { .. } => Some("correct or remove the pattern".into()),
            InputsError::SymlinkEscapes { .. } => Some(
                "copy the file into the repository, or exclude the link in .dockerignore".into(),
            ),
            InputsError::Read { .. } => None,
        }
    }
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

struct Walker<'a, 't> {
    tree: &'a Tree<'t>,
    ctx: &'a str,
    ignore: &'a DockerIgnore,
    found: BTreeMap<String, Input>,
}

impl Walker<'_, '_> {
    /// The context paths a source names: itself, or what its glob matches, minus ignored paths.
    fn expand(&self, source: &str) -> Result<Vec<(String, Entry)>, InputsError> {
        let mut current: Vec<(String, Entry)> = vec![(String::new(), Entry::Dir)];
        if source.is_empty() {
            return Ok(current);
        }
        for segment in source.split('/') {
            let mut next = Vec::new();
            for (dir, entry) in &current {
                if *entry != Entry::Dir {
                    continue;
                }
                if dockerignore::has_glob(segment) {
                    for (name, entry) in self.list(dir)? {
                        if dockerignore::glob_match(segment, &name) {
                            next.push((join(dir, &name), entry));
                        }
                    }
                } else {
                    let path = join(dir, segment);
                    if let Some(entry) = self.entry(&path)? {
                        next.push((path, entry));
                    }
                }
            }
            current = next;
        }
        Ok(current
            .into_iter()
            .filter(|(p, _)| !self.ignore.is_excluded(p))
            .collect())
    }

    fn entry(&self, path: &str) -> Result<Option<Entry>, InputsError> {
        let full = join(self.ctx, path);
        self.tree.entry(&full).map_err(|e| InputsError::Read {
            path: full,
            message: e.to_string(),
        })
    }

    fn list(&self, dir: &str) -> Result<Vec<(String, Entry)>, InputsError> {
        let full = join(self.ctx, dir);
        self.tree.list(&full).map_err(|e| InputsError::Read {
            path: full,
            message: e.to_string(),
        })
    }

    /// Adds `path` (context-relative) and, for a directory, everything below it not ignored.
    fn add(
        &mut self,
        path: &str,
        entry: Entry,
        excludes: Option<&DockerIgnore>,
        root: &str,
    ) -> Result<(), InputsError> {
        if let Some(excludes) = excludes {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(path)
                .trim_start_matches('/');
            let base = path.rsplit('/').next().unwrap_or(path);
            if !rel.is_empty() && (excludes.is_excluded(rel) || excludes.is_excluded(base)) {
                return Ok(());
            }
        }
        if self.found.contains_key(path) {
            return Ok(());
        }
        let full = join(self.ctx, path);
        match entry {
            Entry::File { executable } => {
                let (hash, size) = self.tree.hash_file(&full).map_err(|e| InputsError::Read {
                    path: full.clone(),
                    message: e.to_string(),
                })?;
                let kind = if executable {
                    InputKind::Executable
                } else {
                    InputKind::File
                };
                self.found.insert(
                    path.to_string(),
                    Input {
                        path: path.to_string(),
                        kind,
                        hash: hex_hash(&hash),
                        size,
                    },
                );
            }
            Entry::Symlink { target } => {
                if escapes(&full, &target) {
                    return Err(InputsError::SymlinkEscapes { path: full, target });
                }
                self.found.insert(
                    path.to_string(),
                    Input {
                        path: path.to_string(),
                        kind: InputKind::Symlink,
                        hash: sha256_hex(target.as_bytes()),
                        size: target.len() as u64,
                    },
                );
            }
            Entry::Dir => {
                for (name, child) in self.list(path)? {
                    let child_path = join(path, &name);
                    let excluded = self.ignore.is_excluded(&child_path);
                    if excluded && !(child == Entry::Dir && self.ignore.must_descend(&child_path)) {
                        continue;
                    }
                    if excluded {
                        // An excluded directory with a `!` re-include below it: only what is
                        // re-included goes in, so walk it but keep checking each path.
                        self.add_reincluded(&child_path, excludes, root)?;
                    } else {
                        self.add(&child_path, child, excludes, root)?;
                    }
                }
            }
            // A submodule's files are not the parent's to send; the engine sends the directory,
            // which in a clean clone is empty. Leave it out, like git's tree does.
            Entry::Submodule => {}
        }
        Ok(())
    }

    fn add_reincluded(
        &mut self,
        dir: &str,
        excludes: Option<&DockerIgnore>,
        root: &str,
    ) -> Result<(), InputsError> {
        for (name, child) in self.list(dir)? {
            let child_path = join(dir, &name);
            if child == Entry::Dir {
                if !self.ignore.is_excluded(&child_path) {
                    self.add(&child_path, child, excludes, root)?;
                } else if self.ignore.must_descend(&child_path) {
                    self.add_reincluded(&child_path, excludes, root)?;
                }
            } else if !self.ignore.is_excluded(&child_path) {
                self.add(&child_path, child, excludes, root)?;
            }
        }
        Ok(())
    }
}

/// Whether a link at `link` (repository-relative) with `target` resolves outside the repository.
/// Decided from the text alone: the target is never read.
pub fn escapes(link: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return true;
    }
    let mut depth: Vec<&str> = link.split('/').collect();
    depth.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if depth.pop().is_none() {
                    return true;
                }
            }
            p => depth.push(p),
        }
    }
    false
}

/// `a` joined with `b` by `/`, where "" is the root.
pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// `sha256:<hex>` of bytes.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_hash(&Sha256::digest(data).into())
}

/// `sha256:<hex>` of a digest.
pub fn hex_hash(digest: &[u8; 32]) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// What changed between two sets of per-input hashes (older first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The input's path.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
}

/// The differences from `old` (path → hash) to `new`, by path.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let change = match (old.get(path), new.get(path)) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(a), Some(b)) if a != b => "changed",
                _ => return None,
            };
            Some(Change {
                path: path.clone(),
                change,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_escape_is_decided_from_text() {
        assert!(escapes("a/link", "/etc/passwd"));
        assert!(escapes("a/link", "../../outside"));
        assert!(!escapes("a/link", "../inside"));
        assert!(!escapes("a/b/link", "./../c"));
    }

    #[test]
    fn diff_names_each_change() {
        let old: BTreeMap<_, _> = [("a", "1"), ("b", "2")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let new: BTreeMap<_, _> = [("b", "3"), ("c", "4")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            vec![
                Change {
                    path: "a".into(),
                    change: "removed"
                },
                Change {
                    path: "b".into(),
                    change: "changed"
                },
                Change {
                    path: "c".into(),
                    change: "added"
                },
            ]
        );
    }
}
