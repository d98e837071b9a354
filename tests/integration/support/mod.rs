//! What every integration test needs: a temporary git repository, the real binaries run in it,
//! the real engine, and base images the tests make themselves (no registry here).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub mod cleanup;
mod require;
use cleanup::{docker_ids, remove_images};
pub use require::require;

/// The fast base image: FROM scratch plus a static busybox, with a user `app` (1000:1000).
pub const BUSYBOX: &str = "dockwright-test/busybox:1";

/// Makes the busybox base image once per machine (reused by tag).
pub fn busybox() -> &'static str {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images/busybox.sh");
        let out = Command::new("bash")
            .arg(script)
            .arg(BUSYBOX)
            .output()
            .expect("run busybox.sh");
        assert!(
            out.status.success(),
            "busybox.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    BUSYBOX
}

/// The path of one of this package's binaries.
pub fn bin(name: &str) -> PathBuf {
    let exe = match name {
        "dockwright" => env!("CARGO_BIN_EXE_dockwright"),
        "dockwright-hook-post-checkout" => env!("CARGO_BIN_EXE_dockwright-hook-post-checkout"),
        "dockwright-hook-post-merge" => env!("CARGO_BIN_EXE_dockwright-hook-post-merge"),
        "dockwright-hook-post-rewrite" => env!("CARGO_BIN_EXE_dockwright-hook-post-rewrite"),
        "dockwright-hook-pre-push" => env!("CARGO_BIN_EXE_dockwright-hook-pre-push"),
        other => panic!("unknown binary {other}"),
    };
    PathBuf::from(exe)
}

/// The directory that holds the binaries (to put on PATH).
pub fn bin_dir() -> PathBuf {
    bin("dockwright").parent().unwrap().to_path_buf()
}

/// What a process did.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit code 0 and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the exit code and returns self.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// A temporary git repository whose project name is unique, so that tests can run in parallel
/// and clean up exactly what they made (images and containers carry the project label).
pub struct TestRepo {
    dir: tempfile::TempDir,
    /// The project name dockwright derives from the directory.
    pub project: String,
}

impl TestRepo {
    /// `git init` in a new temporary directory named `dwt-…`, with an identity and `main`.
    pub fn new() -> TestRepo {
        let dir = tempfile::Builder::new()
            .prefix("dwt-")
            .tempdir()
            .expect("tempdir");
        let name = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_lowercase();
        let project: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let repo = TestRepo { dir, project };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// The repository root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &TestRepo {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        self
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// Writes an executable file.
    pub fn write_exec(&self, rel: &str, content: impl AsRef<[u8]>) -> &TestRepo {
        use std::os::unix::fs::PermissionsExt;
        self.write(rel, content);
        let path = self.path().join(rel);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    /// Removes a file.
    pub fn remove(&self, rel: &str) -> &TestRepo {
        std::fs::remove_file(self.path().join(rel)).unwrap();
        self
    }

    /// A command run in the repository with a clean git environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.path());
        cmd.env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
        cmd.env("NO_COLOR", "1");
        cmd.env("GIT_CONFIG_NOSYSTEM", "1");
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs git, asserting success.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> Run {
        self.git_run(args).ok()
    }

    /// Runs git.
    pub fn git_run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command("git");
        cmd.args(args);
        // The binaries on PATH, as a user who installed them would have.
        cmd.env("PATH", path_with_bins());
        Run::from(cmd.output().expect("run git"))
    }

    /// A new bare repository added as the remote `name`; it lives as long as what is returned.
    #[track_caller]
    pub fn add_remote(&self, name: &str) -> tempfile::TempDir {
        let remote = tempfile::Builder::new()
            .prefix("dwt-remote-")
            .tempdir()
            .unwrap();
        let init = Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(remote.path())
            .status()
            .unwrap();
        assert!(init.success(), "git init --bare failed");
        self.git(&["remote", "add", name, remote.path().to_str().unwrap()]);
        remote
    }

    /// `git add -A && git commit -m msg`.
    #[track_caller]
    pub fn commit_all(&self, msg: &str) -> &TestRepo {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self
    }

    /// Runs `dockwright` with arguments.
    pub fn dockwright(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(bin("dockwright"));
        cmd.args(args);
        Run::from(cmd.output().expect("run dockwright"))
    }

    /// Runs `dockwright` with extra environment.
    pub fn dockwright_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(bin("dockwright"));
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run dockwright"))
    }

    /// A minimal Python-like service on the busybox base: `requirements.txt` is its manifest.
    pub fn busybox_service(&self) -> &TestRepo {
        busybox();
        self.write(
            "Dockerfile.runtime",
            format!(
                "FROM {BUSYBOX}\nWORKDIR /app\nCOPY requirements.txt /deps/\nRUN cp /deps/requirements.txt /deps/installed\nUSER 1000:1000\n"
            ),
        )
        .write("requirements.txt", "flask==3.0.0\n")
        .write("app.py", "print('hello')\n")
    }
}

/// PATH with this build's binaries first.
pub fn path_with_bins() -> std::ffi::OsString {
    let mut paths = vec![bin_dir()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

impl Drop for TestRepo {
    fn drop(&mut self) {
        remove_project_objects(&self.project);
    }
}

/// Removes every container, volume and image labelled with the project.
pub fn remove_project_objects(project: &str) {
    let label = format!("label=dev.dockwright.project={project}");
    for (list, rm) in [
        (
            vec!["ps", "-aq", "--filter", &label],
            vec!["rm", "-f", "-v"],
        ),
        (
            vec!["volume", "ls", "-q", "--filter", &label],
            vec!["volume", "rm", "-f"],
        ),
    ] {
        let ids = docker_ids(&list);
        if !ids.is_empty() {
            let _ = Command::new("docker").args(&rm).args(&ids).output();
        }
    }
    remove_images(&label);
}

/// Fails the test when a container or volume of the project is left; `what` says after what.
#[track_caller]
pub fn assert_no_leftovers(project: &str, what: &str) {
    let left = leftovers(project);
    assert!(left.is_empty(), "{what} left {left:?}");
}

/// Objects (containers, volumes, images) that still carry the project label.
pub fn leftovers(project: &str) -> Vec<String> {
    let label = format!("label=dev.dockwright.project={project}");
    let mut left = Vec::new();
    for list in [
        vec!["ps", "-aq", "--filter", &label],
        vec!["volume", "ls", "-q", "--filter", &label],
    ] {
        let out = Command::new("docker").args(&list).output().unwrap();
        left.extend(
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map(str::to_string),
        );
    }
    left
}
