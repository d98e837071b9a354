//! Building one runtime image: send exactly the inputs as the build context, tag the image by its
//! fingerprint and label it, or say that the image already exists.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::engine::build::{BuildEvent, BuildFailure, BuildRequest, Builder};
use crate::engine::Engine;
use crate::error::{Diagnostic, Error, Result};
use crate::exit::Exit;
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
    /// The engine has no BuildKit and the Dockerfile needs it.
    #[error("service `{service}`: `{dockerfile}` line {line} needs BuildKit ({feature}), which this engine does not have: `{instruction}`")]
    NeedsBuildKit {
        /// The service.
        service: String,
        /// The Dockerfile.
        dockerfile: String,
        /// 1-based line.
        line: usize,
        /// The instruction.
        instruction: String,
        /// What needs BuildKit.
        feature: String,
    },
    /// The engine's built-in Dockerfile frontend is older than the syntax the Dockerfile uses.
    #[error("service `{service}`: `{dockerfile}` line {line}: this engine's built-in Dockerfile frontend does not understand {feature}: `{instruction}` ({message})")]
    FrontendTooOld {
        /// The service.
        service: String,
        /// The Dockerfile.
        dockerfile: String,
        /// 1-based line of the instruction.
        line: usize,
        /// The instruction.
        instruction: String,
        /// What it does not understand.
        feature: String,
        /// The engine's words.
        message: String,
    },
    /// The `# syntax=` directive names a frontend image the engine could not get.
    #[error("service `{service}`: `{dockerfile}` line {line}: the engine cannot get the Dockerfile frontend `{frontend}` that `# syntax=` asks for: {message}")]
    Frontend {
        /// The service.
        service: String,
        /// The Dockerfile.
        dockerfile: String,
        /// 1-based line of the directive.
        line: usize,
        /// The frontend image.
        frontend: String,
        /// The engine's words.
        message: String,
    },
    /// `DOCKWRIGHT_BUILDER` has a value that names no builder.
    #[error("{var}=`{value}` names no builder")]
    BuilderVar {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// A configured build secret has no value to give.
    #[error("service `{service}`: build secret `{id}` comes from {source_text}, {problem}")]
    Secret {
        /// The service.
        service: String,
        /// The secret's id.
        id: String,
        /// Where it comes from, in words.
        source_text: String,
        /// What is wrong with that.
        problem: String,
        /// The fix.
        fix: String,
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

impl Diagnostic for BuildError {
    fn help(&self) -> Option<String> {
        match self {
            BuildError::Failed { service, dockerfile, .. } => Some(format!(
                "fix the failing step in `{dockerfile}` (its output is above), then run `dockwright build {service}`"
            )),
            BuildError::NeedsBuildKit { dockerfile, .. } => Some(format!(
                "use an engine with BuildKit (Docker Engine 18.09 or later; unset {} if it says `legacy`), or write that instruction in the legacy builder's syntax in `{dockerfile}`",
                crate::env::BUILDER
            )),
            BuildError::FrontendTooOld { dockerfile, .. } => Some(format!(
                "update the engine (Docker Engine 23 and later understand heredocs and `COPY --link`), add `# syntax=docker/dockerfile:1` at the top of `{dockerfile}` where the engine can pull that frontend image, or write the instruction without it"
            )),
            BuildError::Frontend { dockerfile, frontend, .. } => Some(format!(
                "remove the `# syntax=` line from `{dockerfile}` (the engine's built-in Dockerfile frontend then reads it), or make `{frontend}` available to the engine (`docker pull {frontend}` where a registry is reachable)"
            )),
            BuildError::BuilderVar { var, .. } => Some(format!(
                "set {var} to `buildkit` or `legacy`, or unset it to use BuildKit when the engine has it"
            )),
            BuildError::Secret { fix, .. } => Some(fix.clone()),
            BuildError::Context { .. } => None,
        }
    }

    /// A failing Dockerfile step (or frontend) is exit code 5; a local problem is a plain failure.
    fn exit(&self) -> Exit {
        match self {
            BuildError::Failed { .. } | BuildError::Frontend { .. } => Exit::BuildFailed,
            _ => Exit::Failure,
        }
    }
}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Error {
        Error::Action(Box::new(e))
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
    /// A step event of the builder (BuildKit's steps carry their timing and cache hits). By
    /// default a started step is a [`Progress::step`] and its lines are [`Progress::output`].
    fn event(&mut self, service: &str, event: &BuildEvent) {
        match event {
            BuildEvent::Started { name, .. } => self.step(service, name),
            BuildEvent::Output { line, .. } => self.output(service, line),
            BuildEvent::Done { .. } => {}
        }
    }
    /// One line about how the build is made (the legacy builder on an engine without
    /// BuildKit).
    fn notice(&mut self, _service: &str, _text: &str) {}
    /// Something the user should know about the service's inputs (a URL source), said before
    /// its build starts.
    fn warning(&mut self, service: &str, text: &str) {
        let _ = (service, text);
    }
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

/// Where each configured build secret is read from, checked to have a value (the value itself
/// is read only by the build session, when a step mounts it).
fn secret_sources(
    project: &Project,
    analysis: &Analysis,
) -> Result<Vec<(String, crate::engine::build::SecretSource)>> {
    use crate::config::SecretConfig;
    use crate::engine::build::SecretSource;
    let service = &analysis.service;
    let mut sources = Vec::new();
    for (id, source) in &service.build.secrets {
        let fail = |source_text: String, problem: &str, fix: String| -> Error {
            BuildError::Secret {
                service: service.name.clone(),
                id: id.clone(),
                source_text,
                problem: problem.to_string(),
                fix,
            }
            .into()
        };
        match source {
            SecretConfig::Env(var) => {
                if std::env::var_os(var).is_none() {
                    return Err(fail(
                        format!("the environment variable `{var}`"),
                        "which is not set",
                        format!("set {var} for the build, or remove `{id}` from `secrets` of service `{}` in dockwright.toml", service.name),
                    ));
                }
                sources.push((id.clone(), SecretSource::Env(var.clone())));
            }
            SecretConfig::File(path) => {
                let full = project.repo.root().join(path);
                if !full.is_file() {
                    return Err(fail(
                        format!("the file `{}`", full.display()),
                        "which does not exist",
                        format!("create `{path}` (keep it out of git), or remove `{id}` from `secrets` of service `{}` in dockwright.toml", service.name),
                    ));
                }
                sources.push((id.clone(), SecretSource::File(full)));
            }
        }
    }
    Ok(sources)
}

/// The builder to use: the one `DOCKWRIGHT_BUILDER` names, else BuildKit when the engine has it.
async fn choose_builder(engine: &Engine) -> Result<Builder> {
    match std::env::var(crate::env::BUILDER).as_deref() {
        Ok("legacy") => Ok(Builder::Legacy),
        Ok("buildkit") => Ok(Builder::BuildKit),
        Ok("") | Err(std::env::VarError::NotPresent) => Ok(engine.builder().await?),
        Ok(other) => Err(BuildError::BuilderVar {
            var: crate::env::BUILDER,
            value: other.to_string(),
        }
        .into()),
        Err(std::env::VarError::NotUnicode(value)) => Err(BuildError::BuilderVar {
            var: crate::env::BUILDER,
            value: value.to_string_lossy().into_owned(),
        }
        .into()),
    }
}

/// The BuildKit-only instruction a frontend's parse error points at, when the frontend is
/// older than the syntax (`dockerfile parse error line 3: unknown instruction: ECHO` for a
/// heredoc's body, `Unknown flag: link`): the error's line is in that instruction.
fn too_old(
    message: &str,
    text: &str,
    dockerfile: &crate::dockerfile::Dockerfile,
) -> Option<crate::dockerfile::buildkit::BuildKitOnly> {
    let (_, rest) = message.split_once("dockerfile parse error line ")?;
    let line: usize = rest
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    crate::dockerfile::buildkit::all_buildkit_only(text, dockerfile)
        .into_iter()
        .filter(|found| found.line <= line)
        .max_by_key(|found| found.line)
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
    let builder = choose_builder(engine).await?;
    let dockerfile_text = || {
        tree.read(&analysis.service.dockerfile)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    };
    if builder == Builder::Legacy {
        let text = dockerfile_text();
        if let Some(found) =
            crate::dockerfile::buildkit::buildkit_only(&text, &analysis.inputs.dockerfile)
        {
            return Err(BuildError::NeedsBuildKit {
                service,
                dockerfile: analysis.service.dockerfile.clone(),
                line: found.line,
                instruction: found.instruction,
                feature: found.feature,
            }
            .into());
        }
        if std::env::var_os(crate::env::BUILDER).is_none() {
            progress.notice(
                &service,
                "this engine has no BuildKit: building with its legacy builder",
            );
        }
    }
    let secrets = secret_sources(project, analysis)?;
    let settings = &analysis.service.build;
    let request = BuildRequest {
        tag: image.clone(),
        dockerfile: analysis.inputs.dockerfile_in_context.clone(),
        context,
        labels: label_map,
        build_args: analysis.service.build_args.clone().into_iter().collect(),
        target: analysis.service.target.clone(),
        secrets,
        cache_from: settings.cache_from.clone(),
        cache_to: settings.cache_to.clone(),
    };
    let result = engine
        .build(builder, request, &mut |event| {
            progress.event(&service, &event)
        })
        .await;
    progress.finish(&service, result.is_ok());
    match result {
        Ok(()) => {}
        Err(BuildFailure::Engine(e)) => return Err(e.into()),
        Err(BuildFailure::Failed { step, message }) => {
            let text = dockerfile_text();
            if let Some((line, frontend)) = crate::dockerfile::buildkit::syntax(&text) {
                // A frontend that never ran: its image could not be had.
                let named = |text: &str| text.contains(frontend.split(':').next().unwrap_or(""));
                if step.is_none() || named(&message) || step.as_deref().is_some_and(named) {
                    return Err(BuildError::Frontend {
                        service,
                        dockerfile: analysis.service.dockerfile.clone(),
                        line,
                        frontend,
                        message: message.trim().to_string(),
                    }
                    .into());
                }
            }
            if let Some(found) = too_old(&message, &text, &analysis.inputs.dockerfile) {
                return Err(BuildError::FrontendTooOld {
                    service,
                    dockerfile: analysis.service.dockerfile.clone(),
                    line: found.line,
                    instruction: found.instruction,
                    feature: found.feature,
                    message: message.trim().to_string(),
                }
                .into());
            }
            return Err(BuildError::Failed {
                service,
                step,
                message: message.trim().to_string(),
                dockerfile: analysis.service.dockerfile.clone(),
            }
            .into());
        }
    }
    let id = engine
        .image(&image)
        .await?
        .map(|i| i.id)
        .unwrap_or_default();
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
