//! How a service's image is built beyond its Dockerfile: build secrets and registry cache.
//! None of it enters the fingerprint: it changes how the image is made, not what from.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Where a build secret comes from: `{ env = "PIP_INDEX_URL" }` or `{ file = "…" }`. Only the
/// source is configuration; the value is read by the build session, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum SecretConfig {
    /// An environment variable of the process that builds.
    Env(String),
    /// A file, relative to the repository root unless absolute.
    File(String),
}

/// A service's build secrets and cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildSettings {
    /// Build secrets by id, for `RUN --mount=type=secret,id=…`.
    pub secrets: BTreeMap<String, SecretConfig>,
    /// Registry references to import build cache from.
    pub cache_from: Vec<String>,
    /// Registry references to export build cache to.
    pub cache_to: Vec<String>,
}

/// Whether `id` is a secret id BuildKit accepts and a Dockerfile can name.
pub(super) fn valid_secret_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
