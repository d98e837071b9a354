//! `dockwright hooks install | uninstall | status`: writing, upgrading, removing and inspecting
//! the shims in the hooks directory that git uses.
//!
//! Someone else's hook is never destroyed: install renames it to `<hook>.dockwright-chained`
//! (a rename keeps every byte, the mode and even the inode) and the shim runs it first;
//! uninstall renames it back.

//!
//! One concept a file: [`dir`] finds the hooks directory as git does, [`binary`] the hook
//! binary a shim runs, [`state`] says what a hook's file is and what was done to it, and
//! [`Installer`] writes, removes and inspects the shims.

pub mod binary;
pub mod dir;
mod files;
mod installer;
pub mod state;

pub use binary::{binary, find_binary};
pub use dir::hooks_dir;
pub use installer::Installer;
pub use state::{HookStatus, Installed, Removed, State};

use crate::repo::Repo;

/// Files that form-1 shims and hooks kept: the list that let a shim end a checkout without the
/// binary (`<git-dir>/dockwright/quiet`) and the fingerprints the engine had confirmed
/// (`<common-dir>/dockwright/fresh`). Both could vouch for an image removed since, so they are
/// removed: a form-1 shim still installed then starts the binary, which asks the engine.
pub fn forget_legacy(repo: &Repo) {
    let _ = std::fs::remove_file(repo.git_dir().join(super::background::DIR).join("quiet"));
    let _ = std::fs::remove_file(repo.common_dir().join(super::background::DIR).join("fresh"));
}
