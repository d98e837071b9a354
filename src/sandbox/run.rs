//! The orchestration of a test run: the snapshot, the services, and for each the image (built
//! when missing), the settings and the command, then the container.

use std::collections::BTreeMap;
use std::time::Instant;

use super::command;
use super::container::Container;
use super::payload;
use super::request::{Cancel, Output, Proven, Request, RunResult};
use super::settings::Settings;
use super::short;
use crate::build;
use crate::config::ServiceConfig;
use crate::engine::{Engine, ImageInfo};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::project::{Analysis, Project};
use crate::proofs::{self, KeyParts, Proof};
use crate::tree::Tree;

/// Runs the tests of every requested service. Stops at the first service that cannot be run;
/// a failing test is a result, not an error.
pub async fn run(
    project: &Project,
    engine: &Engine,
    request: &Request,
    out: &mut dyn Output,
    mut cancel: Cancel<'_>,
) -> Result<Vec<RunResult>> {
    let (tree, commit) = if request.worktree {
        (project.worktree(), "worktree".to_string())
    } else {
        let rev = request.rev.as_deref().unwrap_or("HEAD");
        let oid = project.repo.resolve(rev)?;
        let tree = Tree::commit(project.repo.git(), oid).map_err(crate::repo::RepoError::from)?;
        (tree, oid.to_string())
    };
    let config = if request.worktree {
        project.config.clone()
    } else {
        project.config_in(&tree)?
    };
    let services: Vec<ServiceConfig> = project
        .services(&config, &request.services)?
        .into_iter()
        .cloned()
        .collect();
    let listed = if request.worktree {
        Some(payload::worktree_files(project)?)
    } else {
        None
    };
    let store = proofs::Store::new(project.repo.common_dir());
    let (known, warning) = store.load();
    if let Some(warning) = warning {
        out.note(&format!("warning: {warning}"));
    }
    let proofs = Proofs { store, known };
    let mut results = Vec::new();
    for service in &services {
        let label = if services.len() > 1 {
            service.name.clone()
        } else {
            String::new()
        };
        let one = One {
            project,
            engine,
            request,
            tree: &tree,
            commit: &commit,
            service,
            label,
            listed: listed.as_deref(),
            proofs: &proofs,
        };
        let result = one.run(out, cancel.as_mut()).await?;
        out.finished(&result);
        results.push(result);
    }
    Ok(results)
}

pub(super) struct Prepared {
    pub(super) analysis: Analysis,
    pub(super) image: String,
    pub(super) settings: Settings,
    pub(super) argv: Vec<String>,
    /// The source is baked into the image (`--target`): nothing to upload.
    pub(super) baked: bool,
    /// The image's id.
    pub(super) image_id: String,
}

pub(super) struct One<'a> {
    pub(super) project: &'a Project,
    pub(super) engine: &'a Engine,
    pub(super) request: &'a Request,
    pub(super) tree: &'a Tree<'a>,
    pub(super) commit: &'a str,
    pub(super) service: &'a ServiceConfig,
    /// Output prefix when several services run.
    pub(super) label: String,
    pub(super) listed: Option<&'a [String]>,
    pub(super) proofs: &'a Proofs,
}

/// The repository's proofs, read once per run.
pub(super) struct Proofs {
    store: proofs::Store,
    known: BTreeMap<String, Proof>,
}

