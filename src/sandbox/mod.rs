//! Clean test runs: the tests of exactly one commit, in a fresh container made from that
//! commit's runtime image, hardened, with nothing of the host in it, and removed afterwards
//! whatever happens (failure, timeout, Ctrl-C, SIGTERM, panic).
//!
//! One concept a file: [`request`] (what to run, what came of it, where output goes), [`run`]
//! (the orchestration of one service's run), [`container`] (the test container's life and
//! death), [`stream`] (upload, start, live output, wait), [`owner`] (whom the source belongs
//! to in the image), [`target`] (`--target` builds).

pub mod command;
mod container;
pub mod gc;
mod owner;
pub mod payload;
pub mod pre_push;
pub mod request;
mod run;
pub mod settings;
mod stream;
mod target;
mod workdir;

pub use container::{hostname, remove_container};
pub use request::{Cancel, Output, Proven, Request, RunResult};
pub use run::run;

/// Label on test containers: the pid of the dockwright that owns the run.
pub const PID_LABEL: &str = "dev.dockwright.pid";
/// Label on test containers: the host that owns the run.
pub const HOST_LABEL: &str = "dev.dockwright.host";
/// Label on containers kept with `--keep`.
pub const KEEP_LABEL: &str = "dev.dockwright.keep";

/// The first 12 characters of a commit id.
pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
