//! Where git looks for hooks.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::repo::{git_command, Repo};

/// The hooks directory that git uses for `repo`, as git itself computes it: `core.hooksPath`
/// (absolute, or relative to the working tree root where hooks run), else `hooks/` in the
/// common git dir (shared by linked worktrees; a submodule has its own).
pub fn hooks_dir(repo: &Repo) -> Result<PathBuf> {
    let root = repo.root();
    let out = git_command(root)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .map_err(|e| {
            Error::msg(
                format!("cannot run `git`: {e}"),
                "install git, and make sure it is on PATH",
            )
        })?;
    if !out.status.success() {
        return Err(Error::msg(
            format!(
                "`git rev-parse --git-path hooks` failed in `{}`: {}",
                root.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "check that `git status` works in this repository",
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let path = PathBuf::from(text.trim_end_matches(['\n', '\r']));
    Ok(if path.is_absolute() {
        path
    } else {
        root.join(path)
    })
}
