//! The git repository: discovery (from any subdirectory, in linked worktrees), revisions, and
//! running git elsewhere without the variables a hook inherits.

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{Oid, Repository};

/// A non-bare git repository with a working tree.
pub struct Repo {
    git: Repository,
    root: PathBuf,
}

/// What went wrong with the repository.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No repository contains the directory.
    #[error("`{}` is not inside a git repository", path.display())]
    NotARepo {
        /// Where the search started.
        path: PathBuf,
    },
    /// The repository has no working tree.
    #[error("`{}` is a bare repository", path.display())]
    Bare {
        /// The repository.
        path: PathBuf,
    },
    /// HEAD points to a branch with no commit yet.
    #[error("the repository has no commits yet")]
    NoCommits,
    /// A revision that does not name a commit.
    #[error("`{rev}` does not name a commit: {message}")]
    BadRevision {
        /// As given.
        rev: String,
        /// libgit2's words.
        message: String,
    },
    /// Any other libgit2 failure.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl RepoError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        Some(
            match self {
                RepoError::NotARepo { .. } => {
                    "run dockwright inside a git repository, or create one with `git init`"
                }
                RepoError::Bare { .. } => {
                    "run dockwright in a clone with a working tree (`git clone <bare> <dir>`)"
                }
                RepoError::NoCommits => "commit something first, or use `--worktree`",
                RepoError::BadRevision { .. } => {
                    "give a branch, tag or commit id, such as `HEAD`, `main` or `HEAD~1`"
                }
                RepoError::Git(_) => return None,
            }
            .to_string(),
        )
    }
}

impl Repo {
    /// Finds the repository that contains `start` (a directory inside a working tree or a linked
    /// worktree).
    pub fn discover(start: &Path) -> Result<Repo, RepoError> {
        let git = Repository::discover(start).map_err(|e| {
            if e.code() == git2::ErrorCode::NotFound {
                RepoError::NotARepo {
                    path: start.to_path_buf(),
                }
            } else {
                RepoError::Git(e)
            }
        })?;
        Repo::from_git(git)
    }

    /// Opens the repository at exactly `path` (its working tree root or git dir).
    pub fn open(path: &Path) -> Result<Repo, RepoError> {
        let git = Repository::open(path).map_err(|_| RepoError::NotARepo {
            path: path.to_path_buf(),
        })?;
        Repo::from_git(git)
    }

    fn from_git(git: Repository) -> Result<Repo, RepoError> {
        let root = match git.workdir() {
            Some(dir) => dir.to_path_buf(),
            None => {
                return Err(RepoError::Bare {
                    path: git.path().to_path_buf(),
                })
            }
        };
        let root = root.canonicalize().unwrap_or(root);
        Ok(Repo { git, root })
    }

    /// The root of the working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This worktree's git dir (`.git`, or `.git/worktrees/<name>` for a linked worktree).
    pub fn git_dir(&self) -> &Path {
        self.git.path()
    }

    /// The git dir that all worktrees share (where `hooks/` and `config` live).
    pub fn common_dir(&self) -> &Path {
        self.git.commondir()
    }

    /// The libgit2 handle.
    pub fn git(&self) -> &Repository {
        &self.git
    }

    /// The commit a revision names (`HEAD`, a branch, `HEAD~2`, a full or short id).
    pub fn resolve(&self, rev: &str) -> Result<Oid, RepoError> {
        match self
            .git
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
        {
            Ok(commit) => Ok(commit.id()),
            Err(e) => {
                if rev == "HEAD" && self.git.head().is_err() {
                    Err(RepoError::NoCommits)
                } else {
                    Err(RepoError::BadRevision {
                        rev: rev.to_string(),
                        message: e.message().into(),
                    })
                }
            }
        }
    }

    /// The HEAD commit, or None in a repository with no commits.
    pub fn head(&self) -> Option<Oid> {
        self.git
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id())
    }

    /// The main working tree's directory name, used as the default project name (lower-cased,
    /// made a valid image name). A linked worktree takes the name of the repository it belongs
    /// to, so that all worktrees of one repository share their runtime images.
    pub fn default_project_name(&self) -> String {
        let common = self
            .common_dir()
            .canonicalize()
            .unwrap_or_else(|_| self.common_dir().to_path_buf());
        let main = if self.git.is_worktree() {
            // `<main>/.git` for a normal repository, `<name>.git` (or `<name>`) for a bare one.
            if common.file_name().is_some_and(|n| n == ".git") {
                common.parent().map(Path::to_path_buf)
            } else {
                Some(common.with_extension(""))
            }
        } else {
            None
        };
        let dir = main.unwrap_or_else(|| self.root.clone());
        let raw = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        sanitize_name(&raw)
    }
}

/// Makes any text a valid image-name component: lower case, `[a-z0-9._-]`, starting alphanumeric.
pub fn sanitize_name(raw: &str) -> String {
    let mut out: String = raw
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.starts_with(['.', '_', '-']) {
        out.remove(0);
    }
    if out.is_empty() {
        out.push_str("project");
    }
    out
}

/// A `git` command that runs in `dir` with none of the repository-local variables that the
/// process inherited (inside a hook, `GIT_DIR` would point git at the wrong repository).
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    for var in crate::env::GIT_LOCAL_VARS {
        cmd.env_remove(var);
    }
    cmd
}
