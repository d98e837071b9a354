//! Image builds on the engine: through its BuildKit (a session over `/session`, the solve and
//! the status stream over `/grpc`), or through the legacy builder on an engine without BuildKit.
//!
//! Either way the caller gives the build context as a tar (exactly the inputs) and gets step
//! events while the build runs.

mod buildkit;
pub mod grpc;
mod legacy;
mod steps;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use super::{Engine, EngineError};

pub use steps::Steps;

/// Which builder builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// The engine's BuildKit.
    BuildKit,
    /// The engine's legacy builder (deprecated; engines without BuildKit).
    Legacy,
}

/// Where a build secret's value comes from. The value itself is read only by the session that
/// serves it to BuildKit, when a `RUN --mount=type=secret` asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable of this process.
    Env(String),
    /// A file.
    File(PathBuf),
}

/// One image build.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// `repository:tag` to give the image.
    pub tag: String,
    /// The Dockerfile's path inside the context.
    pub dockerfile: String,
    /// The context, an uncompressed tar.
    pub context: Vec<u8>,
    /// Labels of the image.
    pub labels: HashMap<String, String>,
    /// Build arguments.
    pub build_args: HashMap<String, String>,
    /// The stage to build, when not the last.
    pub target: Option<String>,
    /// Build secrets by id (BuildKit only).
    pub secrets: Vec<(String, SecretSource)>,
    /// Registry references to import cache from (`type=registry`, BuildKit only).
    pub cache_from: Vec<String>,
    /// Registry references to export cache to (`type=registry,mode=max`, BuildKit only).
    pub cache_to: Vec<String>,
}

/// Something that happened during a build.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildEvent {
    /// A step started (BuildKit: a vertex such as `[2/5] RUN pip install …`; legacy:
    /// `Step 2/5 : RUN …`).
    Started {
        /// The step's identity (a vertex digest; the step text for the legacy builder).
        id: String,
        /// What the step does.
        name: String,
    },
    /// A line the step printed.
    Output {
        /// The step's identity.
        id: String,
        /// The step's name.
        name: String,
        /// The line, without its line ending; as the step printed it (escapes included).
        line: String,
    },
    /// A step ended (BuildKit only).
    Done {
        /// The step's identity.
        id: String,
        /// The step's name.
        name: String,
        /// Whether the step's result came from the cache.
        cached: bool,
        /// How long it ran, when the builder says.
        duration: Option<Duration>,
        /// The builder's error, when the step failed.
        error: Option<String>,
    },
}

/// Why a build did not produce its image.
#[derive(Debug, thiserror::Error)]
pub enum BuildFailure {
    /// The builder refused the build or a step failed.
    #[error("{message}")]
    Failed {
        /// The failing step, when known.
        step: Option<String>,
        /// The builder's words.
        message: String,
    },
    /// The engine could not be talked to.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl Engine {
    /// Which builder this engine offers: BuildKit when its `/grpc` endpoint upgrades (any
    /// engine since 18.09), the legacy builder when the engine refuses it (Podman, Windows).
    /// A TLS engine is assumed to have BuildKit: the probe speaks plain HTTP only.
    pub async fn builder(&self) -> Result<Builder, EngineError> {
        let Some(upgrade) = self.grpc_upgrade() else {
            return Ok(Builder::BuildKit);
        };
        let bound = self.quick_bound();
        match tokio::time::timeout(bound, upgrade.open()).await {
            Ok(Ok(_stream)) => Ok(Builder::BuildKit),
            Ok(Err(grpc::UpgradeError::Refused { .. })) => Ok(Builder::Legacy),
            Ok(Err(grpc::UpgradeError::Io(e))) => Err(self.unavailable(e.to_string())),
            Err(_) => Err(self.not_answering(bound)),
        }
    }

    /// Builds an image with the given builder, reporting steps to `on_event`.
    pub async fn build(
        &self,
        builder: Builder,
        request: BuildRequest,
        on_event: &mut dyn FnMut(BuildEvent),
    ) -> Result<(), BuildFailure> {
        match builder {
            Builder::BuildKit => buildkit::build(self, request, on_event).await,
            Builder::Legacy => legacy::build(self, request, on_event).await,
        }
    }

    /// The connector to this engine's `/grpc`, when its address is a plain one.
    fn grpc_upgrade(&self) -> Option<grpc::Upgrade> {
        grpc::Upgrade::new(
            &self.endpoint.host,
            &format!(
                "{}.{}",
                super::API_VERSION.major_version,
                super::API_VERSION.minor_version
            ),
        )
    }
}
