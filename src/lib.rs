//! dockwright: runtime containers without their three failures.
//!
//! The core library behind every face (the `dockwright` CLI, the git hook binaries and the
//! Nushell plugin). Layers, top-down:
//!
//! - actions: [`build`], [`status`], [`sandbox`] (clean test runs), [`scaffold`], [`check`],
//!   [`hooks`] (install, run);
//! - model: [`project`] (services from config and Dockerfiles), [`inputs`] and [`fingerprint`],
//!   [`stack`] (what each language and package manager needs);
//! - leaves: [`repo`] (git2), [`engine`] (bollard), [`config`] (toml), [`dockerfile`],
//!   [`dockerignore`], [`tree`] (files of the working tree or of a commit).
//!
//! An action uses the model and the leaves; a leaf uses nothing of ours.

pub mod build;
pub mod buildlock;
pub mod check;
pub mod cli;
pub mod compose_file;
pub mod config;
pub mod dockerfile;
pub mod dockerignore;
pub mod duration;
pub mod engine;
pub mod env;
pub mod error;
pub mod exit;
pub mod fingerprint;
pub mod fs;
pub mod hooks;
pub mod images;
pub mod inputs;
pub mod project;
pub mod repo;
pub mod sandbox;
pub mod scaffold;
pub mod stack;
pub mod status;
pub mod term;
pub mod tree;
pub mod up;

pub use error::Error;
pub use exit::Exit;
