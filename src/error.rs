//! The error every use case returns. It only wraps: each subsystem defines its own error type
//! next to its code, carrying what the user needs (the path, the service, the engine's message)
//! and a `help:` line naming the fix. The leaves' errors are named here; a use case's error (a
//! build's, say) comes in through [`Diagnostic`], so this module, which the model uses too,
//! depends on no use case.

use std::path::PathBuf;

use crate::exit::Exit;

/// Any failure of a dockwright action.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Finding or reading the git repository.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
    /// `dockwright.toml`.
    #[error(transparent)]
    Config(Box<crate::config::ConfigError>),
    /// Reading a Dockerfile or resolving its inputs.
    #[error(transparent)]
    Inputs(Box<crate::inputs::InputsError>),
    /// Talking to the Docker engine.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    /// A use case's own failure (an image build, …): it says its fix and exit code itself.
    #[error("{0}")]
    Action(Box<dyn Diagnostic>),
    /// A file that could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done ("read", "write", "create").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Anything else, said plainly.
    #[error("{message}")]
    Message {
        /// What went wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
        /// How the process should end.
        exit: Exit,
    },
}

// Boxed: these carry several strings each, and every Result in the crate would pay for them.
impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Error {
        Error::Config(Box::new(e))
    }
}

impl From<crate::inputs::InputsError> for Error {
    fn from(e: crate::inputs::InputsError) -> Error {
        Error::Inputs(Box::new(e))
    }
}

impl From<crate::fs::FsError> for Error {
    fn from(e: crate::fs::FsError) -> Error {
        Error::Io {
            action: e.action,
            path: e.path,
            source: e.source,
        }
    }
}

/// An error that knows its fix and how the process should end: what a use case's error type
/// implements to travel in [`Error::Action`].
pub trait Diagnostic: std::error::Error + Send + Sync + 'static {
    /// The `help:` line, when there is a fix to suggest.
    fn help(&self) -> Option<String>;
    /// How the process should end.
    fn exit(&self) -> Exit {
        Exit::Failure
    }
}

impl Error {
    /// A plain error with a fix.
    pub fn msg(message: impl Into<String>, help: impl Into<String>) -> Error {
        Error::Message {
            message: message.into(),
            help: Some(help.into()),
            exit: Exit::Failure,
        }
    }

    /// An I/O error on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The `help:` line, when there is a fix to suggest.
    pub fn help(&self) -> Option<String> {
        match self {
            Error::Repo(e) => e.help(),
            Error::Config(e) => e.help(),
            Error::Inputs(e) => e.help(),
            Error::Engine(e) => e.help(),
            Error::Action(e) => e.help(),
            Error::Io { .. } => None,
            Error::Message { help, .. } => help.clone(),
        }
    }

    /// How the process should end for this error.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Engine(e) if e.is_unavailable() => Exit::EngineUnavailable,
            Error::Engine(e) if e.is_usage() => Exit::Usage,
            Error::Action(e) => e.exit(),
            Error::Message { exit, .. } => *exit,
            _ => Exit::Failure,
        }
    }

    /// The error as the CLI prints it: `error: …` and, when known, `help: …`.
    pub fn render(&self) -> String {
        let mut out = format!("error: {self}");
        if let Some(help) = self.help() {
            out.push_str("\nhelp: ");
            out.push_str(&help);
        }
        out
    }
}

/// Result of a dockwright action.
pub type Result<T, E = Error> = std::result::Result<T, E>;
