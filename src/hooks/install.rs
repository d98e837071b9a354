//! `dockwright hooks install | uninstall | status`: writing, upgrading, removing and inspecting
//! the shims in the hooks directory that git uses.
//!
//! Someone else's hook is never destroyed: install renames it to `<hook>.dockwright-chained`
//! (a rename keeps every byte, the mode and even the inode) and the shim runs it first;
//! uninstall renames it back.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::shim::{self, Chained, CHAINED_SUFFIX};
use super::Hook;
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

/// The hook binary the shim should run: `dockwright-hook-<name>` next to the running
/// executable, else the first on PATH. None when there is neither.
pub fn find_binary(hook: Hook) -> Option<PathBuf> {
    let name = hook.binary_name();
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&name)));
    match beside {
        Some(path) if is_executable(&path) => Some(path),
        _ => which::which(&name).ok(),
    }
}

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

/// The hooks directory and the binaries to install.
pub struct Installer {
    dir: PathBuf,
}

impl Installer {
    /// Installs into (or inspects) `dir`.
    pub fn new(dir: PathBuf) -> Installer {
        Installer { dir }
    }

    /// The hooks directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The hook's file.
    pub fn path(&self, hook: Hook) -> PathBuf {
        self.dir.join(hook.name())
    }

    /// Where a kept hook lives.
    pub fn chained_path(&self, hook: Hook) -> PathBuf {
        self.dir.join(format!("{}{CHAINED_SUFFIX}", hook.name()))
    }

    /// What the shim for `hook` running `binary` is, given what is kept now.
    fn expected(&self, hook: Hook, binary: &Path) -> Result<String> {
        let chained = self.chained_path(hook);
        let how = read_if_file(&chained)?.map(|content| Chained::of(&content));
        Ok(shim::render(hook, binary, how.as_ref()))
    }

    /// Installs the shim of `hook` running `binary`. Idempotent; replaces an older shim of ours;
    /// keeps someone else's hook and runs it first.
    pub fn install(&self, hook: Hook, binary: &Path) -> Result<Installed> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("create", &self.dir, e))?;
        let path = self.path(hook);
        let chained = self.chained_path(hook);
        let outcome = match read_if_exists(&path)? {
            None => Installed::Written,
            Some(content) => match shim::parse(&content) {
                Some(marker) => {
                    if String::from_utf8_lossy(&content) == self.expected(hook, binary)? {
                        return Ok(Installed::Unchanged);
                    }
                    Installed::Upgraded {
                        from: describe_marker(&marker),
                    }
                }
                None => {
                    if exists(&chained)? {
                        return Err(Error::msg(
                            format!(
                                "`{}` is not dockwright's, and `{}` (a hook kept by an earlier install) is in the way",
                                path.display(),
                                chained.display()
                            ),
                            format!(
                                "remove `{}` if it is an old copy, or move `{}` away; then install again",
                                chained.display(),
                                path.display()
                            ),
                        ));
                    }
                    std::fs::rename(&path, &chained).map_err(|e| Error::io("rename", &path, e))?;
                    Installed::Kept {
                        kept: chained.clone(),
                    }
                }
            },
        };
        let text = self.expected(hook, binary)?;
        write_executable(&path, text.as_bytes())?;
        Ok(outcome)
    }

    /// Removes the shim of `hook` and puts back the hook it kept, byte for byte.
    pub fn uninstall(&self, hook: Hook) -> Result<Removed> {
        let path = self.path(hook);
        let chained = self.chained_path(hook);
        // Left by an install that died between writing and renaming.
        let partial = temp_path(&path);
        if exists(&partial)? {
            std::fs::remove_file(&partial).map_err(|e| Error::io("remove", &partial, e))?;
        }
        let ours = match read_if_exists(&path)? {
            None => false,
            Some(content) if shim::parse(&content).is_some() => true,
            Some(_) => {
                let stranded = exists(&chained)?.then_some(chained);
                return Ok(Removed::NotOurs { stranded });
            }
        };
        if ours {
            std::fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
        }
        if exists(&chained)? {
            std::fs::rename(&chained, &path).map_err(|e| Error::io("rename", &chained, e))?;
            return Ok(Removed::Restored);
        }
        Ok(if ours {
            Removed::Removed
        } else {
            Removed::Nothing
        })
    }

    /// What the file of `hook` is, compared with the shim install would write for `binary`.
    pub fn status(&self, hook: Hook, binary: &Path) -> Result<HookStatus> {
        let path = self.path(hook);
        let chained_path = self.chained_path(hook);
        let chained = exists(&chained_path)?.then_some(chained_path);
        let mut status = HookStatus {
            hook,
            state: State::Missing,
            path: path.clone(),
            chained: chained.clone(),
            version: None,
            binary: None,
            detail: String::new(),
        };
        let Some(content) = read_if_exists(&path)? else {
            if let Some(kept) = &chained {
                status.detail = format!("`{}` is left from an earlier install", file_name(kept));
            }
            return Ok(status);
        };
        let Some(marker) = shim::parse(&content) else {
            status.state = State::Foreign;
            status.detail = match &chained {
                Some(kept) => format!(
                    "not dockwright's; `{}` is left from an earlier install",
                    file_name(kept)
                ),
                None => "not dockwright's; install keeps it and runs it first".into(),
            };
            return Ok(status);
        };
        status.version = marker.dockwright.clone();
        status.binary = marker.binary.clone();
        let current = String::from_utf8_lossy(&content) == self.expected(hook, binary)?;
        status.state = match (current, &chained) {
            (false, _) => State::Outdated,
            (true, Some(_)) => State::Chained,
            (true, None) => State::Ours,
        };
        let runs = marker.binary.clone().unwrap_or_default();
        let missing = !runs.is_empty() && !is_executable(Path::new(&runs));
        status.detail = match status.state {
            State::Outdated => format!(
                "{}; `dockwright hooks install` upgrades it",
                outdated_reason(&marker, binary)
            ),
            State::Chained => format!(
                "runs `{}` first",
                chained.as_deref().map(file_name).unwrap_or_default()
            ),
            _ => String::new(),
        };
        if missing {
            if !status.detail.is_empty() {
                status.detail.push_str("; ");
            }
            status
                .detail
                .push_str(&format!("`{runs}` is gone (PATH is searched instead)"));
        }
        Ok(status)
    }
}

