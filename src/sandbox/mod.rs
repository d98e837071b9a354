//! Clean test runs: the tests of exactly one commit, in a fresh container made from that
//! commit's runtime image, hardened, with nothing of the host in it, and removed afterwards
//! whatever happens (failure, timeout, Ctrl-C, SIGTERM, panic).

pub mod command;
pub mod gc;
pub mod payload;
pub mod pre_push;
pub mod settings;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder,
    UploadToContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use futures_util::StreamExt;

pub use pre_push::pre_push;

use crate::build::{self, Progress};
use crate::config::ServiceConfig;
use crate::engine::{Engine, ImageInfo};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::project::{labels, Analysis, Project};
use crate::tree::Tree;
use settings::Settings;

/// Label on test containers: the pid of the dockwright that owns the run.
pub const PID_LABEL: &str = "dev.dockwright.pid";
/// Label on test containers: the host that owns the run.
pub const HOST_LABEL: &str = "dev.dockwright.host";
/// Label on containers kept with `--keep`.
pub const KEEP_LABEL: &str = "dev.dockwright.keep";
/// How long cleanup calls may take: removal must finish even on a loaded engine.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(60);

/// What to test and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The commit to test (default `HEAD`); ignored with `worktree`.
    pub rev: Option<String>,
    /// Test the working tree (tracked plus untracked-not-ignored files) instead of a commit.
    pub worktree: bool,
    /// Services to test (default all).
    pub services: Vec<String>,
    /// Leave the container for inspection.
    pub keep: bool,
    /// Overrides the service's timeout.
    pub timeout: Option<Duration>,
    /// Overrides the test command.
    pub command: Vec<String>,
    /// Build this stage of the service's multi-stage `Dockerfile` from the commit's files and
    /// run the tests in it, instead of the runtime image with the source uploaded.
    pub target: Option<String>,
    /// Print the effective settings.
    pub verbose: bool,
}

/// Where a run's output goes.
pub trait Output: Progress {
    /// Bytes the test wrote to its stdout.
    fn stdout(&mut self, service: &str, bytes: &[u8]);
    /// Bytes the test wrote to its stderr.
    fn stderr(&mut self, service: &str, bytes: &[u8]);
    /// A line from dockwright itself.
    fn note(&mut self, text: &str);
}

/// The result of testing one service at one commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunResult {
    /// The commit tested, or `worktree`.
    pub commit: String,
    /// The service.
    pub service: String,
    /// The image the tests ran in.
    pub image: String,
    /// The test command's exit code.
    pub exit_code: i64,
    /// Wall time, in seconds.
    pub duration: f64,
    /// Whether the exit code was 0.
    pub passed: bool,
    /// The container, when kept.
    pub container: Option<String>,
    /// Files shipped into the container.
    pub files: usize,
    /// Bytes shipped into the container.
    pub bytes: u64,
}

/// A future that resolves when the run must stop (Ctrl-C, SIGTERM, the plugin's signal).
pub type Cancel<'a> = Pin<&'a mut (dyn Future<Output = ()> + Send)>;

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
        };
        results.push(one.run(out, cancel.as_mut()).await?);
    }
    Ok(results)
}

struct Prepared {
    analysis: Analysis,
    image: String,
    settings: Settings,
    argv: Vec<String>,
    /// The source is baked into the image (`--target`): nothing to upload.
    baked: bool,
}

