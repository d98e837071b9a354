//! The form of `dockwright.toml` as written (`RawConfig`, `RawService`: every key checked, an
//! unknown one refused), and the values a service is resolved into.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::SandboxConfig;

/// What the post-checkout, post-merge and post-rewrite hooks do about a stale image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnStale {
    /// Say which inputs changed and the command to run (the default).
    #[default]
    Warn,
    /// Start `dockwright build` in the background. This runs the RUN steps of the Dockerfile
    /// of whatever branch was checked out: they are code, as much as the branch's scripts are.
    Build,
}

/// Which commits of a push the pre-push hook tests (`pre_push` in `dockwright.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrePush {
    /// The tip of each pushed ref only (the default): one run per push, whatever its length.
    #[default]
    Tip,
    /// Every commit the remote does not have yet, oldest first, stopping at the first failure.
    Each,
}

impl PrePush {
    /// The value as written in `dockwright.toml`.
    pub fn name(self) -> &'static str {
        match self {
            PrePush::Tip => "tip",
            PrePush::Each => "each",
        }
    }
}

/// A test command: a shell line (run with `sh -c`) or an argument vector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum TestCommand {
    /// `test = "pytest -q"`.
    Shell(String),
    /// `test = ["pytest", "-q"]`.
    Argv(Vec<String>),
}

impl TestCommand {
    /// The argument vector to run.
    pub fn argv(&self) -> Vec<String> {
        match self {
            TestCommand::Shell(line) => vec!["sh".into(), "-c".into(), line.clone()],
            TestCommand::Argv(argv) => argv.clone(),
        }
    }

    /// The command as a person would type it.
    pub fn display(&self) -> String {
        match self {
            TestCommand::Shell(line) => line.clone(),
            TestCommand::Argv(argv) => argv.join(" "),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) project: Option<String>,
    #[serde(default)]
    pub(super) on_stale: OnStale,
    #[serde(default)]
    pub(super) pre_push: PrePush,
    #[serde(default)]
    pub(super) services: BTreeMap<String, RawService>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub(super) context: Option<String>,
    pub(super) dockerfile: Option<String>,
    pub(super) target: Option<String>,
    pub(super) image: Option<String>,
    #[serde(default)]
    pub(super) build_args: BTreeMap<String, String>,
    pub(super) test: Option<TestCommand>,
    #[serde(default)]
    pub(super) sandbox: SandboxConfig,
    #[serde(default)]
    pub(super) secrets: BTreeMap<String, super::SecretConfig>,
    #[serde(default)]
    pub(super) cache_from: Vec<String>,
    #[serde(default)]
    pub(super) cache_to: Vec<String>,
}

/// One service: a runtime image and how it is tested.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    /// Name, unique in the project.
    pub name: String,
    /// Build context, relative to the repository root, `/`-separated, "" for the root.
    pub context: String,
    /// The runtime Dockerfile, relative to the repository root.
    pub dockerfile: String,
    /// Stage of a multi-stage Dockerfile to build, if any.
    pub target: Option<String>,
    /// Image repository name (the tag is the fingerprint); default `<project>-<service>-runtime`.
    pub image: Option<String>,
    /// Build arguments, passed to the build and part of the fingerprint.
    pub build_args: BTreeMap<String, String>,
    /// Test command; default from the stack.
    pub test: Option<TestCommand>,
    /// Sandbox settings.
    pub sandbox: SandboxConfig,
    /// Build secrets and cache.
    pub build: super::BuildSettings,
}
