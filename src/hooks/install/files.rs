//! The few file operations the installer needs, each error naming the path.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The last component of `path`, for messages.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether something (a file, a dangling link) is at `path`.
pub fn exists(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io("inspect", path, e)),
    }
}

/// The content at `path` (following a link), or None when nothing is there. A dangling link or
/// a directory reads as empty content: something is there, and it is not a shim.
pub fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
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
pub fn read_if_file(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => std::fs::read(path)
            .map(Some)
            .map_err(|e| Error::io("read", path, e)),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("inspect", path, e)),
    }
}

pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".dockwright-new");
    path.with_file_name(name)
}

/// Writes `content` as an executable file, atomically: git never runs half a shim.
pub fn write_executable(path: &Path, content: &[u8]) -> Result<()> {
    let temp = temp_path(path);
    std::fs::write(&temp, content).map_err(|e| Error::io("write", &temp, e))?;
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("set the mode of", &temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io("write", path, e))
}