struct One<'a> {
    project: &'a Project,
    engine: &'a Engine,
    request: &'a Request,
    tree: &'a Tree<'a>,
    commit: &'a str,
    service: &'a ServiceConfig,
    /// Output prefix when several services run.
    label: String,
    listed: Option<&'a [String]>,
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
        } = prepared;
        let mut container = Container::create(self, &analysis, &image, &settings, &argv).await?;
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
        result
    }

    fn interrupted(&self) -> Error {
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
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn drive(
        &self,
        container: &mut Container,
        image: &str,
        settings: &Settings,
        baked: bool,
        out: &mut dyn Output,
        mut cancel: Cancel<'_>,
        started: Instant,
    ) -> Result<RunResult> {
        let docker = self.engine.docker();
        let id = container.id.clone();
        let (mut files, mut bytes) = (0, 0);
        if !baked {
            let owner = match settings::numeric_ids(&settings.user) {
                Some(ids) => ids,
                None => self.lookup_owner(&id, &settings.user).await,
            };
            let payload = payload::pack(self.tree, self.service, self.listed, owner)?;
            for warning in &payload.warnings {
                out.note(&format!("warning: {warning}"));
            }
            files = payload.files;
            bytes = payload.bytes;
            let options = UploadToContainerOptionsBuilder::default()
                .path(&settings.workdir)
                .build();
            self.engine
                .quick(
                    format!("copy the source into `{}`", settings.workdir),
                    docker.upload_to_container(
                        &id,
                        Some(options),
                        bollard::body_full(payload.tar.into()),
                    ),
                )
                .await?;
        }
        let attach = AttachContainerOptionsBuilder::default()
            .stream(true)
            .stdout(true)
            .stderr(true)
            .build();
        let mut output = self
            .engine
            .quick(
                "attach to the test container",
                docker.attach_container(&id, Some(attach)),
            )
            .await?
            .output;
        self.engine
            .quick(
                "start the test container",
                docker.start_container(&id, None),
            )
            .await?;

        let wait_options = WaitContainerOptionsBuilder::default()
            .condition("not-running")
            .build();
        let mut wait = docker.wait_container(&id, Some(wait_options));
        let deadline = tokio::time::sleep(settings.timeout);
        tokio::pin!(deadline);
        let mut code: Option<i64> = None;
        let mut output_done = false;
        while code.is_none() || !output_done {
            tokio::select! {
                biased;
                _ = cancel.as_mut() => {
                    out.note(&format!("interrupted: removing the test container of `{}`", self.service.name));
                    return Err(self.interrupted());
                }
                _ = &mut deadline => {
                    return Err(Error::Message {
                        message: format!(
                            "the test run of `{}` at {} did not finish within {}s; its container was removed",
                            self.service.name, short(self.commit), settings.timeout.as_secs()
                        ),
                        help: Some(format!(
                            "raise `timeout` under [services.{}.sandbox] in dockwright.toml, or pass `--timeout`",
                            self.service.name
                        )),
                        exit: Exit::Timeout,
                    });
                }
                chunk = output.next(), if !output_done => match chunk {
                    Some(Ok(LogOutput::StdOut { message })) | Some(Ok(LogOutput::Console { message })) => {
                        out.stdout(&self.label, &message)
                    }
                    Some(Ok(LogOutput::StdErr { message })) => out.stderr(&self.label, &message),
                    Some(Ok(LogOutput::StdIn { .. })) => {}
                    Some(Err(_)) | None => output_done = true,
                },
                status = wait.next(), if code.is_none() => {
                    code = Some(match status {
                        Some(Ok(response)) => response.status_code,
                        Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
                        Some(Err(e)) => return Err(self.engine.error("wait for the test container", e).into()),
                        None => return Err(self.engine.unavailable("the wait for the test container ended early".into()).into()),
                    });
                }
            }
        }
        let exit_code = code.unwrap_or(-1);
        Ok(RunResult {
            commit: self.commit.to_string(),
            service: self.service.name.clone(),
            image: image.to_string(),
            exit_code,
            duration: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
            passed: exit_code == 0,
            container: self.request.keep.then(|| id.clone()),
            files,
            bytes,
        })
    }

    /// The uid and gid of a named user, read from the image's `/etc/passwd` and `/etc/group`.
    async fn lookup_owner(&self, id: &str, user: &str) -> (u64, u64) {
        let passwd = self
            .read_container_file(id, "/etc/passwd")
            .await
            .unwrap_or_default();
        let group = self
            .read_container_file(id, "/etc/group")
            .await
            .unwrap_or_default();
        settings::lookup_ids(user, &passwd, &group).unwrap_or((1000, 1000))
    }

    async fn read_container_file(&self, id: &str, path: &str) -> Option<String> {
        let options = bollard::query_parameters::DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let mut stream = self
            .engine
            .docker()
            .download_from_container(id, Some(options));
        let mut data = Vec::new();
        while let Some(chunk) = stream.next().await {
            data.extend_from_slice(&chunk.ok()?);
        }
        let mut archive = tar::Archive::new(data.as_slice());
        let mut entry = archive.entries().ok()?.next()?.ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).ok()?;
        Some(text)
    }

    /// `--target`: builds a stage of the service's multi-stage `Dockerfile` from the commit's files.
    async fn build_target(&self, stage: &str, out: &mut dyn Output) -> Result<String> {
        let dockerfile = crate::inputs::join(&self.service.context, "Dockerfile");
        let target_service = ServiceConfig {
            dockerfile: dockerfile.clone(),
            target: Some(stage.to_string()),
            image: Some(format!(
                "{}-{}-{}",
                self.project.name,
                self.service.name,
                crate::repo::sanitize_name(stage)
            )),
            ..self.service.clone()
        };
        // The stage's inputs are what its COPY instructions read, usually the whole context.
        let analysis = self.project.analyze(&target_service, self.tree)?;
        let outcome = build::build(self.project, &analysis, self.tree, self.engine, out).await?;
        out.note(&format!(
            "{} stage `{stage}` of `{dockerfile}` as {}",
            if outcome.built { "built" } else { "reused" },
            outcome.image
        ));
        Ok(outcome.image)
    }
}

