//! A scratch directory per fuzzing process, removed when libFuzzer exits (it calls `exit`, so
//! `atexit` handlers run; statics are never dropped). Shared by the targets that must go
//! through the file system because the library reads from it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static DIR: OnceLock<PathBuf> = OnceLock::new();

extern "C" fn remove_scratch() {
    if let Some(dir) = DIR.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

extern "C" {
    fn atexit(f: extern "C" fn()) -> i32;
}

/// The scratch directory, made on first use with `files` (path, content) in it.
pub fn scratch(files: &[(&str, &str)]) -> &'static Path {
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("dockwright-fuzz-")
            .tempdir()
            .expect("make a scratch directory")
            .keep();
        for (path, content) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        // SAFETY: registers a plain function with no captured state.
        unsafe { atexit(remove_scratch) };
        dir
    })
}
