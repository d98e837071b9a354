//! What a test run is asked for, what comes of it, and where its output goes.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::build::Progress;

/// What to test and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The commit to test (default `HEAD`); ignored with `worktree`.
    pub rev: Option<String>,
    /// Test the working tree (tracked plus untracked-not-ignored files) instead of a commit.
    pub worktree: bool,
    /// Services to test (default all).
    pub services: Vec<String>,
    /// Leave the container for inspection.
    pub keep: bool,
    /// Overrides the service's timeout.
    pub timeout: Option<Duration>,
    /// Overrides the test command.
    pub command: Vec<String>,
    /// Build this stage of the service's multi-stage `Dockerfile` from the commit's files and
    /// run the tests in it, instead of the runtime image with the source uploaded.
    pub target: Option<String>,
    /// Print the effective settings.
    pub verbose: bool,
    /// Run even when a proof says this exact run passed before.
    pub rerun: bool,
}

/// Where a run's output goes.
pub trait Output: Progress {
    /// Bytes the test wrote to its stdout.
    fn stdout(&mut self, service: &str, bytes: &[u8]);
    /// Bytes the test wrote to its stderr.
    fn stderr(&mut self, service: &str, bytes: &[u8]);
    /// A line from dockwright itself.
    fn note(&mut self, text: &str);
    /// A service's run ended (its output is done): the face may say how it went.
    fn finished(&mut self, result: &RunResult);
}

/// The result of testing one service at one commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunResult {
    /// The commit tested, or `worktree`.
    pub commit: String,
    /// The service.
    pub service: String,
    /// The image the tests ran in.
    pub image: String,
    /// The test command's exit code.
    pub exit_code: i64,
    /// Wall time, in seconds.
    pub duration: f64,
    /// Whether the exit code was 0.
    pub passed: bool,
    /// The container, when kept.
    pub container: Option<String>,
    /// Files shipped into the container (0 when cached: nothing was).
    pub files: usize,
    /// Bytes shipped into the container (0 when cached).
    pub bytes: u64,
    /// The hardened defaults the service's `dockwright.toml` weakened, said on every run.
    pub relaxed: Vec<super::settings::Relaxation>,
    /// Nothing ran: a proof says this exact run passed before.
    pub cached: bool,
    /// The proof used, when `cached`.
    pub proven: Option<Proven>,
}

/// The earlier pass a cached result stands on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proven {
    /// The commit that run tested, or `worktree` (the same files as this one).
    pub commit: String,
    /// When it passed, seconds since the Unix epoch.
    pub when: i64,
}

/// A future that resolves when the run must stop (Ctrl-C, SIGTERM, the plugin's signal).
pub type Cancel<'a> = Pin<&'a mut (dyn Future<Output = ()> + Send)>;
