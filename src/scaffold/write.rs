//! Putting one rendered file in place without ever losing what was there.

use std::io::Write;
use std::path::Path;

use super::{diff, Action, FileReport};
use crate::error::{Error, Result};

/// What a replaced file's old content is kept as: `Dockerfile.dockwright-backup`
/// (then `.1`, `.2`, … when that exists too).
pub const BACKUP_SUFFIX: &str = ".dockwright-backup";

/// Writes `content` to `dir/rel` unless a file is there; see [`Action`] for every case.
pub(super) fn place(
    dir: &Path,
    rel: &str,
    content: &str,
    dry_run: bool,
    force: bool,
) -> Result<FileReport> {
    let path = dir.join(rel);
    let report = |action, backup: Option<String>, diff: Option<String>| FileReport {
        path: rel.to_string(),
        action,
        backup,
        diff,
    };
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let Some(existing) = existing else {
        if dry_run {
            return Ok(report(Action::WouldCreate, None, None));
        }
        create_new(&path, content.as_bytes())?;
        return Ok(report(Action::Created, None, None));
    };
    if existing == content.as_bytes() {
        return Ok(report(Action::Unchanged, None, None));
    }
    let diff = Some(diff::unified(
        rel,
        &String::from_utf8_lossy(&existing),
        content,
    ));
    if !force {
        return Ok(report(
            if dry_run {
                Action::WouldSkip
            } else {
                Action::Skipped
            },
            None,
            diff,
        ));
    }
    let backup = free_backup_name(dir, rel);
    if dry_run {
        return Ok(report(Action::WouldReplace, Some(backup), diff));
    }
    // The backup is complete on disk before the original is touched, and `create_new` refuses
    // a backup name that appeared since it was chosen: the old content is never lost.
    create_new(&dir.join(&backup), &existing)?;
    std::fs::write(&path, content).map_err(|e| Error::io("write", &path, e))?;
    Ok(report(Action::Replaced, Some(backup), diff))
}

fn free_backup_name(dir: &Path, rel: &str) -> String {
    let first = format!("{rel}{BACKUP_SUFFIX}");
    if !dir.join(&first).exists() {
        return first;
    }
    (1..)
        .map(|n| format!("{first}.{n}"))
        .find(|name| !dir.join(name).exists())
        .expect("a free name")
}

/// Creates `path`, failing if it appeared meanwhile: nothing here may overwrite a file.
fn create_new(path: &Path, content: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(content)
        .map_err(|e| Error::io("write", path, e))
}
