//! The walk of the build context: what each COPY/ADD source names, minus what
//! `.dockerignore` excludes, each file hashed once.

// See error.rs: the error is large on purpose.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use super::{escapes, hex_hash, join, sha256_hex, Input, InputKind, InputsError};
use crate::dockerignore::{self, DockerIgnore};
use crate::tree::{Entry, Tree};

pub(super) struct Walker<'a, 't> {
    pub(super) tree: &'a Tree<'t>,
    pub(super) ctx: &'a str,
    pub(super) ignore: &'a DockerIgnore,
    pub(super) found: BTreeMap<String, Input>,
}

impl Walker<'_, '_> {
    /// The context paths a source names: itself, or what its glob matches, minus ignored paths.
    pub(super) fn expand(&self, source: &str) -> Result<Vec<(String, Entry)>, InputsError> {
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
    pub(super) fn add(
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
