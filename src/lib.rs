//! dockwright: runtime containers without their three failures.
//!
//! The core library behind every face. The faces are not in it: the `dockwright` CLI is the
//! binary target's own modules (`src/main.rs`, `src/cli/`), the git hook binaries are in
//! `hooks/`, the Nushell plugin in `plugins/`; each is argument parsing and presentation over
//! the calls here, so a core → face import cannot compile. Layers, top-down:
//!
//! - use cases: [`usecase`] (status, inputs, build, images, test, gc, init, check, hooks), each
//!   taking a selection and an engine and returning a serde report;
//! - actions they use: [`build`], [`status`], [`sandbox`] (clean test runs, pre-push),
//!   [`scaffold`], [`check`], [`hooks`] (shims, the post-* hooks' freshness check);
//! - model: [`project`] (services from config and Dockerfiles), [`inputs`] and [`fingerprint`],
//!   [`stack`] (what each language and package manager needs);
//! - leaves: [`repo`] (git2), [`engine`] (bollard, one timeout policy), [`config`] (toml),
//!   [`dockerfile`], [`dockerignore`], [`tree`] (files of the working tree or of a commit),
//!   [`suggest`] (did-you-mean), [`env`], [`error`], [`exit`].
//!
//! A use case uses the actions, the model and the leaves; a leaf uses nothing of ours.

pub mod build;
pub mod buildlock;
pub mod check;
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
pub mod inputs;
pub mod project;
pub mod proofs;
pub mod repo;
pub mod sandbox;
pub mod scaffold;
pub mod stack;
pub mod status;
pub mod suggest;
pub mod tree;
pub mod up;
pub mod usecase;

pub use error::Error;
pub use exit::Exit;
