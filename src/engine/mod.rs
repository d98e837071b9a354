//! The engine client: one `bollard::Docker`, one small method per engine operation, each bounded
//! in time and each with an error that says what it was doing.

pub mod build;
pub mod connect;
pub mod pace;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bollard::{ClientVersion, Docker};

pub use connect::{Endpoint, EnvLookup};
pub use pace::{runtime, Pace};

/// Every call dockwright makes exists in API 1.41 (engine 20.10); asking for it explicitly
/// avoids a version negotiation round trip on every start.
const API_VERSION: ClientVersion = ClientVersion {
    major_version: 1,
    minor_version: 41,
};
/// Bound of the response headers of long calls (build, wait, attach).
const LONG_CALL_SECS: u64 = 24 * 3600;

/// A connection to a Docker-API engine.
#[derive(Clone)]
pub struct Engine {
    docker: Docker,
    endpoint: Endpoint,
    /// The bound of a quick call until the engine has answered once.
    quick: Duration,
    /// The bound of a quick call once it has.
    patience: Duration,
    /// Whether the engine has answered a call (shared by the clones of this connection).
    answered: Arc<AtomicBool>,
}

/// What went wrong talking to the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Nothing answered at the address, or not in time.
    #[error("cannot reach the Docker engine at `{host}` (from {origin}): {reason}")]
    Unavailable {
        /// The address.
        host: String,
        /// Where the address came from.
        origin: String,
        /// Why.
        reason: String,
    },
    /// The engine answered with an error.
    #[error("failed to {what}: {message}")]
    Call {
        /// What dockwright asked for ("inspect image `x`").
        what: String,
        /// The engine's words.
        message: String,
    },
    /// `DOCKWRIGHT_ENGINE_TIMEOUT` is set to something unusable.
    #[error("{variable}: {error}")]
    Timeout {
        /// The variable.
        variable: &'static str,
        /// What is wrong with its value (boxed: every engine result would pay for it).
        error: Box<crate::duration::DurationError>,
    },
    /// The async runtime that drives the engine calls could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl EngineError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            EngineError::Unavailable { .. } => Some(
                "start the Docker engine, or point DOCKER_HOST or DOCKER_CONTEXT at a running one"
                    .into(),
            ),
            EngineError::Call { .. } => None,
            EngineError::Timeout { error, .. } => Some(error.help()),
            EngineError::Runtime(_) => Some("this is a bug; please report it".into()),
        }
    }

    /// Whether the command line's environment was at fault (a usage error).
    pub fn is_usage(&self) -> bool {
        matches!(self, EngineError::Timeout { .. })
    }

    /// Whether the engine could not be reached at all.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, EngineError::Unavailable { .. })
    }
}

/// What the engine says of itself.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EngineFacts {
    /// `20.10.24`.
    pub version: String,
    /// The newest API version it speaks, `1.41`.
    pub api_version: String,
    /// The oldest API version it speaks.
    pub min_api_version: String,
    /// `Debian GNU/Linux 12 (bookworm)`.
    pub os: String,
    /// Where it keeps images (`/var/lib/docker`), on the engine's machine.
    pub root_dir: String,
}

/// What dockwright needs to know of an image.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImageInfo {
    /// `sha256:…`.
    pub id: String,
    /// `name:tag` references.
    pub tags: Vec<String>,
    /// Creation time, seconds since the Unix epoch.
    pub created: i64,
    /// Size in bytes.
    pub size: i64,
    /// Labels.
    pub labels: HashMap<String, String>,
    /// The image's `USER`, "" when root by default.
    pub user: String,
    /// The image's `WORKDIR`, "" when unset.
    pub workdir: String,
}

