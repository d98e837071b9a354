//! The files of a snapshot: the working tree on disk, or a commit's tree read from git objects
//! (no checkout). Both answer the same questions the same way, so a fingerprint computed from
//! either is the same for the same content.

use std::io::Read;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use sha2::{Digest, Sha256};

/// What a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file.
    File {
        /// Whether any execute bit is set (git's `100755`).
        executable: bool,
    },
    /// A symbolic link, with its target as written.
    Symlink {
        /// The link's text.
        target: String,
    },
    /// A directory.
    Dir,
    /// A submodule (a gitlink in a commit, or a nested repository on disk).
    Submodule,
}

/// A snapshot of the repository's files. Paths are relative to the repository root,
/// `/`-separated, "" for the root.
pub enum Tree<'r> {
    /// The working tree on disk.
    Work {
        /// The repository root.
        root: PathBuf,
    },
    /// A commit's tree.
    Commit {
        /// The repository the objects come from.
        repo: &'r Repository,
        /// The commit's root tree.
        tree: git2::Tree<'r>,
        /// The commit.
        commit: Oid,
    },
}

impl<'r> Tree<'r> {
    /// The working tree below `root`.
    pub fn work(root: &Path) -> Tree<'static> {
        Tree::Work {
            root: root.to_path_buf(),
        }
    }

    /// The tree of `commit`.
    pub fn commit(repo: &'r Repository, commit: Oid) -> Result<Tree<'r>, git2::Error> {
        let tree = repo.find_commit(commit)?.tree()?;
        Ok(Tree::Commit { repo, tree, commit })
    }

    /// What `path` is, or None when it does not exist.
    pub fn entry(&self, path: &str) -> std::io::Result<Option<Entry>> {
        match self {
            Tree::Work { root } => {
                let full = join(root, path);
                let meta = match std::fs::symlink_metadata(&full) {
                    Ok(meta) => meta,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return Ok(None),
                    Err(e) => return Err(e),
                };
                Ok(Some(disk_entry(&full, &meta)?))
            }
            Tree::Commit { repo, tree, .. } => {
                if path.is_empty() {
                    return Ok(Some(Entry::Dir));
                }
                match tree.get_path(Path::new(path)) {
                    Ok(entry) => Ok(Some(git_entry(repo, entry.filemode(), entry.id())?)),
                    Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                    Err(e) => Err(git_io(e)),
                }
            }
        }
    }

    /// The entries of directory `dir`, sorted by name.
    pub fn list(&self, dir: &str) -> std::io::Result<Vec<(String, Entry)>> {
        let mut out = Vec::new();
        match self {
            Tree::Work { root } => {
                for item in std::fs::read_dir(join(root, dir))? {
                    let item = item?;
                    let name = match item.file_name().into_string() {
                        Ok(name) => name,
                        Err(raw) => {
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                format!("file name {raw:?} is not UTF-8"),
                            ))
                        }
                    };
                    if dir.is_empty() && name == ".git" {
                        continue;
                    }
                    let meta = item.metadata()?;
                    out.push((name, disk_entry(&item.path(), &meta)?));
                }
            }
            Tree::Commit { repo, tree, .. } => {
                let sub;
                let tree = if dir.is_empty() {
                    tree
                } else {
                    let entry = tree.get_path(Path::new(dir)).map_err(git_io)?;
                    sub = repo.find_tree(entry.id()).map_err(git_io)?;
                    &sub
                };
                for entry in tree.iter() {
                    let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
                    out.push((name, git_entry(repo, entry.filemode(), entry.id())?));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// SHA-256 and size of a file's content, streamed from disk or read from the blob.
    pub fn hash_file(&self, path: &str) -> std::io::Result<([u8; 32], u64)> {
        let mut hasher = Sha256::new();
        let size = match self {
            Tree::Work { root } => {
                let mut file = std::fs::File::open(join(root, path))?;
                let mut buf = vec![0u8; 256 * 1024];
                let mut total = 0u64;
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    total += n as u64;
                }
                total
            }
            Tree::Commit { .. } => {
                let data = self.read(path)?;
                hasher.update(&data);
                data.len() as u64
            }
        };
        Ok((hasher.finalize().into(), size))
    }

    /// The git object id of a path in a commit's tree (the root tree's for ""): it names the
    /// whole content below it. None in the working tree, or when the path does not exist.
    pub fn object_id(&self, path: &str) -> Option<Oid> {
        match self {
            Tree::Work { .. } => None,
            Tree::Commit { tree, .. } if path.is_empty() => Some(tree.id()),
            Tree::Commit { tree, .. } => tree.get_path(Path::new(path)).ok().map(|e| e.id()),
        }
    }

    /// The git blob id of a file: from the commit's tree without reading the blob, or hashed
    /// from the working tree's file (`content` when it was read already). Equal content, equal
    /// id (in a SHA-1 repository, across commit and working tree too).
    pub fn blob_id(&self, path: &str, content: Option<&[u8]>) -> std::io::Result<Oid> {
        match self {
            Tree::Work { root } => match content {
                Some(data) => Oid::hash_object(git2::ObjectType::Blob, data),
                None => Oid::hash_file(git2::ObjectType::Blob, join(root, path)),
            }
            .map_err(git_io),
            Tree::Commit { tree, .. } => tree
                .get_path(Path::new(path))
                .map(|entry| entry.id())
                .map_err(git_io),
        }
    }

    /// A file's content.
    pub fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        match self {
            Tree::Work { root } => std::fs::read(join(root, path)),
            Tree::Commit { repo, tree, .. } => {
                let entry = tree.get_path(Path::new(path)).map_err(git_io)?;
                let blob = repo.find_blob(entry.id()).map_err(git_io)?;
                Ok(blob.content().to_vec())
            }
        }
    }

    /// A file's content as text, or None when it does not exist.
    pub fn read_text(&self, path: &str) -> std::io::Result<Option<String>> {
        match self.entry(path)? {
            Some(Entry::File { .. }) => {
                let bytes = self.read(path)?;
                Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
            }
            _ => Ok(None),
        }
    }

    /// The commit, for a commit's tree.
    pub fn commit_id(&self) -> Option<Oid> {
        match self {
            Tree::Work { .. } => None,
            Tree::Commit { commit, .. } => Some(*commit),
        }
    }

    /// On-disk path of a working-tree entry (None for a commit).
    pub fn disk_path(&self, path: &str) -> Option<PathBuf> {
        match self {
            Tree::Work { root } => Some(join(root, path)),
            Tree::Commit { .. } => None,
        }
    }
}

