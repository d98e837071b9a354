//! `hooks install | uninstall | status`: the git hooks of the repository containing a directory.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::hooks::install::{binary, hooks_dir, HookStatus, Installed, Installer, Removed};
use crate::hooks::manager::{self, Managed};
use crate::hooks::{background, Hook};
use crate::repo::Repo;

/// What was done to one hook.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Done<T> {
    /// The hook.
    pub hook: Hook,
    /// What was done.
    pub result: T,
    /// The hook's file.
    #[serde(skip)]
    pub path: PathBuf,
}

/// Something about an install that is not one hook's result but that the user must know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "note")]
pub enum Note {
    /// `core.hooksPath` is outside the repository: git runs these hooks in every repository
    /// that uses it.
    OutsideRepository {
        /// The hooks directory.
        dir: PathBuf,
    },
    /// The hook's binary is neither next to this executable nor on PATH; the shim looks for it
    /// on PATH when it runs.
    MissingBinary {
        /// The hook.
        hook: Hook,
    },
}

impl Note {
    /// The note for people, in one line.
    pub fn describe(&self) -> String {
        match self {
            Note::OutsideRepository { dir } => format!(
                "core.hooksPath is `{}`, outside this repository; the hooks will run in every repository that uses it",
                dir.display()
            ),
            Note::MissingBinary { hook } => format!(
                "`{}` is neither next to this program nor on PATH; the hook will look for it on PATH when it runs",
                hook.binary_name()
            ),
        }
    }

    /// Whether the note is about `hook` (or about every hook).
    pub fn concerns(&self, hook: Hook) -> bool {
        match self {
            Note::OutsideRepository { .. } => true,
            Note::MissingBinary { hook: h } => *h == hook,
        }
    }
}

/// What `hooks install` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstallReport {
    /// The hooks directory git uses.
    pub hooks_dir: PathBuf,
    /// Each hook and what was done to it.
    pub hooks: Vec<Done<Installed>>,
    /// What the user must know besides.
    pub notes: Vec<Note>,
    /// The hook manager in charge of the repository. Unless install was asked to chain anyway,
    /// nothing was written: `entry` says what to add to the manager's config instead.
    pub managed: Option<Managed>,
    /// The lines to add to the manager's config, when one is in charge and nothing was written.
    pub entry: Option<String>,
}

/// What `hooks uninstall` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UninstallReport {
    /// The hooks directory git uses.
    pub hooks_dir: PathBuf,
    /// Each hook and what was done to it.
    pub hooks: Vec<Done<Removed>>,
    /// State directories left because a background build is still running in them.
    pub left: Vec<PathBuf>,
}

/// What `hooks status` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatusReport {
    /// The hooks directory git uses.
    pub hooks_dir: PathBuf,
    /// Every hook dockwright installs, and its state.
    pub hooks: Vec<HookStatus>,
}

/// The state of every hook in the hooks directory git uses for the repository containing `dir`.
pub fn status(dir: &Path) -> Result<StatusReport> {
    let repo = Repo::discover(dir)?;
    let installer = Installer::new(hooks_dir(&repo)?);
    let hooks = Hook::ALL
        .into_iter()
        .map(|hook| installer.status(hook, &binary(hook).0))
        .collect::<Result<_>>()?;
    Ok(StatusReport {
        hooks_dir: installer.dir().to_path_buf(),
        hooks,
    })
}

/// Installs the hooks `names` (all when none) for the repository containing `dir`. Every name
/// is checked before anything is written. When a hook manager is in charge (pre-commit, prek,
/// lefthook, husky), nothing is written and the report says what to add to its config.
pub fn install(dir: &Path, names: &[String]) -> Result<InstallReport> {
    install_with(dir, names, false)
}

/// [`install`]; `chain` installs the shims even when a hook manager is in charge (its hooks are
/// kept and run first, as any other hook's).
pub fn install_with(dir: &Path, names: &[String], chain: bool) -> Result<InstallReport> {
    let hooks = Hook::parse_all(names)?;
    let repo = Repo::discover(dir)?;
    let installer = Installer::new(hooks_dir(&repo)?);
    let managed = manager::detect(repo.root());
    let mut report = InstallReport {
        hooks_dir: installer.dir().to_path_buf(),
        hooks: Vec::new(),
        notes: Vec::new(),
        entry: None,
        managed: managed.clone(),
    };
    if let Some(m) = &managed {
        if !chain {
            report.entry = Some(m.entry(&hooks));
            return Ok(report);
        }
    }
    crate::hooks::install::forget_legacy(&repo);
    if !installer.dir().starts_with(repo.root()) && !installer.dir().starts_with(repo.common_dir())
    {
        report.notes.push(Note::OutsideRepository {
            dir: report.hooks_dir.clone(),
        });
    }
    for hook in hooks {
        let (binary, found) = binary(hook);
        if !found {
            report.notes.push(Note::MissingBinary { hook });
        }
        report.hooks.push(Done {
            hook,
            result: installer.install(hook, &binary)?,
            path: installer.path(hook),
        });
    }
    Ok(report)
}

/// Removes the hooks `names` (all when none) for the repository containing `dir`, putting back
/// every hook that install kept. Removing all of them also removes the background builds' logs
/// and state, in every worktree.
pub fn uninstall(dir: &Path, names: &[String]) -> Result<UninstallReport> {
    let hooks = Hook::parse_all(names)?;
    let repo = Repo::discover(dir)?;
    let installer = Installer::new(hooks_dir(&repo)?);
    let mut report = UninstallReport {
        hooks_dir: installer.dir().to_path_buf(),
        hooks: Vec::new(),
        left: Vec::new(),
    };
    for hook in hooks {
        report.hooks.push(Done {
            hook,
            result: installer.uninstall(hook)?,
            path: installer.path(hook),
        });
    }
    if names.is_empty() {
        let common = repo.common_dir().to_path_buf();
        let mut git_dirs = vec![common.clone()];
        if let Ok(names) = repo.git().worktrees() {
            git_dirs.extend(
                names
                    .iter()
                    .flatten()
                    .flatten()
                    .map(|n| common.join("worktrees").join(n)),
            );
        }
        for git_dir in git_dirs {
            if background::remove_state(&git_dir)? {
                report.left.push(git_dir.join(background::DIR));
            }
        }
    }
    Ok(report)
}