impl Engine {
    /// Connects (lazily: nothing is sent yet) to the engine the environment names.
    /// `quick` bounds every short call.
    pub fn connect(lookup: EnvLookup<'_>, quick: Duration) -> Result<Engine, EngineError> {
        let endpoint = connect::resolve(lookup).map_err(|reason| EngineError::Unavailable {
            host: "?".into(),
            origin: "docker context".into(),
            reason,
        })?;
        let unavailable = |reason: String| EngineError::Unavailable {
            host: endpoint.host.clone(),
            origin: endpoint.origin.clone(),
            reason,
        };
        let host = endpoint.host.as_str();
        let docker = if let Some(path) = host.strip_prefix("unix://") {
            Docker::connect_with_unix(path, LONG_CALL_SECS, &API_VERSION)
        } else if host.starts_with("https://") || (host.starts_with("tcp://") && endpoint.tls.is_some()) {
            let dir = endpoint.tls.clone().unwrap_or_default();
            Docker::connect_with_ssl(
                host,
                &dir.join("key.pem"),
                &dir.join("cert.pem"),
                &dir.join("ca.pem"),
                LONG_CALL_SECS,
                &API_VERSION,
            )
        } else if host.starts_with("tcp://") || host.starts_with("http://") {
            Docker::connect_with_http(host, LONG_CALL_SECS, &API_VERSION)
        } else if host.starts_with("ssh://") {
            return Err(unavailable(
                "ssh:// engines are not supported; forward the socket (`ssh -L`) and use unix:// or tcp://"
                    .into(),
            ));
        } else {
            return Err(unavailable(format!("`{host}` is not an engine address")));
        }
        .map_err(|e| unavailable(describe(&e)))?;
        Ok(Engine {
            docker,
            endpoint,
            quick,
            patience: quick,
            answered: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Connects using this process's environment.
    pub fn from_env(quick: Duration) -> Result<Engine, EngineError> {
        Engine::connect(&connect::process_env, quick)
    }

    /// Connects to the engine `lookup` names, its quick calls bounded as `pace` says
    /// (`DOCKWRIGHT_ENGINE_TIMEOUT`, read through `lookup`, overrides that).
    pub fn for_pace(lookup: EnvLookup<'_>, pace: Pace) -> Result<Engine, EngineError> {
        let (quick, patience) = pace.bounds(lookup)?;
        let mut engine = Engine::connect(lookup, quick)?;
        engine.patience = patience.max(quick);
        Ok(engine)
    }

    /// The bound of a quick call now: short until the engine has answered once (a hung engine
    /// is said to be so within seconds), then the pace's patience (only an engine that is
    /// alive gets to be slow).
    pub fn quick_bound(&self) -> Duration {
        if self.answered.load(Ordering::Relaxed) {
            self.patience
        } else {
            self.quick
        }
    }

    /// Notes that the engine answered (with a value or with an error of its own).
    fn heard<T>(&self, result: &Result<T, bollard::errors::Error>) {
        if matches!(
            result,
            Ok(_) | Err(bollard::errors::Error::DockerResponseServerError { .. })
        ) {
            self.answered.store(true, Ordering::Relaxed);
        }
    }

    /// The error for a quick call that got no reply within `bound`.
    pub fn not_answering(&self, bound: Duration) -> EngineError {
        self.unavailable(format!(
            "the engine is not answering (no reply within {:.1}s)",
            bound.as_secs_f64()
        ))
    }

    /// The address in use.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The bollard handle, for the few long operations that stream.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// The error for a call that failed, unavailable when the engine did not answer.
    pub fn error(&self, what: impl Into<String>, e: bollard::errors::Error) -> EngineError {
        use bollard::errors::Error as B;
        match e {
            B::DockerResponseServerError { message, .. } => EngineError::Call {
                what: what.into(),
                message,
            },
            B::JsonDataError { .. } | B::JsonSerdeError { .. } => EngineError::Call {
                what: what.into(),
                message: describe(&e),
            },
            other => self.unavailable(describe(&other)),
        }
    }

    /// The unavailable error for this endpoint.
    pub fn unavailable(&self, reason: String) -> EngineError {
        EngineError::Unavailable {
            host: self.endpoint.host.clone(),
            origin: self.endpoint.origin.clone(),
            reason,
        }
    }

    /// Runs a quick call under the quick bound.
    pub async fn quick<T>(
        &self,
        what: impl Into<String>,
        call: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, EngineError> {
        let bound = self.quick_bound();
        match tokio::time::timeout(bound, call).await {
            Ok(result) => {
                self.heard(&result);
                result.map_err(|e| self.error(what, e))
            }
            Err(_) => Err(self.not_answering(bound)),
        }
    }

    /// Runs a call that is known to be slow on some storage drivers (a commit takes 11 s on
    /// fuse-overlayfs with nothing else running, more under load), without the quick bound: as
    /// builds, it is waited for.
    pub async fn slow<T>(
        &self,
        what: impl Into<String>,
        call: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, EngineError> {
        let result = call.await;
        self.heard(&result);
        result.map_err(|e| self.error(what, e))
    }

    /// Checks that the engine answers.
    pub async fn ping(&self) -> Result<(), EngineError> {
        self.quick("ping the engine", self.docker.ping())
            .await
            .map(|_| ())
    }

    /// What `dockwright doctor` reports of the engine: its version, API version, OS and root
    /// directory (two quick calls).
    pub async fn facts(&self) -> Result<EngineFacts, EngineError> {
        let version = self
            .quick("ask the engine's version", self.docker.version())
            .await?;
        let info = self
            .quick("ask the engine's info", self.docker.info())
            .await?;
        Ok(EngineFacts {
            version: version.version.unwrap_or_default(),
            api_version: version.api_version.unwrap_or_default(),
            min_api_version: version.min_api_version.unwrap_or_default(),
            os: info.operating_system.unwrap_or_default(),
            root_dir: info.docker_root_dir.unwrap_or_default(),
        })
    }

    /// The image a reference names, or None when there is none.
    pub async fn image(&self, reference: &str) -> Result<Option<ImageInfo>, EngineError> {
        let bound = self.quick_bound();
        let result = tokio::time::timeout(bound, self.docker.inspect_image(reference)).await;
        if let Ok(result) = &result {
            self.heard(result);
        }
        match result {
            Ok(Ok(inspect)) => {
                let config = inspect.config.unwrap_or_default();
                Ok(Some(ImageInfo {
                    id: inspect.id.unwrap_or_default(),
                    tags: inspect.repo_tags.unwrap_or_default(),
                    // bollard parses the time (its `buildkit` feature needs chrono).
                    created: inspect.created.map(|t| t.timestamp()).unwrap_or(0),
                    size: inspect.size.unwrap_or(0),
                    labels: config.labels.unwrap_or_default(),
                    user: config.user.unwrap_or_default(),
                    workdir: config.working_dir.unwrap_or_default(),
                }))
            }
            Ok(Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            })) => Ok(None),
            Ok(Err(e)) => Err(self.error(format!("inspect image `{reference}`"), e)),
            Err(_) => Err(self.not_answering(bound)),
        }
    }

    /// Images carrying every `key=value` label given, newest first.
    pub async fn images_labelled(
        &self,
        labels: &[(&str, &str)],
    ) -> Result<Vec<ImageInfo>, EngineError> {
        let filter: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let filters: HashMap<&str, Vec<String>> = [("label", filter)].into();
        let options = bollard::query_parameters::ListImagesOptionsBuilder::default()
            .filters(&filters)
            .build();
        let mut images: Vec<ImageInfo> = self
            .quick("list images", self.docker.list_images(Some(options)))
            .await?
            .into_iter()
            .map(|s| ImageInfo {
                id: s.id,
                tags: s.repo_tags,
                created: s.created,
                size: s.size,
                labels: s.labels,
                ..ImageInfo::default()
            })
            .collect();
        images.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        Ok(images)
    }

    /// Removes an image by reference or id (untags it when other tags remain).
    pub async fn remove_image(&self, reference: &str) -> Result<(), EngineError> {
        let options = bollard::query_parameters::RemoveImageOptionsBuilder::default()
            .force(true)
            .build();
        self.quick(
            format!("remove image `{reference}`"),
            self.docker.remove_image(reference, Some(options), None),
        )
        .await
        .map(|_| ())
    }
}

/// bollard's error, said in one line.
pub fn describe(e: &bollard::errors::Error) -> String {
    use bollard::errors::Error as B;
    match e {
        B::SocketNotFoundError(path) => format!("no socket at `{path}`"),
        B::RequestTimeoutError => "no answer in time".into(),
        B::DockerResponseServerError { message, .. } => message.clone(),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(inner) = source {
                let more = inner.to_string();
                if !text.contains(&more) {
                    text.push_str(": ");
                    text.push_str(&more);
                }
                source = inner.source();
            }
            text
        }
    }
}

/// Seconds since the epoch of an RFC 3339 time such as `2026-11-23T19:37:42.123456789Z` (the
/// engine's `Created`), with any zone offset applied.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-23T19:37:42.123456789Z"),
            Some(1795462662)
        );
        assert_eq!(parse_rfc3339("2026-11-23T21:37:42+02:00"), Some(1795462662));
        assert_eq!(
            parse_rfc3339("2026-11-23T19:37:42.5-01:30"),
            Some(1795468062)
        );
        assert_eq!(parse_rfc3339("garbage"), None);
        assert_eq!(parse_rfc3339("2026-13-45T99:00:00Z"), None);
    }
}
