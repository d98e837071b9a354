//! A temp git repository with one service, shared by the in-process and end-to-end tests.

#![allow(dead_code)] // Each test binary uses part of it.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../../../tests/integration/support/cleanup.rs"]
mod cleanup;

/// The base image of the fixture's runtime Dockerfile; made by `tests/images/busybox.sh`.
pub const BASE_IMAGE: &str = "dockwright-test/busybox:1";

/// A repository in a temp directory named `dwt-…`: its images are labelled with that name, so
/// dropping it removes exactly what the test built.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// `Dockerfile.runtime` (`FROM` the busybox base, `COPY requirements.txt`), a
    /// `requirements.txt`, a `dockwright.toml` whose test command is `true`; all committed.
    pub fn new() -> Repo {
        let dir = tempfile::Builder::new()
            .prefix("dwt-")
            .tempdir()
            .expect("temp dir");
        let repo = Repo { dir };
        repo.write(
            "Dockerfile.runtime",
            &format!("FROM {BASE_IMAGE}\nCOPY requirements.txt /deps/\n"),
        );
        repo.write("requirements.txt", "six==1.16.0\n");
        repo.write("dockwright.toml", "[services.app]\ntest = \"true\"\n");
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "init"]);
        repo
    }

    /// The repository root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The project name dockwright gives it (its images carry it as a label).
    pub fn project(&self) -> String {
        let name = self
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        dockwright::repo::sanitize_name(name)
    }

    /// Writes a file of the repository.
    pub fn write(&self, path: &str, text: &str) -> PathBuf {
        let path = self.path().join(path);
        std::fs::write(&path, text).expect("write fixture file");
        path
    }

    /// Runs git in the repository, with an identity and without the user's configuration.
    pub fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?} failed");
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        // Whatever a test built or left, found by this project's label: test containers, then
        // images (see `remove_images`).
        let label = format!("label=dev.dockwright.project={}", self.project());
        let containers = cleanup::docker_ids(&["ps", "-aq", "--filter", &label]);
        if !containers.is_empty() {
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v"])
                .args(&containers)
                .output();
        }
        cleanup::remove_images(&label);
    }
}