fn join(root: &Path, path: &str) -> PathBuf {
    if path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(path)
    }
}

fn disk_entry(full: &Path, meta: &std::fs::Metadata) -> std::io::Result<Entry> {
    use std::os::unix::fs::PermissionsExt;
    let kind = meta.file_type();
    Ok(if kind.is_symlink() {
        let target = std::fs::read_link(full)?;
        Entry::Symlink {
            target: target.to_string_lossy().into_owned(),
        }
    } else if kind.is_dir() {
        if full.join(".git").exists() {
            Entry::Submodule
        } else {
            Entry::Dir
        }
    } else {
        Entry::File {
            executable: meta.permissions().mode() & 0o111 != 0,
        }
    })
}

fn git_entry(repo: &Repository, mode: i32, id: Oid) -> std::io::Result<Entry> {
    Ok(match mode {
        0o040000 => Entry::Dir,
        0o160000 => Entry::Submodule,
        0o120000 => {
            let blob = repo.find_blob(id).map_err(git_io)?;
            Entry::Symlink {
                target: String::from_utf8_lossy(blob.content()).into_owned(),
            }
        }
        0o100755 => Entry::File { executable: true },
        _ => Entry::File { executable: false },
    })
}

fn git_io(e: git2::Error) -> std::io::Error {
    std::io::Error::other(e.message().to_string())
}
