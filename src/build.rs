//! `dockwright build`: send exactly the inputs as the build context, tag the image by its
//! fingerprint and label it, or say that the image already exists.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::engine::{Engine, EngineError};
use crate::error::{Error, Result};
use crate::inputs::{InputKind, OUTSIDE_DOCKERFILE};
use crate::project::{labels, Analysis, Project, VERSION};
use crate::tree::Tree;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A step of the Dockerfile failed.
    #[error("service `{service}`: the build failed{}: {message}", step.as_ref().map(|s| format!(" at `{s}`")).unwrap_or_default())]
    Failed {
        /// The service.
        service: String,
        /// The failing step, as the engine announced it (`Step 3/5 : RUN …`).
        step: Option<String>,
        /// The engine's error.
        message: String,
        /// The Dockerfile, for the fix.
        dockerfile: String,
    },
    /// The build context could not be assembled.
    #[error("service `{service}`: cannot pack `{path}` into the build context: {message}")]
    Context {
        /// The service.
        service: String,
        /// The input.
        path: String,
        /// Why.
        message: String,
    },
}

impl BuildError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            BuildError::Failed { service, dockerfile, .. } => Some(format!(
                "fix the failing step in `{dockerfile}` (its output is above), then run `dockwright build {service}`"
            )),
            BuildError::Context { .. } => None,
        }
    }

    /// Whether this is a failing Dockerfile step (exit code 5) rather than a local problem.
    pub fn is_build_failure(&self) -> bool {
        matches!(self, BuildError::Failed { .. })
    }
}

/// Where build progress goes.
pub trait Progress {
    /// A step started (`Step 2/5 : COPY requirements.txt /deps/`).
    fn step(&mut self, service: &str, step: &str);
    /// A line of the step's output.
    fn output(&mut self, service: &str, line: &str);
    /// The build ended.
    fn finish(&mut self, service: &str, ok: bool);
}

/// Progress that goes nowhere.
pub struct Quiet;

impl Progress for Quiet {
    fn step(&mut self, _: &str, _: &str) {}
    fn output(&mut self, _: &str, _: &str) {}
    fn finish(&mut self, _: &str, _: bool) {}
}

/// What a build did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The service.
    pub service: String,
    /// `repository:tag`.
    pub image: String,
    /// The image id.
    pub id: String,
    /// The fingerprint.
    pub fingerprint: String,
    /// False when the image already existed and nothing was built.
    pub built: bool,
    /// Wall time.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// Builds the runtime image of an analysed service from `tree`, unless it exists.
