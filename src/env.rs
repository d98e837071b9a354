//! Every environment variable dockwright reads, in one place.

/// `1` skips every dockwright hook (the hooks exit 0 at once and print nothing).
pub const SKIP: &str = "DOCKWRIGHT_SKIP";
/// Overrides the binary that the installed git hook shims run (an absolute path).
pub const HOOK_BIN: &str = "DOCKWRIGHT_HOOK_BIN";
/// Engine address, as the docker CLI reads it: `unix://`, `tcp://`, `http://`, `https://`.
pub const DOCKER_HOST: &str = "DOCKER_HOST";
/// Name of the docker CLI context to use instead of the one in `config.json`.
pub const DOCKER_CONTEXT: &str = "DOCKER_CONTEXT";
/// The docker CLI's configuration directory (default `~/.docker`).
pub const DOCKER_CONFIG: &str = "DOCKER_CONFIG";
/// Directory with `ca.pem`, `cert.pem` and `key.pem` for an `https://` engine.
pub const DOCKER_CERT_PATH: &str = "DOCKER_CERT_PATH";
/// Any value but empty or `0` asks for TLS on a `tcp://` engine address.
pub const DOCKER_TLS_VERIFY: &str = "DOCKER_TLS_VERIFY";
/// Any value disables colour (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// Seconds an engine call may take before dockwright gives up on it (default 30; hooks use less).
pub const ENGINE_TIMEOUT: &str = "DOCKWRIGHT_ENGINE_TIMEOUT";
/// `buildkit` or `legacy` forces the builder; unset, BuildKit is used when the engine has it
/// (like `DOCKER_BUILDKIT=0|1` for the docker CLI).
pub const BUILDER: &str = "DOCKWRIGHT_BUILDER";
/// Directory of user templates that override the embedded ones, one folder per stack.
pub const TEMPLATES: &str = "DOCKWRIGHT_TEMPLATES";
/// `XDG_RUNTIME_DIR`, where a rootless Podman keeps its socket.
pub const XDG_RUNTIME_DIR: &str = "XDG_RUNTIME_DIR";
/// The user's home directory, for `~/.docker`.
pub const HOME: &str = "HOME";

/// What pre-commit and prek set for a hook they run (they pass neither git's arguments nor its
/// stdin): the hook binaries rebuild git's arguments from them
/// ([`crate::hooks::manager::pre_commit_args`]).
pub mod pre_commit {
    /// post-checkout's old HEAD; pre-push's remote commit (or the base of the new commits).
    pub const FROM_REF: &str = "PRE_COMMIT_FROM_REF";
    /// post-checkout's new HEAD; pre-push's pushed commit.
    pub const TO_REF: &str = "PRE_COMMIT_TO_REF";
    /// post-checkout's flag: `1` for a branch checkout, `0` for a file checkout.
    pub const CHECKOUT_TYPE: &str = "PRE_COMMIT_CHECKOUT_TYPE";
    /// post-merge's squash flag.
    pub const IS_SQUASH_MERGE: &str = "PRE_COMMIT_IS_SQUASH_MERGE";
    /// post-rewrite's `amend` or `rebase`.
    pub const REWRITE_COMMAND: &str = "PRE_COMMIT_REWRITE_COMMAND";
    /// pre-push's remote name.
    pub const REMOTE_NAME: &str = "PRE_COMMIT_REMOTE_NAME";
    /// pre-push's remote URL.
    pub const REMOTE_URL: &str = "PRE_COMMIT_REMOTE_URL";
    /// pre-push's local ref.
    pub const LOCAL_BRANCH: &str = "PRE_COMMIT_LOCAL_BRANCH";
    /// pre-push's remote ref.
    pub const REMOTE_BRANCH: &str = "PRE_COMMIT_REMOTE_BRANCH";
}

/// Git's repository-local variables; they must not leak into a git run elsewhere
/// (hooks run with `GIT_DIR` and friends set). The list is what `git rev-parse --local-env-vars` prints.
pub const GIT_LOCAL_VARS: &[&str] = &[
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
];

/// Whether `DOCKWRIGHT_SKIP` asks to skip everything.
pub fn skip() -> bool {
    matches!(std::env::var(SKIP).as_deref(), Ok(v) if !v.is_empty() && v != "0")
}