/// A test container; removed on every path, including a panic (its Drop cleans up when the
/// async cleanup did not run).
struct Container {
    id: String,
    engine: Engine,
    done: bool,
}

impl Container {
    async fn create(
        one: &One<'_>,
        analysis: &Analysis,
        image: &str,
        settings: &Settings,
        argv: &[String],
    ) -> Result<Container> {
        let run_id = run_id();
        let mut label_map: HashMap<String, String> = HashMap::new();
        label_map.insert(labels::RUN.into(), run_id.clone());
        label_map.insert(labels::PROJECT.into(), one.project.name.clone());
        label_map.insert(labels::SERVICE.into(), one.service.name.clone());
        label_map.insert(labels::COMMIT.into(), one.commit.to_string());
        label_map.insert(labels::FINGERPRINT.into(), analysis.fingerprint.clone());
        label_map.insert(PID_LABEL.into(), std::process::id().to_string());
        label_map.insert(HOST_LABEL.into(), hostname());
        if one.request.keep {
            label_map.insert(KEEP_LABEL.into(), "1".into());
        }
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(argv.to_vec()),
            user: Some(settings.user.clone()),
            working_dir: Some(settings.workdir.clone()),
            env: Some(
                settings
                    .env
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
            ),
            labels: Some(label_map),
            // An anonymous volume at the workdir: writable on a read-only root, filled by the
            // upload before start, and removed with the container.
            volumes: Some(vec![settings.workdir.clone()]),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(false),
            host_config: Some(settings.host_config(false)),
            ..ContainerCreateBody::default()
        };
        let name = format!(
            "dockwright-{}-{}-{}",
            one.project.name, one.service.name, run_id
        );
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        let created = one
            .engine
            .quick(
                format!("create the test container from `{image}`"),
                one.engine.docker().create_container(Some(options), body),
            )
            .await?;
        Ok(Container {
            id: created.id,
            engine: one.engine.clone(),
            done: false,
        })
    }

    fn keep(&mut self) {
        self.done = true;
    }

    async fn remove(&mut self) {
        remove_container(&self.engine, &self.id).await;
        self.done = true;
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A panic or an early return: the runtime may be unwinding, so clean up on a thread
        // of its own with a runtime of its own, and wait for it.
        let engine = self.engine.clone();
        let id = self.id.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(remove_container(&engine, &id));
            }
        })
        .join();
    }
}

/// Removes a container and its anonymous volumes, killing it first if it runs.
pub async fn remove_container(engine: &Engine, id: &str) {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    let _ = tokio::time::timeout(
        CLEANUP_TIMEOUT,
        engine.docker().remove_container(id, Some(options)),
    )
    .await;
}

fn run_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:x}{:04x}",
        (nanos / 1_000_000) as u64 & 0xffff_ffff,
        std::process::id() & 0xffff
    )
}

/// This machine's name, to tell our runs from another machine's on a shared engine.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The first 12 characters of a commit id.
pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