/// What `hooks install` did in a repository: the CLI prints it, the Nushell plugin returns it.
#[derive(Debug, Clone)]
pub struct InstallReport {
    /// The hooks directory git uses.
    pub dir: PathBuf,
    /// The directory is a user-wide `core.hooksPath` outside the repository: the hooks run in
    /// every repository that uses it.
    pub outside: bool,
    /// Each hook and what was done to it.
    pub done: Vec<(Hook, Installed)>,
    /// Hooks whose binary is neither next to this executable nor on PATH; the shim looks for it
    /// on PATH when it runs.
    pub missing_binaries: Vec<Hook>,
}

/// What `hooks uninstall` did in a repository.
#[derive(Debug, Clone)]
pub struct UninstallReport {
    /// The hooks directory git uses.
    pub dir: PathBuf,
    /// Each hook and what was done to it.
    pub done: Vec<(Hook, Removed)>,
    /// State directories left because a background build is still running in them.
    pub left: Vec<PathBuf>,
}

/// The hooks named, in order and once each; all of them when none is named.
pub fn chosen(hooks: &[Hook]) -> Vec<Hook> {
    let mut hooks = if hooks.is_empty() {
        Hook::ALL.to_vec()
    } else {
        hooks.to_vec()
    };
    hooks.sort();
    hooks.dedup();
    hooks
}

/// The hook binary a shim should run and whether it exists; when it does not, the path it would
/// have next to this executable (the shim then searches PATH).
pub fn binary(hook: Hook) -> (PathBuf, bool) {
    match find_binary(hook) {
        Some(path) => (path, true),
        None => {
            let beside = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            (beside.join(hook.binary_name()), false)
        }
    }
}

/// The hooks directory git uses for `repo`, and the state of every hook in it.
pub fn hook_statuses(repo: &Repo) -> Result<(PathBuf, Vec<HookStatus>)> {
    let installer = Installer::new(hooks_dir(repo)?);
    let statuses = Hook::ALL
        .into_iter()
        .map(|hook| installer.status(hook, &binary(hook).0))
        .collect::<Result<_>>()?;
    Ok((installer.dir, statuses))
}

