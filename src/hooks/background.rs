//! The background build that `on_stale = "build"` asks for.
//!
//! **Security.** A background build runs `dockwright build`, and so the `RUN` steps of the
//! Dockerfile of whatever was just checked out, merged or pulled. Those steps are code from the
//! branch, as much as its scripts are; with `on_stale = "build"`, a checkout or a pull of a
//! branch runs that code (inside the image build, with the engine's network and privileges)
//! without anyone reading it first. Choose `"build"` only for repositories whose every branch
//! you would build by hand anyway.
//!
//! The build is detached from the hook: its own process group (Ctrl-C in the terminal that ran
//! git does not reach it), stdin from /dev/null, stdout and stderr to `<git-dir>/dockwright/build.log`,
//! so git returns at once. A lock file (`build.lock`, holding the builder's pid) keeps two
//! checkouts from building twice: a checkout during a running build leaves `build.again`, and the
//! builder runs `dockwright build` once more when it is done.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::project::Project;

/// The folder under the worktree's git dir that holds the build's log and lock.
pub const DIR: &str = "dockwright";
/// The build's log, in [`DIR`].
pub const LOG: &str = "build.log";
/// Held (exists, with a live pid) while a background build runs.
pub const LOCK: &str = "build.lock";
/// Left by a hook that found a build running: build once more afterwards.
pub const AGAIN: &str = "build.again";

/// A lock older than this is taken to be left by a builder that died without cleaning up
/// (its pid may since have been reused).
const LOCK_MAX_AGE: Duration = Duration::from_secs(6 * 3600);
/// A lock with no pid yet is being written by the hook that took it.
const LOCK_BIRTH: Duration = Duration::from_secs(10);

/// The builder: `sh -c WRAPPER builder <lock> <again> <dockwright> build`. It removes the lock
/// however it ends, and builds again while hooks asked for it during its run.
const WRAPPER: &str = r#"lock=$1 again=$2
shift 2
trap 'rm -f "$lock"' EXIT
trap 'exit 143' HUP INT TERM
while :; do
  rm -f "$again"
  echo "dockwright: background build started $(date)"
  "$@"
  echo "dockwright: background build ended with code $? $(date)"
  [ -e "$again" ] || break
done
"#;

/// What [`start`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// A builder was started; it writes to the log.
    Started {
        /// The log.
        log: PathBuf,
    },
    /// A builder is running; it builds once more when it is done.
    Queued {
        /// Its log.
        log: PathBuf,
    },
}

/// Starts `dockwright build` (every service of the working tree) detached in the background,
/// unless one is running. See the module documentation for what that runs.
pub fn start(project: &Project) -> Result<Started> {
    let dir = project.repo.git_dir().join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    let (lock, again, log) = (dir.join(LOCK), dir.join(AGAIN), dir.join(LOG));
    let mut lock_file = match take(&lock)? {
        Some(file) => file,
        None => {
            std::fs::write(&again, b"").map_err(|e| Error::io("write", &again, e))?;
            return Ok(Started::Queued { log });
        }
    };
    let result = spawn(project, &lock, &again, &log);
    match result {
        Ok(pid) => {
            // The builder already runs; a lock without its pid would only look newborn a while.
            let _ = write!(lock_file, "{pid}");
            Ok(Started::Started { log })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&lock);
            Err(e)
        }
    }
}

fn spawn(project: &Project, lock: &Path, again: &Path, log: &Path) -> Result<u32> {
    let dockwright = dockwright_binary().ok_or_else(|| {
        Error::msg(
            "cannot start the background build: `dockwright` is neither next to the hook binary nor on PATH",
            "install dockwright on PATH, or set `on_stale = \"warn\"` in dockwright.toml",
        )
    })?;
    let out = std::fs::File::create(log).map_err(|e| Error::io("create", log, e))?;
    let err = out.try_clone().map_err(|e| Error::io("open", log, e))?;
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(WRAPPER)
        .arg("dockwright-background-build")
        .arg(lock)
        .arg(again)
        .arg(&dockwright)
        .arg("build")
        .current_dir(project.repo.root())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
    for var in crate::env::GIT_LOCAL_VARS {
        cmd.env_remove(var);
    }
    let child = cmd.spawn().map_err(|e| Error::io("start", "/bin/sh", e))?;
    // Not waited for: the builder outlives the hook, and init reaps it.
    Ok(child.id())
}

/// Creates the lock, or None when a live builder holds it. A lock left by a dead builder is
/// taken over.
fn take(lock: &Path) -> Result<Option<std::fs::File>> {
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(lock)
        {
            Ok(file) => return Ok(Some(file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if held(lock) {
                    return Ok(None);
                }
                let _ = std::fs::remove_file(lock);
            }
            Err(e) => return Err(Error::io("create", lock, e)),
        }
    }
    Ok(None)
}

/// Whether a live builder holds the lock.
pub fn held(lock: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(lock) else {
        return false;
    };
    let age = meta
        .modified()
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    if age > LOCK_MAX_AGE {
        return false;
    }
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    match text.trim().parse::<u32>() {
        Ok(pid) => alive(pid),
        Err(_) => age < LOCK_BIRTH,
    }
}

/// `kill -0 <pid>`: std has no way to ask without unsafe code, and this runs only when a lock
/// is found, which is rare.
fn alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// `dockwright` next to the running hook binary (they are installed together), else on PATH.
fn dockwright_binary() -> Option<PathBuf> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("dockwright")));
    match beside {
        Some(path) if path.is_file() => Some(path),
        _ => which::which("dockwright").ok(),
    }
}

/// Removes the log and the state of finished builds under `git_dir`; a running build's lock
/// and log stay. Returns whether anything of ours is left.
pub fn remove_state(git_dir: &Path) -> Result<bool> {
    let dir = git_dir.join(DIR);
    if !dir.exists() {
        return Ok(false);
    }
    if held(&dir.join(LOCK)) {
        return Ok(true);
    }
    std::fs::remove_dir_all(&dir).map_err(|e| Error::io("remove", &dir, e))?;
    Ok(false)
}
