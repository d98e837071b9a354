//! Which hook binary a shim runs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::hooks::Hook;

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

/// Whether `path` is a file someone may execute.
pub fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
