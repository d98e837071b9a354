//! The use cases: what a user asks dockwright to do, one file each. Every face (the CLI, the
//! git hook binaries, the Nushell plugin) is argument parsing plus one call here plus the
//! presentation of what comes back; none of them loops over services or reads the environment
//! for the core.
//!
//! A use case takes a selection (which services, which snapshot), its options and an engine
//! (made by the face with [`crate::engine::Engine::for_pace`], from the environment the face
//! sees), and returns a serde-serialisable report. What happens meanwhile (build steps, a test's
//! output) goes to the event sinks of [`crate::build::Progress`] and [`crate::sandbox::Output`],
//! which the faces implement.

pub mod build;
pub mod check;
pub mod doctor;
pub mod env;
pub mod gc;
pub mod hooks;
pub mod images;
pub mod init;
pub mod inputs;
pub mod status;
pub mod test;

use std::future::Future;

use crate::error::{Error, Result};
use crate::exit::Exit;

/// Which services, in which snapshot.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Service names; every service when empty.
    pub services: Vec<String>,
    /// The commit whose files (and `dockwright.toml`) are read, from git objects; the working
    /// tree when None.
    pub rev: Option<String>,
}

/// Never resolves: for faces that let Ctrl-C end the process instead.
pub fn never() -> impl Future<Output = ()> + Send {
    std::future::pending()
}

/// The error of an operation that Ctrl-C (or the plugin's signal) stopped.
pub fn interrupted(what: String) -> Error {
    Error::Message {
        message: format!("{what} was interrupted"),
        help: None,
        exit: Exit::Interrupted,
    }
}

/// Runs `work` on the core's runtime.
fn block_on<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    crate::engine::runtime()?.block_on(work)
}