/// Installs `hooks` (all when empty) in the hooks directory git uses for `repo`.
pub fn install_hooks(repo: &Repo, hooks: &[Hook]) -> Result<InstallReport> {
    let installer = Installer::new(hooks_dir(repo)?);
    let outside = !installer.dir().starts_with(repo.root())
        && !installer.dir().starts_with(repo.common_dir());
    let mut report = InstallReport {
        dir: installer.dir().to_path_buf(),
        outside,
        done: Vec::new(),
        missing_binaries: Vec::new(),
    };
    forget_legacy(repo);
    for hook in chosen(hooks) {
        let (binary, found) = binary(hook);
        if !found {
            report.missing_binaries.push(hook);
        }
        report.done.push((hook, installer.install(hook, &binary)?));
    }
    Ok(report)
}

/// Files that form-1 shims and hooks kept: the list that let a shim end a checkout without the
/// binary (`<git-dir>/dockwright/quiet`) and the fingerprints the engine had confirmed
/// (`<common-dir>/dockwright/fresh`). Both could vouch for an image removed since, so they are
/// removed: a form-1 shim still installed then starts the binary, which asks the engine.
pub fn forget_legacy(repo: &Repo) {
    let _ = std::fs::remove_file(repo.git_dir().join(super::background::DIR).join("quiet"));
    let _ = std::fs::remove_file(repo.common_dir().join(super::background::DIR).join("fresh"));
}

/// Removes `hooks` (all when empty), putting back every hook that install kept. Removing all of
/// them also removes the background builds' logs and state, in every worktree.
pub fn uninstall_hooks(repo: &Repo, hooks: &[Hook]) -> Result<UninstallReport> {
    let installer = Installer::new(hooks_dir(repo)?);
    let mut report = UninstallReport {
        dir: installer.dir().to_path_buf(),
        done: Vec::new(),
        left: Vec::new(),
    };
    for hook in chosen(hooks) {
        report.done.push((hook, installer.uninstall(hook)?));
    }
    if hooks.is_empty() {
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
            if super::background::remove_state(&git_dir)? {
                report.left.push(git_dir.join(super::background::DIR));
            }
        }
    }
    Ok(report)
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

fn describe_marker(marker: &shim::Marker) -> String {
    match &marker.dockwright {
        Some(version) => format!(
            "dockwright-hook v{} of dockwright {version}",
            marker.shim_version
        ),
        None => format!("dockwright-hook v{}", marker.shim_version),
    }
}

fn outdated_reason(marker: &shim::Marker, binary: &Path) -> String {
    if marker.shim_version != shim::SHIM_VERSION {
        return format!("written as dockwright-hook v{}", marker.shim_version);
    }
    if marker.dockwright.as_deref() != Some(crate::project::VERSION) {
        return format!(
            "written by dockwright {}",
            marker.dockwright.as_deref().unwrap_or("?")
        );
    }
    if marker.binary.as_deref() != Some(&*binary.to_string_lossy()) {
        return format!("runs `{}`", marker.binary.as_deref().unwrap_or("?"));
    }
    "edited since it was written".into()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether something (a file, a dangling link) is at `path`.
fn exists(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io("inspect", path, e)),
    }
}

/// The content at `path` (following a link), or None when nothing is there. A dangling link or
/// a directory reads as empty content: something is there, and it is not a shim.
fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    if !exists(path)? {
        return Ok(None);
    }
    match std::fs::read(path) {
        Ok(content) => Ok(Some(content)),
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.kind() == std::io::ErrorKind::IsADirectory =>
        {
            Ok(Some(Vec::new()))
        }
        Err(e) => Err(Error::io("read", path, e)),
    }
}

/// The content of a regular file (or a link to one) at `path`; None for anything else.
fn read_if_file(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => std::fs::read(path)
            .map(Some)
            .map_err(|e| Error::io("read", path, e)),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("inspect", path, e)),
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".dockwright-new");
    path.with_file_name(name)
}

