//! Git hooks: what `dockwright hooks install` writes, and the work each hook does.
//!
//! Git runs a small POSIX `sh` shim in the hooks directory ([`shim`]). The shim runs the hook
//! that was there before dockwright (kept as `<hook>.dockwright-chained`), then the hook binary
//! `dockwright-hook-<name>`, which calls [`main`]. [`install`] writes, upgrades, removes and
//! inspects the shims; [`freshness`] is the work of post-checkout, post-merge and post-rewrite;
//! [`background`] starts the detached build that `on_stale = "build"` asks for; pre-push hands
//! over to [`crate::sandbox::pre_push`].
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
pub mod shim;

use std::io::Read;

/// A git hook that dockwright installs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Serialize,
)]
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

/// The whole of a hook binary: runs hook `name` with this process's arguments and stdin, and
/// returns the exit code. The post-* hooks always return 0.
pub fn main(name: &str) -> i32 {
    // The shim already skipped; this covers a hook binary run by hand or by another manager.
    if crate::env::skip() {
        return 0;
    }
    let Some(hook) = Hook::from_name(name) else {
        eprintln!("dockwright: `{name}` is not a hook dockwright knows; skipped");
        return 0;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    match hook {
        Hook::PrePush => pre_push(&args),
        _ => {
            // A panic would exit 101, and post-checkout's code becomes `git checkout`'s: say one
            // line instead and let git go on.
            let name = hook.name();
            std::panic::set_hook(Box::new(move |info| {
                let text = info.to_string().replace('\n', " ");
                eprintln!("dockwright: the {name} hook failed ({text}); please report it");
            }));
            let _ = std::panic::catch_unwind(|| freshness::run(hook, &args));
            0
        }
    }
}

/// pre-push: git's `remote url` arguments and every line git wrote to stdin go to the sandbox
/// runner. A hook that was here before dockwright has already run (the shim replays the same
/// stdin to it first, and stops the push when it fails), so this is dockwright's part only.
fn pre_push(args: &[String]) -> i32 {
    let remote = args.first().map(String::as_str).unwrap_or("");
    let url = args.get(1).map(String::as_str).unwrap_or(remote);
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut raw) {
        eprintln!("dockwright: cannot read what git sent to the pre-push hook: {e}");
    }
    let stdin = String::from_utf8_lossy(&raw);
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    crate::sandbox::pre_push(&cwd, remote, url, &stdin)
}
