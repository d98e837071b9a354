//! File system calls whose errors say what was being done and to which path.
//!
//! `std::fs` errors carry neither ("No such file or directory" about which file?), so every
//! caller used to wrap them by hand. These wrappers do it once, as cargo's `paths` module does.

use std::io;
use std::path::{Path, PathBuf};

/// A file system call that failed: what was being done, to which path, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} `{}`: {source}", path.display())]
pub struct FsError {
    /// What was being done: "read", "write", "create", "rename", "remove".
    pub action: &'static str,
    /// The path it was done to.
    pub path: PathBuf,
    /// Why it failed.
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// The error kind of the underlying failure (`NotFound`, `PermissionDenied`, ...).
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

fn wrap<T>(action: &'static str, path: &Path, result: io::Result<T>) -> Result<T, FsError> {
    result.map_err(|source| FsError {
        action,
        path: path.to_path_buf(),
        source,
    })
}

/// The text of a file (UTF-8).
pub fn read_to_string(path: impl AsRef<Path>) -> Result<String, FsError> {
    let path = path.as_ref();
    wrap("read", path, std::fs::read_to_string(path))
}

/// The text of a file, or None when there is no such file.
pub fn read_to_string_if_exists(path: impl AsRef<Path>) -> Result<Option<String>, FsError> {
    match read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The bytes of a file.
pub fn read(path: impl AsRef<Path>) -> Result<Vec<u8>, FsError> {
    let path = path.as_ref();
    wrap("read", path, std::fs::read(path))
}

/// Writes `contents` to a file, creating or truncating it.
pub fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<(), FsError> {
    let path = path.as_ref();
    wrap("write", path, std::fs::write(path, contents))
}

/// Creates a directory and its missing parents.
pub fn create_dir_all(path: impl AsRef<Path>) -> Result<(), FsError> {
    let path = path.as_ref();
    wrap("create", path, std::fs::create_dir_all(path))
}

/// Renames `from` to `to` (atomic within one file system); the error names `to`'s source.
pub fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<(), FsError> {
    let from = from.as_ref();
    wrap("rename", from, std::fs::rename(from, to.as_ref()))
}

/// Removes a file.
pub fn remove_file(path: impl AsRef<Path>) -> Result<(), FsError> {
    let path = path.as_ref();
    wrap("remove", path, std::fs::remove_file(path))
}

/// Removes a file; a file that is already gone is not an error.
pub fn remove_file_if_exists(path: impl AsRef<Path>) -> Result<(), FsError> {
    match remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes a directory and everything in it.
pub fn remove_dir_all(path: impl AsRef<Path>) -> Result<(), FsError> {
    let path = path.as_ref();
    wrap("remove", path, std::fs::remove_dir_all(path))
}

/// The entries of a directory.
pub fn read_dir(path: impl AsRef<Path>) -> Result<std::fs::ReadDir, FsError> {
    let path = path.as_ref();
    wrap("list", path, std::fs::read_dir(path))
}

/// The metadata of a path, following symbolic links.
pub fn metadata(path: impl AsRef<Path>) -> Result<std::fs::Metadata, FsError> {
    let path = path.as_ref();
    wrap("inspect", path, std::fs::metadata(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_action_and_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.toml");
        let err = read_to_string(&missing).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let text = err.to_string();
        assert!(text.starts_with("cannot read `"), "{text}");
        assert!(text.contains("missing.toml`"), "{text}");

        let err = write(dir.path().join("no/such/dir/file"), "x").unwrap_err();
        assert!(err.to_string().starts_with("cannot write `"), "{err}");
        let err = rename(&missing, dir.path().join("b")).unwrap_err();
        assert!(err.to_string().contains("cannot rename `"), "{err}");
    }

    #[test]
    fn the_if_exists_forms_take_a_missing_file_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        assert!(read_to_string_if_exists(&path).unwrap().is_none());
        remove_file_if_exists(&path).unwrap();
        create_dir_all(dir.path().join("x/y")).unwrap();
        write(&path, "text").unwrap();
        assert_eq!(
            read_to_string_if_exists(&path).unwrap().as_deref(),
            Some("text")
        );
        assert_eq!(read(&path).unwrap(), b"text");
        remove_file_if_exists(&path).unwrap();
        assert!(metadata(&path).is_err());
        remove_dir_all(dir.path().join("x")).unwrap();
        assert_eq!(read_dir(dir.path()).unwrap().count(), 0);
    }
}
