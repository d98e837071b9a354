//! Hook managers: pre-commit (and prek, which reads the same config), lefthook and husky.
//!
//! A team that runs one adds hooks through its config; a tool writing into the hooks directory
//! that the manager owns fights it (the manager's next `install` overwrites the shim, or the shim
//! hides the manager's hook). So `hooks install` finds the manager in charge and says what to add
//! to its config instead ([`Managed::entry`]), and the hook binaries understand how each manager
//! runs them: lefthook and husky pass git's arguments and stdin through; pre-commit passes
//! neither and sets `PRE_COMMIT_*` variables instead ([`pre_commit_args`]).
//!
//! dockwright's entries for pre-commit and prek are `.pre-commit-hooks.yaml` at the root of its
//! repository (hooks `dockwright-post-checkout`, `-post-merge`, `-post-rewrite`, `-pre-push`,
//! each running the installed `dockwright-hook-<name>` binary).

use std::path::{Path, PathBuf};

use crate::hooks::Hook;
use crate::repo::git_command;

/// A hook manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Manager {
    /// pre-commit, or prek (the same config file).
    PreCommit,
    /// lefthook.
    Lefthook,
    /// husky (a tracked `.husky/` directory).
    Husky,
}

impl Manager {
    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Manager::PreCommit => "pre-commit (or prek)",
            Manager::Lefthook => "lefthook",
            Manager::Husky => "husky",
        }
    }
}

/// The config files of pre-commit and prek, in the order they look.
const PRE_COMMIT_FILES: &[&str] = &[".pre-commit-config.yaml", ".pre-commit-config.yml"];
/// lefthook's main config files.
const LEFTHOOK_FILES: &[&str] = &[
    "lefthook.yml",
    "lefthook.yaml",
    ".lefthook.yml",
    ".lefthook.yaml",
    "lefthook.toml",
    ".lefthook.toml",
    "lefthook.json",
    ".lefthook.json",
];

/// A hook manager in charge of a repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Managed {
    /// Which one.
    pub manager: Manager,
    /// Its config (a file, or husky's directory), relative to the repository root.
    pub config: PathBuf,
    /// Whether the config already mentions dockwright's hooks.
    pub has_dockwright: bool,
}

/// The hook manager in charge of the repository at `root`, if any: a pre-commit/prek config,
/// a lefthook config, or a `.husky/` directory with tracked files.
pub fn detect(root: &Path) -> Option<Managed> {
    let found = |manager, name: &str| {
        let path = root.join(name);
        path.is_file().then(|| Managed {
            manager,
            config: PathBuf::from(name),
            has_dockwright: std::fs::read_to_string(&path)
                .is_ok_and(|text| text.contains("dockwright")),
        })
    };
    if let Some(m) = PRE_COMMIT_FILES
        .iter()
        .find_map(|n| found(Manager::PreCommit, n))
    {
        return Some(m);
    }
    if let Some(m) = LEFTHOOK_FILES
        .iter()
        .find_map(|n| found(Manager::Lefthook, n))
    {
        return Some(m);
    }
    let husky = root.join(".husky");
    if husky.is_dir() && tracked(root, ".husky") {
        let has_dockwright = std::fs::read_dir(&husky).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("dockwright-hook-"))
            })
        });
        return Some(Managed {
            manager: Manager::Husky,
            config: PathBuf::from(".husky"),
            has_dockwright,
        });
    }
    None
}

/// Whether git tracks anything under `path` (relative to `root`).
fn tracked(root: &Path, path: &str) -> bool {
    git_command(root)
        .args(["ls-files", "--", path])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty())
}

impl Managed {
    /// What to add to the manager's config so that it runs dockwright's `hooks`, and how to
    /// make the manager install them.
    pub fn entry(&self, hooks: &[Hook]) -> String {
        match self.manager {
            Manager::PreCommit => pre_commit_entry(hooks),
            Manager::Lefthook => lefthook_entry(hooks),
            Manager::Husky => husky_entry(hooks),
        }
    }
}

/// The pre-commit/prek config lines.
pub fn pre_commit_entry(hooks: &[Hook]) -> String {
    let mut s = String::from(
        "# in .pre-commit-config.yaml (dockwright's .pre-commit-hooks.yaml; the binaries are the installed ones)\n\
         default_install_hook_types: [pre-commit",
    );
    for hook in hooks {
        s.push_str(", ");
        s.push_str(hook.name());
    }
    s.push_str("]\nrepos:\n  - repo: https://example.invalid/dockwright\n    rev: v");
    s.push_str(crate::project::VERSION);
    s.push_str("\n    hooks:\n");
    for hook in hooks {
        s.push_str(&format!("      - id: dockwright-{}\n", hook.name()));
    }
    let types: Vec<String> = hooks
        .iter()
        .map(|h| format!("--hook-type {}", h.name()))
        .collect();
    s.push_str(&format!(
        "# then: pre-commit install {}  (or prek install …)\n",
        types.join(" ")
    ));
    s
}

