//! Writing, upgrading, removing and inspecting the shims in one hooks directory.

use std::path::{Path, PathBuf};

use super::binary::is_executable;
use super::files::{exists, file_name, read_if_exists, read_if_file, temp_path, write_executable};
use super::state::{HookStatus, Installed, Removed, State};
use crate::error::{Error, Result};
use crate::hooks::shim::{self, Chained, CHAINED_SUFFIX};
use crate::hooks::Hook;

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

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

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
