//! What goes into a test container: the tracked files of a commit (or, with `--worktree`, the
//! tracked and untracked-but-not-ignored files on disk) below the service's context, filtered by
//! its `.dockerignore`, with their modes, owned by the container's user. Nothing else of the
//! host: no ignored file (`.env`), nothing outside the repository.

use sha2::{Digest, Sha256};

use crate::config::ServiceConfig;
use crate::dockerignore::DockerIgnore;
use crate::error::{Error, Result};
use crate::inputs::{escapes, join, read_ignore, InputsError};
use crate::project::Project;
use crate::tree::{Entry, Tree};

/// The first line of a Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// A tar of the source, ready to upload into the container's workdir.
pub struct Payload {
    /// The archive (empty from [`digest`]).
    pub tar: Vec<u8>,
    /// The hash of what the archive holds, whatever its owner: each entry's kind, path, mode
    /// and content (as its git blob id, so that a commit's is had without reading a blob), in
    /// order (the proofs' key).
    pub digest: String,
    /// Files (and links) in it.
    pub files: usize,
    /// Bytes of content in it (0 from [`digest`], which reads no content).
    pub bytes: u64,
    /// What was left out or may surprise: submodules, LFS pointers.
    pub warnings: Vec<String>,
}

/// Packs the source of `service` from `tree`. `listed` is the list of repository paths to take
/// (for the working tree: what git tracks plus untracked files it does not ignore); None walks
/// the commit's tree.
pub fn pack(
    tree: &Tree<'_>,
    service: &ServiceConfig,
    listed: Option<&[String]>,
    owner: (u64, u64),
) -> Result<Payload> {
    walk(tree, service, listed, Some(owner))
}

/// What [`pack`] would ship, counted and hashed, without the archive (nor its owner).
pub fn digest(
    tree: &Tree<'_>,
    service: &ServiceConfig,
    listed: Option<&[String]>,
) -> Result<Payload> {
    walk(tree, service, listed, None)
}

/// What decides a commit's payload, named without walking it: the git id of the service's
/// context directory (every file below it, its `.dockerignore` included) and of the
/// Dockerfile's own ignore file, which may lie outside. Equal sources, equal payloads, so a
/// payload's [`digest`] once known need not be computed again (a proven re-run costs no walk).
/// None for the working tree.
pub fn source(tree: &Tree<'_>, service: &ServiceConfig) -> Option<String> {
    let context = tree.object_id(&service.context)?;
    let specific = tree.object_id(&format!("{}.dockerignore", service.dockerfile));
    let mut hasher = Sha256::new();
    for field in [
        "dockwright-payload-source-v1",
        // Another version may filter differently.
        crate::project::VERSION,
        &context.to_string(),
        &specific.map(|id| id.to_string()).unwrap_or_default(),
        &service.context,
        &service.dockerfile,
    ] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    Some(crate::proofs::hex(&hasher.finalize()))
}

fn walk(
    tree: &Tree<'_>,
    service: &ServiceConfig,
    listed: Option<&[String]>,
    owner: Option<(u64, u64)>,
) -> Result<Payload> {
    let ignore = read_ignore(tree, service)?;
    let mut packer = Packer {
        tree,
        ctx: &service.context,
        ignore: &ignore,
        owner: owner.unwrap_or((0, 0)),
        builder: owner.map(|_| tar::Builder::new(Vec::new())),
        hasher: Sha256::new(),
        files: 0,
        bytes: 0,
        warnings: Vec::new(),
        lfs: Vec::new(),
        dirs: std::collections::BTreeSet::new(),
    };
    packer.dir_entry("")?;
    match listed {
        Some(paths) => {
            for path in paths {
                let Some(rel) = within(&service.context, path) else {
                    continue;
                };
                if ignore.is_excluded(rel) {
                    continue;
                }
                match tree.entry(path).map_err(|e| read_error(path, e))? {
                    // Deleted in the working tree but still in the index.
                    None | Some(Entry::Dir) => {}
                    Some(entry) => {
                        if let Some((parent, _)) = rel.rsplit_once('/') {
                            packer.parents(parent)?;
                        }
                        packer.add(rel, entry)?;
                    }
                }
            }
        }
        None => packer.walk("")?,
    }
    if !packer.lfs.is_empty() {
        packer.warnings.push(format!(
            "{} file(s) are Git LFS pointers, not their content (first: `{}`); run `git lfs pull` and use `--worktree`, or make the tests not need them",
            packer.lfs.len(),
            packer.lfs[0]
        ));
    }
    let Packer {
        builder,
        hasher,
        files,
        bytes,
        warnings,
        ..
    } = packer;
    let tar = match builder {
        Some(builder) => builder
            .into_inner()
            .map_err(|e| Error::io("pack", "the test payload", e))?,
        None => Vec::new(),
    };
    Ok(Payload {
        tar,
        digest: crate::proofs::hex(&hasher.finalize()),
        files,
        bytes,
        warnings,
    })
}

fn within<'a>(context: &str, path: &'a str) -> Option<&'a str> {
    if context.is_empty() {
        return Some(path);
    }
    path.strip_prefix(context)?.strip_prefix('/')
}

fn read_error(path: &str, e: std::io::Error) -> Error {
    InputsError::Read {
        path: path.to_string(),
        message: e.to_string(),
    }
    .into()
}