pub async fn build(
    project: &Project,
    analysis: &Analysis,
    tree: &Tree<'_>,
    engine: &Engine,
    progress: &mut dyn Progress,
) -> Result<Outcome> {
    let started = Instant::now();
    let image = analysis.image();
    let service = analysis.service.name.clone();
    if let Some(info) = engine.image(&image).await? {
        if info.labels.get(labels::FINGERPRINT) == Some(&analysis.fingerprint) {
            return Ok(Outcome {
                service,
                image,
                id: info.id,
                fingerprint: analysis.fingerprint.clone(),
                built: false,
                duration: started.elapsed(),
            });
        }
    }
    // One build per fingerprint at a time (CLI, hooks' background build, `up`'s watcher):
    // whoever waited finds the image that the holder built.
    let common = project.repo.common_dir();
    let _lock = match crate::buildlock::try_lock(common, &analysis.fingerprint)? {
        Some(lock) => lock,
        None => {
            progress.output(
                &service,
                &format!("waiting for another build of `{image}` (same fingerprint) to end"),
            );
            let lock = crate::buildlock::lock(common, &analysis.fingerprint).await?;
            if let Some(info) = engine.image(&image).await? {
                if info.labels.get(labels::FINGERPRINT) == Some(&analysis.fingerprint) {
                    return Ok(Outcome {
                        service,
                        image,
                        id: info.id,
                        fingerprint: analysis.fingerprint.clone(),
                        built: false,
                        duration: started.elapsed(),
                    });
                }
            }
            lock
        }
    };
    let context = context_tar(analysis, tree)?;
    let mut label_map: HashMap<String, String> = HashMap::new();
    label_map.insert(labels::FINGERPRINT.into(), analysis.fingerprint.clone());
    label_map.insert(labels::SERVICE.into(), service.clone());
    label_map.insert(labels::PROJECT.into(), project.name.clone());
    label_map.insert(
        labels::INPUTS.into(),
        serde_json::to_string(&analysis.hashes()).unwrap_or_default(),
    );
    label_map.insert(labels::VERSION.into(), VERSION.into());
    label_map.insert(
        "org.opencontainers.image.title".into(),
        format!("{} {} runtime", project.name, service),
    );
    label_map.insert(
        "org.opencontainers.image.description".into(),
        format!("runtime image of service `{service}`, built by dockwright {VERSION}"),
    );
    if let Some(commit) = tree.commit_id().or_else(|| project.repo.head()) {
        label_map.insert(
            "org.opencontainers.image.revision".into(),
            commit.to_string(),
        );
    }
    let dockerfile = analysis.inputs.dockerfile_in_context.clone();
    let mut options = bollard::query_parameters::BuildImageOptionsBuilder::default()
        .dockerfile(&dockerfile)
        .t(&image)
        .rm(true)
        .forcerm(true)
        .labels(&label_map)
        .buildargs(&analysis.service.build_args.clone().into_iter().collect())
        .build();
    if let Some(target) = &analysis.service.target {
        options.target = target.clone();
    }
    let mut stream =
        engine
            .docker()
            .build_image(options, None, Some(bollard::body_full(context.into())));
    let mut step: Option<String> = None;
    let mut id = String::new();
    let mut failure: Option<String> = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => {
                if let Some(detail) = info.error_detail {
                    failure = Some(detail.message.unwrap_or_default());
                    break;
                }
                if let Some(text) = info.stream {
                    for line in text.lines() {
                        let line = line.trim_end();
                        if line.starts_with("Step ") && line.contains(" : ") {
                            step = Some(line.to_string());
                            progress.step(&service, line);
                        } else if !line.is_empty() {
                            progress.output(&service, line);
                        }
                    }
                }
                if let Some(aux) = info.aux {
                    if let Some(got) = aux.id {
                        id = got;
                    }
                }
            }
            Err(bollard::errors::Error::DockerStreamError { error }) => {
                failure = Some(error);
                break;
            }
            Err(e) => {
                let err = engine.error(format!("build `{image}`"), e);
                if let EngineError::Call { message, .. } = &err {
                    failure = Some(message.clone());
                    break;
                }
                progress.finish(&service, false);
                return Err(err.into());
            }
        }
    }
    progress.finish(&service, failure.is_none());
    if let Some(message) = failure {
        return Err(BuildError::Failed {
            service,
            step,
            message: message.trim().to_string(),
            dockerfile: analysis.service.dockerfile.clone(),
        }
        .into());
    }
    if id.is_empty() {
        id = engine
            .image(&image)
            .await?
            .map(|i| i.id)
            .unwrap_or_default();
    }
    Ok(Outcome {
        service,
        image,
        id,
        fingerprint: analysis.fingerprint.clone(),
        built: true,
        duration: started.elapsed(),
    })
}

/// The build context: a tar of exactly the inputs (and the Dockerfile), with fixed owners and
/// times so that the same inputs always give the same bytes.
pub fn context_tar(analysis: &Analysis, tree: &Tree<'_>) -> Result<Vec<u8>> {
    let service = &analysis.service;
    let mut builder = tar::Builder::new(Vec::new());
    let fail = |path: &str, message: String| -> Error {
        BuildError::Context {
            service: service.name.clone(),
            path: path.to_string(),
            message,
        }
        .into()
    };
    for input in &analysis.inputs.inputs {
        let repo_path = if input.path == OUTSIDE_DOCKERFILE
            || input.path == analysis.inputs.dockerfile_in_context
        {
            service.dockerfile.clone()
        } else {
            crate::inputs::join(&service.context, &input.path)
        };
        let mut header = tar::Header::new_gnu();
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        match input.kind {
            InputKind::Url => continue,
            InputKind::Symlink => {
                let target = match tree
                    .entry(&repo_path)
                    .map_err(|e| fail(&repo_path, e.to_string()))?
                {
                    Some(crate::tree::Entry::Symlink { target }) => target,
                    _ => return Err(fail(&repo_path, "is no longer a symlink".into())),
                };
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder
                    .append_link(&mut header, &input.path, &target)
                    .map_err(|e| fail(&repo_path, e.to_string()))?;
            }
            InputKind::File | InputKind::Executable => {
                let data = tree
                    .read(&repo_path)
                    .map_err(|e| fail(&repo_path, e.to_string()))?;
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(if input.kind == InputKind::Executable {
                    0o755
                } else {
                    0o644
                });
                header.set_size(data.len() as u64);
                builder
                    .append_data(&mut header, &input.path, data.as_slice())
                    .map_err(|e| fail(&repo_path, e.to_string()))?;
            }
        }
    }
    builder
        .into_inner()
        .map_err(|e| fail("(archive)", e.to_string()))
}
