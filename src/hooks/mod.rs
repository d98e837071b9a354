//! Git hooks: what `dockwright hooks install` writes, and the work each hook does.
//!
//! Git runs a small POSIX `sh` shim in the hooks directory ([`shim`]). The shim runs the hook
//! that was there before dockwright (kept as `<hook>.dockwright-chained`), then the hook binary
//! `dockwright-hook-<name>` (a face in `hooks/` that parses git's arguments and renders what
//! the core reports). [`install`] writes, upgrades, removes and
//! inspects the shims; [`freshness`] is the work of post-checkout, post-merge and post-rewrite;
//! [`background`] starts the detached build that `on_stale = "build"` asks for; pre-push is
//! [`crate::sandbox::pre_push`].
//!
//! Every post-* run asks the engine whether each image exists: an image can be removed at any
//! moment (`docker image prune -a`), and an answer remembered from before could then say
//! "fresh" for an image that is gone. The question costs about a millisecond.
//!
//! A post-* hook never fails: git cannot undo a checkout, and post-checkout's exit code becomes
//! the exit code of `git checkout`. Every problem is one line on stderr, and the code is 0.

pub mod background;
pub mod freshness;
pub mod install;
pub mod manager;
pub mod shim;

use crate::error::{Error, Result};

/// A git hook that dockwright installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hook {
    /// After `git checkout` / `git switch` (also after clone and `git worktree add`).
    PostCheckout,
    /// After `git merge` and `git pull` (not after a conflicted merge).
    PostMerge,
    /// After `git commit --amend` and `git rebase` (incl. `git pull --rebase`).
    PostRewrite,
    /// Before `git push`: tests the commits being pushed.
    PrePush,
}

impl Hook {
    /// Every hook, in the order they are listed.
    pub const ALL: [Hook; 4] = [
        Hook::PostCheckout,
        Hook::PostMerge,
        Hook::PostRewrite,
        Hook::PrePush,
    ];

    /// Git's name for the hook.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PostCheckout => "post-checkout",
            Hook::PostMerge => "post-merge",
            Hook::PostRewrite => "post-rewrite",
            Hook::PrePush => "pre-push",
        }
    }

    /// The hook named `name`.
    pub fn from_name(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|h| h.name() == name)
    }

    /// The hook named `name`, or an error that names the hooks (and the one meant, when close).
    pub fn parse(name: &str) -> Result<Hook> {
        Hook::from_name(name).ok_or_else(|| {
            let known = Hook::ALL.map(Hook::name);
            Error::Message {
                message: format!("`{name}` is not a hook dockwright installs"),
                help: Some(crate::suggest::help(name, &known, "the hooks are")),
                exit: crate::exit::Exit::Usage,
            }
        })
    }

    /// The hooks named, in order and once each; all of them when none is named. An unknown
    /// name is an error, found before anything is done.
    pub fn parse_all(names: &[impl AsRef<str>]) -> Result<Vec<Hook>> {
        let mut hooks = names
            .iter()
            .map(|n| Hook::parse(n.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        if hooks.is_empty() {
            hooks = Hook::ALL.to_vec();
        }
        hooks.sort();
        hooks.dedup();
        Ok(hooks)
    }

    /// The binary that does the hook's work: `dockwright-hook-<name>`.
    pub fn binary_name(self) -> String {
        format!("dockwright-hook-{}", self.name())
    }

    /// Whether git writes to the hook's stdin (the shim must replay it to a kept hook).
    pub fn reads_stdin(self) -> bool {
        matches!(self, Hook::PostRewrite | Hook::PrePush)
    }

    /// Whether the hook's exit code can stop git (only pre-push, of these).
    pub fn can_block(self) -> bool {
        self == Hook::PrePush
    }
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