/// The lefthook config lines: git's arguments as `{1}`…, stdin passed where git writes it.
pub fn lefthook_entry(hooks: &[Hook]) -> String {
    let mut s = String::from("# in lefthook.yml\n");
    for hook in hooks {
        let args = match hook {
            Hook::PostCheckout => " {1} {2} {3}",
            Hook::PostMerge | Hook::PostRewrite => " {1}",
            Hook::PrePush => " {1} {2}",
        };
        s.push_str(&format!(
            "{}:\n  commands:\n    dockwright:\n      run: {}{args}\n",
            hook.name(),
            hook.binary_name()
        ));
        if hook.reads_stdin() {
            s.push_str("      use_stdin: true\n");
        }
    }
    s.push_str("# then: lefthook install\n");
    s
}

/// The husky hook files' lines (husky runs `.husky/<hook>` with git's arguments and stdin).
pub fn husky_entry(hooks: &[Hook]) -> String {
    let mut s = String::new();
    for hook in hooks {
        s.push_str(&format!(
            "# in .husky/{}\n{} \"$@\"\n",
            hook.name(),
            hook.binary_name()
        ));
    }
    s
}

/// git's arguments and stdin for `hook` rebuilt from the `PRE_COMMIT_*` variables that
/// pre-commit and prek set when they run a hook (they pass neither git's arguments nor its
/// stdin). None when the variables are not there.
///
/// pre-push: pre-commit hands over the first pushed ref that is not a delete, with
/// `PRE_COMMIT_FROM_REF` the remote's commit (or, for a new branch, the parent of the first new
/// commit; unset when the whole history is new) and `PRE_COMMIT_TO_REF` the pushed commit
/// (unset with the whole history: then the local branch is resolved).
pub fn pre_commit_args(
    hook: Hook,
    lookup: &dyn Fn(&str) -> Option<String>,
    cwd: &Path,
) -> Option<(Vec<String>, String)> {
    use crate::env::pre_commit as v;
    let get = |name| lookup(name).filter(|s| !s.is_empty());
    match hook {
        Hook::PostCheckout => Some((
            vec![get(v::FROM_REF)?, get(v::TO_REF)?, get(v::CHECKOUT_TYPE)?],
            String::new(),
        )),
        Hook::PostMerge => Some((vec![get(v::IS_SQUASH_MERGE)?], String::new())),
        Hook::PostRewrite => Some((vec![get(v::REWRITE_COMMAND)?], String::new())),
        Hook::PrePush => {
            let remote = get(v::REMOTE_NAME)?;
            let url = get(v::REMOTE_URL).unwrap_or_else(|| remote.clone());
            let local = get(v::LOCAL_BRANCH)?;
            let remote_branch = get(v::REMOTE_BRANCH).unwrap_or_else(|| local.clone());
            let to = get(v::TO_REF).or_else(|| rev_parse(cwd, &local))?;
            let zero = "0".repeat(to.len());
            let from = get(v::FROM_REF).unwrap_or(zero);
            Some((
                vec![remote, url],
                format!("{local} {to} {remote_branch} {from}\n"),
            ))
        }
    }
}

fn rev_parse(cwd: &Path, rev: &str) -> Option<String> {
    let out = git_command(cwd)
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_commit_variables_become_git_arguments() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let checkout = env(&[
            ("PRE_COMMIT_FROM_REF", "aaa"),
            ("PRE_COMMIT_TO_REF", "bbb"),
            ("PRE_COMMIT_CHECKOUT_TYPE", "1"),
        ]);
        assert_eq!(
            pre_commit_args(Hook::PostCheckout, &checkout, Path::new(".")),
            Some((vec!["aaa".into(), "bbb".into(), "1".into()], String::new()))
        );
        let push = env(&[
            ("PRE_COMMIT_REMOTE_NAME", "origin"),
            ("PRE_COMMIT_REMOTE_URL", "/srv/x.git"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"),
            ("PRE_COMMIT_TO_REF", "abcd"),
        ]);
        assert_eq!(
            pre_commit_args(Hook::PrePush, &push, Path::new(".")),
            Some((
                vec!["origin".into(), "/srv/x.git".into()],
                "refs/heads/main abcd refs/heads/main 0000\n".into()
            ))
        );
        assert_eq!(
            pre_commit_args(Hook::PostMerge, &env(&[]), Path::new(".")),
            None
        );
    }

    #[test]
    fn entries_name_every_hook() {
        let text = lefthook_entry(&Hook::ALL);
        assert!(text.contains("post-checkout:\n  commands:\n    dockwright:\n      run: dockwright-hook-post-checkout {1} {2} {3}\n"), "{text}");
        assert!(
            text.contains("run: dockwright-hook-pre-push {1} {2}\n      use_stdin: true\n"),
            "{text}"
        );
        let text = pre_commit_entry(&Hook::ALL);
        assert!(text.contains("      - id: dockwright-pre-push\n"), "{text}");
        assert!(text.contains("pre-commit install --hook-type post-checkout --hook-type post-merge --hook-type post-rewrite --hook-type pre-push"), "{text}");
    }
}