struct Packer<'a, 't> {
    tree: &'a Tree<'t>,
    ctx: &'a str,
    ignore: &'a DockerIgnore,
    owner: (u64, u64),
    builder: Option<tar::Builder<Vec<u8>>>,
    hasher: Sha256,
    files: usize,
    bytes: u64,
    warnings: Vec<String>,
    lfs: Vec<String>,
    dirs: std::collections::BTreeSet<String>,
}

impl Packer<'_, '_> {
    fn header(&self, kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(size);
        header.set_uid(self.owner.0);
        header.set_gid(self.owner.1);
        header.set_mtime(0);
        header
    }

    /// Adds an entry to the hash (a file by its blob id `blob`), and to the archive when there
    /// is one.
    fn append(
        &mut self,
        kind: tar::EntryType,
        mode: u32,
        name: &str,
        (data, blob): (&[u8], Option<git2::Oid>),
        link: Option<&str>,
    ) -> std::io::Result<()> {
        for field in [
            &[kind.as_byte()][..],
            name.as_bytes(),
            &mode.to_le_bytes(),
            blob.as_ref().map(git2::Oid::as_bytes).unwrap_or(&[]),
            link.unwrap_or("").as_bytes(),
        ] {
            self.hasher.update((field.len() as u64).to_le_bytes());
            self.hasher.update(field);
        }
        let mut header = self.header(kind, mode, data.len() as u64);
        match (&mut self.builder, link) {
            (None, _) => Ok(()),
            (Some(builder), Some(target)) => builder.append_link(&mut header, name, target),
            (Some(builder), None) => builder.append_data(&mut header, name, data),
        }
    }

    fn dir_entry(&mut self, rel: &str) -> Result<()> {
        if !self.dirs.insert(rel.to_string()) {
            return Ok(());
        }
        let name = if rel.is_empty() {
            "./".to_string()
        } else {
            format!("{rel}/")
        };
        self.append(tar::EntryType::Directory, 0o755, &name, (&[], None), None)
            .map_err(|e| Error::io("pack", rel, e))
    }

    fn parents(&mut self, dir: &str) -> Result<()> {
        let mut so_far = String::new();
        for part in dir.split('/') {
            so_far = join(&so_far, part);
            self.dir_entry(&so_far.clone())?;
        }
        Ok(())
    }

    fn walk(&mut self, dir: &str) -> Result<()> {
        let full = join(self.ctx, dir);
        let entries = self.tree.list(&full).map_err(|e| read_error(&full, e))?;
        for (name, entry) in entries {
            let rel = join(dir, &name);
            if self.ignore.is_excluded(&rel)
                && !(entry == Entry::Dir && self.ignore.must_descend(&rel))
            {
                continue;
            }
            if entry == Entry::Dir {
                if !self.ignore.is_excluded(&rel) {
                    self.dir_entry(&rel)?;
                }
                self.walk(&rel)?;
            } else if !self.ignore.is_excluded(&rel) {
                if let Some((parent, _)) = rel.rsplit_once('/') {
                    self.parents(parent)?;
                }
                self.add(&rel, entry)?;
            }
        }
        Ok(())
    }

    fn add(&mut self, rel: &str, entry: Entry) -> Result<()> {
        let full = join(self.ctx, rel);
        match entry {
            Entry::File { executable } => {
                // Only an archive needs the content; the hash takes the blob id.
                let data = match self.builder {
                    Some(_) => self.tree.read(&full).map_err(|e| read_error(&full, e))?,
                    None => Vec::new(),
                };
                if data.starts_with(LFS_POINTER) {
                    self.lfs.push(full.clone());
                }
                let content = self.builder.is_some().then_some(data.as_slice());
                let blob = self
                    .tree
                    .blob_id(&full, content)
                    .map_err(|e| read_error(&full, e))?;
                self.append(
                    tar::EntryType::Regular,
                    if executable { 0o755 } else { 0o644 },
                    rel,
                    (&data, Some(blob)),
                    None,
                )
                .map_err(|e| Error::io("pack", &full, e))?;
                self.files += 1;
                self.bytes += data.len() as u64;
            }
            Entry::Symlink { target } => {
                if escapes(&full, &target) {
                    return Err(InputsError::SymlinkEscapes { path: full, target }.into());
                }
                self.append(
                    tar::EntryType::Symlink,
                    0o777,
                    rel,
                    (&[], None),
                    Some(&target),
                )
                .map_err(|e| Error::io("pack", &full, e))?;
                self.files += 1;
            }
            Entry::Submodule => self.warnings.push(format!(
                "submodule `{full}` is not included: a test run ships the commit's own files only"
            )),
            Entry::Dir => self.dir_entry(rel)?,
        }
        Ok(())
    }
}

/// The repository paths of the working tree that `--worktree` ships: what git tracks plus
/// untracked files that git does not ignore (so `.env` in `.gitignore` never goes in).
pub fn worktree_files(project: &Project) -> Result<Vec<String>> {
    let out = crate::repo::git_command(project.repo.root())
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| Error::io("run", "git ls-files", e))?;
    if !out.status.success() {
        return Err(Error::msg(
            format!(
                "`git ls-files` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "check that `git status` works in this repository",
        ));
    }
    let mut paths: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}
