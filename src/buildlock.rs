//! One lock per fingerprint, so that the same runtime image is never built twice at once: by
//! `dockwright build`, by the background build that a hook starts (`on_stale = "build"`, which
//! runs `dockwright build`), and by the watcher of `dockwright up`.
//!
//! The lock is an advisory `flock` on `<common-dir>/dockwright/locks/<fingerprint>`: the kernel
//! releases it when its holder ends, however it ends (Ctrl-C, a crash), so a lock is never left
//! behind. The files stay (removing a file that another process waits on would let a third take
//! a second lock on a new file); they are empty, one per fingerprint ever built here, and
//! `dockwright hooks uninstall` removes the folder. The common dir is shared by all worktrees,
//! as the images are.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folder of the lock files, under `<common-dir>/dockwright`.
pub const DIR: &str = "locks";

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct BuildLock {
    _file: File,
    path: PathBuf,
}

impl BuildLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file of `fingerprint` under `common_dir`.
pub fn path(common_dir: &Path, fingerprint: &str) -> PathBuf {
    common_dir
        .join(crate::hooks::background::DIR)
        .join(DIR)
        .join(fingerprint)
}

/// Takes the lock of `fingerprint` without waiting; None when another process holds it.
pub fn try_lock(common_dir: &Path, fingerprint: &str) -> Result<Option<BuildLock>> {
    let (file, path) = open(common_dir, fingerprint)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(BuildLock { _file: file, path })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("lock", &path, e)),
    }
}

/// Takes the lock of `fingerprint`, waiting for its holder. The wait happens on a blocking
/// thread; when the returned future is dropped while waiting, the lock taken late is released
/// at once.
pub async fn lock(common_dir: &Path, fingerprint: &str) -> Result<BuildLock> {
    let (file, path) = open(common_dir, fingerprint)?;
    let shown = path.clone();
    let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| {
            Error::msg(
                format!(
                    "waiting for the build lock `{}` failed: {e}",
                    shown.display()
                ),
                "this is a bug; please report it",
            )
        })?
        .map_err(|e| Error::io("lock", &path, e))?;
    Ok(BuildLock { _file: file, path })
}

fn open(common_dir: &Path, fingerprint: &str) -> Result<(File, PathBuf)> {
    let path = path(common_dir, fingerprint);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("open", &path, e))?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_per_fingerprint_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let held = try_lock(dir.path(), "f1").unwrap().expect("free");
        assert!(try_lock(dir.path(), "f1").unwrap().is_none());
        assert!(try_lock(dir.path(), "f2").unwrap().is_some());
        drop(held);
        let again = try_lock(dir.path(), "f1").unwrap();
        assert!(again.is_some());
    }

    #[test]
    fn lock_waits_for_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = try_lock(dir.path(), "f").unwrap().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let path = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            runtime.block_on(async {
                tx.send(()).unwrap();
                let lock = lock(&path, "f").await.unwrap();
                assert!(try_lock(&path, "f").unwrap().is_none());
                drop(lock);
            })
        });
        rx.recv().unwrap();
        // The waiter cannot finish while the lock is held; releasing it lets it through.
        drop(held);
        waiter.join().unwrap();
    }
}