/// Writes `content` as an executable file, atomically: git never runs half a shim.
fn write_executable(path: &Path, content: &[u8]) -> Result<()> {
    let temp = temp_path(path);
    std::fs::write(&temp, content).map_err(|e| Error::io("write", &temp, e))?;
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("set the mode of", &temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io("write", path, e))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Installer, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let installer = Installer::new(dir.path().join("hooks"));
        let bin = dir.path().join("dockwright-hook-post-merge");
        write_executable(&bin, b"#!/bin/sh\n").unwrap();
        (dir, installer, bin)
    }

    #[test]
    fn install_is_idempotent_and_uninstall_leaves_nothing() {
        let (_tmp, installer, bin) = setup();
        let hook = Hook::PostMerge;
        assert_eq!(installer.install(hook, &bin).unwrap(), Installed::Written);
        assert_eq!(installer.install(hook, &bin).unwrap(), Installed::Unchanged);
        assert_eq!(installer.status(hook, &bin).unwrap().state, State::Ours);
        assert_eq!(installer.uninstall(hook).unwrap(), Removed::Removed);
        assert_eq!(std::fs::read_dir(installer.dir()).unwrap().count(), 0);
        assert_eq!(installer.status(hook, &bin).unwrap().state, State::Missing);
    }

    #[test]
    fn foreign_hook_is_kept_with_its_mode_and_restored_byte_for_byte() {
        let (_tmp, installer, bin) = setup();
        let hook = Hook::PostMerge;
        std::fs::create_dir_all(installer.dir()).unwrap();
        let path = installer.path(hook);
        let content = b"#!/bin/sh\r\necho theirs \xff\n".to_vec();
        std::fs::write(&path, &content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o750)).unwrap();
        assert_eq!(installer.status(hook, &bin).unwrap().state, State::Foreign);
        let kept = installer.chained_path(hook);
        assert_eq!(
            installer.install(hook, &bin).unwrap(),
            Installed::Kept { kept: kept.clone() }
        );
        assert_eq!(installer.install(hook, &bin).unwrap(), Installed::Unchanged);
        assert_eq!(installer.status(hook, &bin).unwrap().state, State::Chained);
        assert_eq!(std::fs::read(&kept).unwrap(), content);
        assert_eq!(installer.uninstall(hook).unwrap(), Removed::Restored);
        assert_eq!(std::fs::read(&path).unwrap(), content);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777,
            0o750
        );
        assert!(!kept.exists());
    }

    #[test]
    fn older_shim_is_outdated_and_upgraded() {
        let (_tmp, installer, bin) = setup();
        let hook = Hook::PostMerge;
        std::fs::create_dir_all(installer.dir()).unwrap();
        let old = "#!/bin/sh\n# dockwright-hook v0 dockwright 0.0.1\nexec dockwright-hook-post-merge \"$@\"\n";
        write_executable(&installer.path(hook), old.as_bytes()).unwrap();
        let status = installer.status(hook, &bin).unwrap();
        assert_eq!(status.state, State::Outdated);
        assert!(status.detail.contains("v0"), "{}", status.detail);
        assert!(matches!(
            installer.install(hook, &bin).unwrap(),
            Installed::Upgraded { .. }
        ));
        assert_eq!(installer.status(hook, &bin).unwrap().state, State::Ours);
    }

    #[test]
    fn foreign_hook_with_a_stale_kept_copy_is_refused() {
        let (_tmp, installer, bin) = setup();
        let hook = Hook::PostMerge;
        std::fs::create_dir_all(installer.dir()).unwrap();
        std::fs::write(installer.path(hook), "#!/bin/sh\necho new\n").unwrap();
        std::fs::write(installer.chained_path(hook), "#!/bin/sh\necho old\n").unwrap();
        let err = installer.install(hook, &bin).unwrap_err();
        assert!(err.to_string().contains("in the way"), "{err}");
        assert_eq!(
            std::fs::read_to_string(installer.path(hook)).unwrap(),
            "#!/bin/sh\necho new\n"
        );
        assert!(matches!(
            installer.uninstall(hook).unwrap(),
            Removed::NotOurs { stranded: Some(_) }
        ));
    }
}
