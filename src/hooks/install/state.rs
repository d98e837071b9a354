//! What a hook's file is, and what install and uninstall did to it.

use std::path::PathBuf;

use super::files::file_name;
use crate::hooks::Hook;

/// What a hook's file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// dockwright's current shim.
    Ours,
    /// dockwright's current shim, running a kept hook first.
    Chained,
    /// A dockwright shim that `hooks install` would rewrite (older form or version, another binary).
    Outdated,
    /// Someone else's hook.
    Foreign,
    /// No hook.
    Missing,
}

impl State {
    /// The word shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ours => "ours",
            State::Chained => "chained",
            State::Outdated => "outdated",
            State::Foreign => "foreign",
            State::Missing => "missing",
        }
    }
}

/// One hook as `dockwright hooks status` reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HookStatus {
    /// The hook.
    pub hook: Hook,
    /// Ours, chained, outdated, foreign or missing.
    pub state: State,
    /// The hook's file.
    pub path: PathBuf,
    /// The kept hook that the shim runs first, when there is one.
    pub chained: Option<PathBuf>,
    /// The dockwright version that wrote the shim.
    pub version: Option<String>,
    /// The hook binary the shim runs.
    pub binary: Option<String>,
    /// More words for people ("written by dockwright 0.0.9").
    pub detail: String,
}

/// What install did to one hook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "action")]
pub enum Installed {
    /// The shim was written where there was no hook.
    Written,
    /// Someone else's hook was kept (renamed to `kept`) and the shim runs it first.
    Kept {
        /// Where it is now.
        kept: PathBuf,
    },
    /// An older or different shim of ours was replaced.
    Upgraded {
        /// What it was ("dockwright-hook v0", "dockwright 0.0.9").
        from: String,
    },
    /// The shim was already exactly what install writes.
    Unchanged,
}

/// What uninstall did to one hook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "action")]
pub enum Removed {
    /// The shim was removed.
    Removed,
    /// The shim was removed and the kept hook put back in its place.
    Restored,
    /// The hook is someone else's; left alone.
    NotOurs {
        /// A kept hook that could not be put back because the place is taken.
        stranded: Option<PathBuf>,
    },
    /// There was no hook.
    Nothing,
}

impl Installed {
    /// One word for tables: written, kept, upgraded, unchanged.
    pub fn as_str(&self) -> &'static str {
        match self {
            Installed::Written => "written",
            Installed::Kept { .. } => "kept",
            Installed::Upgraded { .. } => "upgraded",
            Installed::Unchanged => "unchanged",
        }
    }

    /// What happened, for people.
    pub fn describe(&self) -> String {
        match self {
            Installed::Written => "installed".to_string(),
            Installed::Kept { kept } => format!(
                "installed; the hook that was there is kept as `{}` and runs first",
                file_name(kept)
            ),
            Installed::Upgraded { from } => format!("upgraded from {from}"),
            Installed::Unchanged => "already installed".to_string(),
        }
    }
}

impl Removed {
    /// One word for tables: removed, restored, not-ours, nothing.
    pub fn as_str(&self) -> &'static str {
        match self {
            Removed::Removed => "removed",
            Removed::Restored => "restored",
            Removed::NotOurs { .. } => "not-ours",
            Removed::Nothing => "nothing",
        }
    }

    /// What happened, for people.
    pub fn describe(&self) -> String {
        match self {
            Removed::Removed => "removed".to_string(),
            Removed::Restored => "removed; the hook it kept is back in place".to_string(),
            Removed::NotOurs { stranded: None } => "not dockwright's; left alone".to_string(),
            Removed::NotOurs {
                stranded: Some(kept),
            } => format!(
                "not dockwright's; left alone, and so is `{}`, a hook kept by an earlier install",
                file_name(kept)
            ),
            Removed::Nothing => "not installed".to_string(),
        }
    }
}