impl One<'_> {
    async fn run(&self, out: &mut dyn Output, mut cancel: Cancel<'_>) -> Result<RunResult> {
        let started = Instant::now();
        // Building can take minutes: Ctrl-C must stop it too (dropping the request ends the build).
        let prepared = tokio::select! {
            prepared = self.prepare(out) => prepared?,
            _ = cancel.as_mut() => return Err(self.interrupted()),
        };
        let Prepared {
            analysis,
            image,
            settings,
            argv,
            baked,
            image_id,
        } = prepared;
        // The payload's hash is part of the key. It reads no content of a commit (blob ids), so
        // a proven run costs a tree walk; the archive is made only for a run.
        // A commit's payload whose source a proof names has that proof's hash.
        let source = match self.listed {
            None => payload::source(self.tree, self.service),
            Some(_) => None,
        };
        let digest = match source
            .as_deref()
            .and_then(|s| proofs::payload_of(&self.proofs.known, s))
        {
            Some(known) => known.to_string(),
            None => payload::digest(self.tree, self.service, self.listed)?.digest,
        };
        let settings_json = serde_json::to_string(&settings).unwrap_or_default();
        let key = KeyParts {
            service: &self.service.name,
            fingerprint: &analysis.fingerprint,
            image_id: &image_id,
            payload: &digest,
            command: &argv,
            settings: &settings_json,
            target: self.request.target.as_deref(),
        }
        .key();
        // `--keep` asks for a container to inspect: it runs.
        if !self.request.rerun && !self.request.keep {
            if let Some(proof) = self.proofs.known.get(&key) {
                return Ok(RunResult {
                    commit: self.commit.to_string(),
                    service: self.service.name.clone(),
                    image,
                    exit_code: 0,
                    duration: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
                    passed: true,
                    container: None,
                    // Nothing was shipped.
                    files: 0,
                    bytes: 0,
                    relaxed: settings.relaxed.clone(),
                    cached: true,
                    proven: Some(Proven {
                        commit: proof.commit.clone(),
                        when: proof.when,
                    }),
                });
            }
        }
        // A baked image's workdir is the stage's own business, its files included.
        let base = if baked {
            image.clone()
        } else {
            self.writable_workdir(&image, &image_id, &settings).await?
        };
        let mut container = Container::create(self, &analysis, &base, &settings, &argv).await?;
        let result = self
            .drive(
                &mut container,
                &image,
                &settings,
                baked,
                out,
                cancel,
                started,
            )
            .await;
        match (&result, self.request.keep) {
            (Ok(_), true) => container.keep(),
            _ => container.remove().await,
        }
        // Only a run that passed, after its container is gone.
        if let Some(passed) = result.as_ref().ok().filter(|r| r.passed) {
            let proof = Proof {
                commit: self.commit.to_string(),
                service: self.service.name.clone(),
                image: image.clone(),
                image_id: image_id.clone(),
                when: proofs::now(),
                duration: passed.duration,
                payload: digest,
                source,
            };
            if let Err(e) = self.proofs.store.record(&key, proof) {
                out.note(&format!(
                    "warning: the pass is not recorded as a proof: {}",
                    e.render()
                ));
            }
        }
        result
    }

    pub(super) fn interrupted(&self) -> Error {
        Error::Message {
            message: format!(
                "the test run of `{}` was interrupted; nothing was left behind",
                self.service.name
            ),
            help: None,
            exit: Exit::Interrupted,
        }
    }

    async fn prepare(&self, out: &mut dyn Output) -> Result<Prepared> {
        let analysis = self.project.analyze(self.service, self.tree)?;
        for warning in &analysis.inputs.warnings {
            out.note(&format!("warning: {warning}"));
        }
        // The usual case, the runtime image exists: one inspect says so and gives its user and
        // workdir (going through a build would inspect it twice).
        let (image, baked, existing) = match &self.request.target {
            Some(stage) => (self.build_target(stage, out).await?, true, None),
            None => match self.engine.image(&analysis.image()).await? {
                Some(info) => (analysis.image(), false, Some(info)),
                None => {
                    let outcome =
                        build::build(self.project, &analysis, self.tree, self.engine, out).await?;
                    if outcome.built {
                        out.note(&format!(
                            "built runtime image {} for {}",
                            outcome.image,
                            short(self.commit)
                        ));
                    }
                    (outcome.image, false, None)
                }
            },
        };
        let info: ImageInfo = match existing {
            Some(info) => info,
            None => self.engine.image(&image).await?.ok_or_else(|| {
                Error::msg(
                    format!("image `{image}` vanished before the test run"),
                    "run the tests again",
                )
            })?,
        };
        let mut settings = Settings::new(&self.service.sandbox, &info.user, &info.workdir);
        if let Some(timeout) = self.request.timeout {
            settings.timeout = timeout;
        }
        // Never silent: one line per weakened default, on every run, verbose or not.
        for relaxation in &settings.relaxed {
            out.note(&format!(
                "service `{}` relaxes the sandbox: {relaxation}",
                self.service.name
            ));
        }
        let (argv, origin) = command::resolve(self.service, self.tree, &self.request.command)?;
        if self.request.verbose {
            out.note(&format!(
                "service `{}`: image {image}, command `{}` (from {origin})",
                self.service.name,
                argv.join(" ")
            ));
            for line in settings.describe() {
                out.note(&format!("  {line}"));
            }
        }
        Ok(Prepared {
            analysis,
            image,
            settings,
            argv,
            baked,
            image_id: info.id,
        })
    }
}
