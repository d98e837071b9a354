//! `dockwright up`: the one loop. Make each service's runtime image fresh (build it if not),
//! start compose on those images, then watch exactly the inputs by content: a change builds the
//! new image in the background while the old container serves, and recreates the container on
//! it when the build succeeds.
//!
//! Compose is run as [`compose`] says (the image link, v2 or v1). Without `--detach` and with
//! the watch, compose starts the services detached and dockwright follows their logs
//! (`compose logs -f`, prefixed and coloured by compose) so that it can recreate one service
//! and follow the new container: an attached `docker compose up` stops showing a container that
//! another compose command recreated. Ctrl-C then stops the services (`compose stop`, as an
//! attached `docker compose up` does), abandons a running build (the engine cancels it; the tag
//! is written only at its end, so no half-built image carries one) and ends with 130.
//!
//! A background build takes the fingerprint's lock ([`crate::buildlock`]), so the watcher and a
//! hook's background build (`on_stale = "build"`) never build the same fingerprint twice.

pub mod compose;
pub mod event;
pub mod watch;

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use tokio::signal::unix::Signal;

use crate::build::{Outcome, Progress};
use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::inputs::{diff, Change};
use crate::project::{labels, Analysis, Project};

pub use compose::Compose;
pub use event::{Event, Kind};

/// How often a lost engine is asked whether it answers again.
const ENGINE_RETRY: Duration = Duration::from_secs(2);

/// What `dockwright up` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Compose services to start (default: all of the compose file).
    pub services: Vec<String>,
    /// Watch the inputs and swap (false: `--no-watch`).
    pub watch: bool,
    /// Leave the services running and return (`--detach`; no watch).
    pub detach: bool,
    /// Compose's own output goes to stderr, so that stdout holds only events.
    pub events_only_on_stdout: bool,
}

/// Where the events go.
pub type Sink<'a> = &'a mut dyn FnMut(&Event);

/// The file a watching `up` holds locked, in the worktree's `.git/dockwright/`: the hooks ask it
/// whether a watch will rebuild and swap, and the kernel lets go of it when `up` ends, however.
const WATCHING_LOCK: &str = "up-watching.lock";

/// Whether a `dockwright up` watches the worktree whose git dir is `git_dir`.
pub fn is_watching(git_dir: &Path) -> bool {
    let path = git_dir
        .join(crate::hooks::background::DIR)
        .join(WATCHING_LOCK);
    match std::fs::File::open(&path) {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// Holds the watching lock (None when it cannot be had: the hooks only say less).
fn watching(state_dir: &Path) -> Option<std::fs::File> {
    std::fs::create_dir_all(state_dir).ok()?;
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(state_dir.join(WATCHING_LOCK))
        .ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// Runs `dockwright up` in the repository that contains `dir`; returns how the process ends.
/// Start-up builds report their steps to `progress`; everything else is an [`Event`] to `sink`.
/// The watch ends, stopping what it started, on SIGINT or SIGTERM or when `stop` resolves (the
/// plugin's Ctrl-C, or its stream dropped; [`crate::usecase::never`] for a face that has only
/// the signals).
pub fn run(
    dir: &Path,
    options: &Options,
    engine: Engine,
    sink: Sink<'_>,
    progress: &mut dyn Progress,
    stop: impl Future<Output = ()>,
) -> Result<Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::msg(
                format!("cannot start the async runtime: {e}"),
                "this is a bug; please report it",
            )
        })?;
    runtime.block_on(run_async(dir, options, engine, sink, progress, stop))
}

async fn run_async(
    dir: &Path,
    options: &Options,
    engine: Engine,
    sink: Sink<'_>,
    progress: &mut dyn Progress,
    stop: impl Future<Output = ()>,
) -> Result<Exit> {
    let mut stop = std::pin::pin!(stop);
    let project = Project::discover(dir)?;
    let root = project.repo.root().to_path_buf();
    let state_dir = project.repo.git_dir().join(crate::hooks::background::DIR);
    // The compose file compose itself would use from here: in this directory or the nearest
    // one above it, up to the repository root (a service scaffolded in `backend/` has its own).
    let compose_dir = dir
        .canonicalize()
        .ok()
        .and_then(|dir| {
            let root = root.canonicalize().ok()?;
            dir.ancestors()
                .take_while(|d| d.starts_with(&root))
                .find(|d| compose::find_file(d).is_some())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| root.clone());
    let mut compose = Compose::find(&compose_dir, state_dir.join("compose.up.yaml"))?;
    let tree = project.worktree();

    // Every dockwright service's image is set (compose interpolates the whole file), the ones
    // compose starts are made fresh.
    let mut analyses = BTreeMap::new();
    for service in &project.config.services {
        if let Ok(analysis) = project.analyze(service, &tree) {
            compose.set_image(&service.name, &analysis.image());
            analyses.insert(service.name.clone(), analysis);
        }
    }
    let compose_services = compose.services().await?;
    let chosen = choose(&project, &compose_services, &options.services)?;
    let mut running = BTreeMap::new();
    for name in &chosen {
        let service = project.services(&project.config, std::slice::from_ref(name))?[0];
        // Analysed again to report the error, if any, that the loop above passed over.
        let analysis = project.analyze(service, &tree)?;
        for warning in &analysis.inputs.warnings {
            eprintln!("warning: {warning}");
        }
        let image = analysis.image();
        if fresh(&engine, &analysis).await? {
            sink(&Event::new(Kind::Fresh).service(name).image(&image));
        } else {
            sink(&Event::new(Kind::Building).service(name).image(&image));
            let build = crate::build::build(&project, &analysis, &tree, &engine, &mut *progress);
            let outcome = tokio::select! {
                outcome = build => outcome?,
                _ = stop.as_mut() => {
                    return Err(crate::usecase::interrupted(format!("the build of `{image}`")));
                }
            };
            sink(
                &Event::new(Kind::Built)
                    .service(name)
                    .image(&image)
                    .duration(outcome.duration),
            );
        }
        running.insert(name.clone(), analysis);
    }
    let in_compose: Vec<String> = analyses
        .keys()
        .filter(|n| compose_services.contains(n))
        .cloned()
        .collect();
    compose.write_override(&in_compose)?;
    let out = Output::new(options.events_only_on_stdout)?;
    let args: Vec<&str> = options.services.iter().map(String::as_str).collect();

    if options.detach || !options.watch {
        let mut up = vec!["up", "--no-build"];
        if options.detach {
            up.push("-d");
        }
        up.extend(&args);
        let mut signals = signals()?;
        let mut child = compose
            .command(&up)
            .stdout(out.stdout()?)
            .spawn()
            .map_err(|e| Error::io("run", "docker compose", e))?;
        // Ctrl-C reaches compose too (same process group); it stops what it started. This
        // process only waits for it, and passes its exit code on.
        let status = loop {
            tokio::select! {
                status = child.wait() => break status.map_err(|e| Error::io("wait for", "docker compose", e))?,
                _ = signals.0.recv() => {}
                _ = signals.1.recv() => { let _ = child.start_kill(); }
                _ = signals.2.recv() => { let _ = child.start_kill(); }
            }
        };
        return Ok(match status.code() {
            Some(0) => {
                if options.detach {
                    sink(&Event::new(Kind::Started));
                }
                Exit::Success
            }
            Some(code) => Exit::Child(code),
            None => Exit::Interrupted,
        });
    }

    let signals = signals()?;
    let started_at = SystemTime::now() - Duration::from_secs(1);
    let mut up = vec!["up", "-d", "--no-build"];
    up.extend(&args);
    let status = compose
        .command(&up)
        .stdout(out.stderr()?)
        .status()
        .await
        .map_err(|e| Error::io("run", "docker compose", e))?;
    if !status.success() {
        return Ok(Exit::Child(status.code().unwrap_or(1)));
    }
    sink(&Event::new(Kind::Started));
    let followed: Vec<String> = if options.services.is_empty() {
        compose_services.clone()
    } else {
        options.services.clone()
    };
    let mut lp = Loop {
        root,
        state_dir,
        compose,
        engine,
        out,
        in_compose,
        running,
        followers: BTreeMap::new(),
        queue: VecDeque::new(),
        building: None,
        failed: BTreeMap::new(),
        invalid: false,
        engine_lost: false,
        signals,
    };
    for name in &followed {
        lp.follow(name, Some(started_at))?;
    }
    let watching = watching(&lp.state_dir);
    let result = lp.watch(sink, stop).await;
    drop(watching);
    // Whatever happened, what `up` started stops, as with an attached `docker compose up`.
    lp.building = None;
    lp.followers.clear();
    let mut stop = vec!["stop"];
    stop.extend(&args);
    let _ = lp
        .compose
        .command(&stop)
        .stdout(lp.out.stderr()?)
        .status()
        .await;
    sink(&Event::new(Kind::Stopped));
    result
}

/// SIGINT, SIGTERM and SIGHUP (the terminal closed): each stops what `up` started.
fn signals() -> Result<(Signal, Signal, Signal)> {
    use tokio::signal::unix::{signal, SignalKind};
    let int = signal(SignalKind::interrupt()).map_err(|e| Error::io("handle", "SIGINT", e))?;
    let term = signal(SignalKind::terminate()).map_err(|e| Error::io("handle", "SIGTERM", e))?;
    let hup = signal(SignalKind::hangup()).map_err(|e| Error::io("handle", "SIGHUP", e))?;
    Ok((int, term, hup))
}

/// The dockwright services that `up` builds and watches: those named (every name must be a
/// compose service), or every dockwright service that the compose file has.
fn choose(project: &Project, compose: &[String], names: &[String]) -> Result<Vec<String>> {
    let ours: Vec<&str> = project
        .config
        .services
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    if names.is_empty() {
        return Ok(ours
            .iter()
            .filter(|n| compose.iter().any(|c| c == *n))
            .map(|n| n.to_string())
            .collect());
    }
    let file = compose::FILE_NAMES[0];
    let mut chosen = Vec::new();
    for name in names {
        if !compose.contains(name) {
            let known = compose.iter().map(String::as_str);
            let help = match crate::suggest::closest(name, known) {
                Some(close) => format!(
                    "did you mean `{close}`? The compose services are: {}",
                    compose.join(", ")
                ),
                None => format!(
                    "the compose services are: {}; add `{name}` to the compose file to start it",
                    compose.join(", ")
                ),
            };
            return Err(Error::msg(
                format!("no compose service named `{name}` (in {file} or its variants)"),
                help,
            ));
        }
        if ours.contains(&name.as_str()) {
            chosen.push(name.clone());
        }
    }
    Ok(chosen)
}

/// Whether the image of `analysis` exists with its fingerprint.
async fn fresh(engine: &Engine, analysis: &Analysis) -> Result<bool> {
    Ok(engine
        .image(&analysis.image())
        .await?
        .is_some_and(|i| i.labels.get(labels::FINGERPRINT) == Some(&analysis.fingerprint)))
}

/// Where compose's output goes: stdout, or stderr when stdout carries JSON events.
struct Output {
    events_only: bool,
}

impl Output {
    fn new(events_only: bool) -> Result<Output> {
        Ok(Output { events_only })
    }

    fn stderr(&self) -> Result<Stdio> {
        use std::os::fd::AsFd;
        let fd = std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Error::io("duplicate", "stderr", e))?;
        Ok(Stdio::from(fd))
    }

    /// Whether compose's output goes to a terminal.
    fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        if self.events_only {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        }
    }

    fn stdout(&self) -> Result<Stdio> {
        if self.events_only {
            self.stderr()
        } else {
            Ok(Stdio::inherit())
        }
    }
}

type BuildFuture = Pin<Box<dyn Future<Output = (Analysis, Result<Outcome>)>>>;

/// The watch loop's state.
struct Loop {
    root: PathBuf,
    state_dir: PathBuf,
    compose: Compose,
    engine: Engine,
    out: Output,
    /// Dockwright services that the compose file has (their images are in the override).
    in_compose: Vec<String>,
    /// What each watched service's container runs.
    running: BTreeMap<String, Analysis>,
    /// `compose logs -f` per service.
    followers: BTreeMap<String, tokio::process::Child>,
    /// Images to build after the current one, one per service.
    queue: VecDeque<Analysis>,
    /// The background build under way, and the image it builds.
    building: Option<(Analysis, BuildFuture)>,
    /// The fingerprint whose build failed last, per service.
    failed: BTreeMap<String, String>,
    /// The project could not be read at the last check.
    invalid: bool,
    /// The engine did not answer at the last try.
    engine_lost: bool,
    /// SIGINT, SIGTERM and SIGHUP, listened to from the start so that none is missed during a swap.
    signals: (Signal, Signal, Signal),
}

impl Loop {
    async fn watch(
        &mut self,
        sink: Sink<'_>,
        mut stop: Pin<&mut impl Future<Output = ()>>,
    ) -> Result<Exit> {
        let mut watcher = watch::Watcher::new()?;
        let analyses: Vec<Analysis> = self.running.values().cloned().collect();
        let set = watch::WatchSet::of(&self.root, &analyses);
        watcher.update(&set)?;
        sink(&Event::new(Kind::Watching).inputs(watched(&set)));
        // Changes made between the start-up check and the watch are caught here.
        self.check(&mut watcher, sink);
        let mut retry = tokio::time::interval(ENGINE_RETRY);
        loop {
            tokio::select! {
                _ = self.signals.0.recv() => return Ok(Exit::Interrupted),
                _ = self.signals.1.recv() => return Ok(Exit::Interrupted),
                _ = self.signals.2.recv() => return Ok(Exit::Interrupted),
                _ = stop.as_mut() => return Ok(Exit::Interrupted),
                batch = watcher.next() => {
                    if batch.is_none() {
                        return Ok(Exit::Success);
                    }
                    self.check(&mut watcher, sink);
                }
                (analysis, result) = async { self.building.as_mut().expect("guarded").1.as_mut().await }, if self.building.is_some() => {
                    self.building = None;
                    self.built(analysis, result, sink).await;
                    self.next_build(sink);
                }
                _ = retry.tick(), if self.engine_lost => {
                    if self.engine.ping().await.is_ok() {
                        self.engine_lost = false;
                        sink(&Event::new(Kind::EngineBack));
                        self.check(&mut watcher, sink);
                    }
                }
            }
        }
    }

    /// Reads the project again and starts a build for each service whose fingerprint moved.
    fn check(&mut self, watcher: &mut watch::Watcher, sink: Sink<'_>) {
        let analyses = match self.analyze() {
            Ok(analyses) => analyses,
            Err((service, e)) => {
                if !self.invalid {
                    self.invalid = true;
                    let mut event = Event::new(Kind::Invalid).message(&e.to_string());
                    if let Some(s) = service {
                        event = event.service(&s);
                    }
                    sink(&event);
                }
                return;
            }
        };
        if self.invalid {
            self.invalid = false;
            sink(&Event::new(Kind::Recovered));
        }
        let set = watch::WatchSet::of(&self.root, &analyses);
        if let Err(e) = watcher.update(&set) {
            sink(&Event::new(Kind::Invalid).message(&e.to_string()));
        }
        for analysis in analyses {
            let name = analysis.service.name.clone();
            let target = self.target(&name);
            if target.map(|a| &a.fingerprint) == Some(&analysis.fingerprint) {
                continue;
            }
            let Some(running) = self.running.get(&name) else {
                continue;
            };
            // Named against what runs: what the swap will change.
            let changed: Vec<Change> = diff(&running.hashes(), &analysis.hashes())
                .into_iter()
                .map(|c| Change {
                    path: analysis.display_path(&c.path),
                    change: c.change,
                })
                .collect();
            self.queue.retain(|a| a.service.name != name);
            if self.failed.get(&name) == Some(&analysis.fingerprint) {
                // Failed already with these inputs: the same build would fail the same way.
                continue;
            }
            self.failed.remove(&name);
            if running.fingerprint == analysis.fingerprint {
                // Back to what runs: the build under way for it is not needed.
                if self.building_for(&name) {
                    self.building = None;
                }
                continue;
            }
            sink(
                &Event::new(Kind::Changed)
                    .service(&name)
                    .image(&analysis.image())
                    .inputs(changed),
            );
            if self.building_for(&name) {
                // The build under way is for content that is gone: dropped, the engine stops it.
                self.building = None;
            }
            self.queue.push_back(analysis);
        }
        self.next_build(sink);
    }

    /// The fingerprint a service is on its way to: queued, building, else running.
    fn target(&self, name: &str) -> Option<&Analysis> {
        self.queue
            .iter()
            .rev()
            .find(|a| a.service.name == name)
            .or_else(|| {
                self.building
                    .as_ref()
                    .map(|(a, _)| a)
                    .filter(|a| a.service.name == name)
            })
            .or_else(|| self.running.get(name))
    }

    fn building_for(&self, name: &str) -> bool {
        self.building
            .as_ref()
            .is_some_and(|(a, _)| a.service.name == name)
    }

    /// Every watched service analysed in the working tree, or the first error (with its service).
    fn analyze(&self) -> std::result::Result<Vec<Analysis>, (Option<String>, Error)> {
        let config = Config::load(&self.root).map_err(|e| (None, e.into()))?;
        let project = Project::discover(&self.root).map_err(|e| (None, e))?;
        let tree = project.worktree();
        let mut out = Vec::new();
        for name in self.running.keys() {
            let service = config
                .services
                .iter()
                .find(|s| &s.name == name)
                .ok_or_else(|| {
                    (
                        Some(name.clone()),
                        Error::msg(
                            format!(
                                "`{}` no longer has a service `{name}`",
                                crate::config::FILE_NAME
                            ),
                            "put the service back, or stop `dockwright up` and start it again",
                        ),
                    )
                })?;
            out.push(
                project
                    .analyze(service, &tree)
                    .map_err(|e| (Some(name.clone()), e))?,
            );
        }
        Ok(out)
    }

    /// Starts the next queued build, unless one runs or the engine is lost.
    fn next_build(&mut self, sink: Sink<'_>) {
        if self.building.is_some() || self.engine_lost {
            return;
        }
        let Some(analysis) = self.queue.pop_front() else {
            return;
        };
        let name = analysis.service.name.clone();
        let log = self.log(&name);
        sink(
            &Event::new(Kind::Building)
                .service(&name)
                .image(&analysis.image())
                .log(&self.shown(&log)),
        );
        let root = self.root.clone();
        let engine = self.engine.clone();
        let building = analysis.clone();
        let future = async move {
            let result = async {
                let project = Project::discover(&root)?;
                let tree = project.worktree();
                let mut progress = LogProgress::create(&log)?;
                crate::build::build(&project, &analysis, &tree, &engine, &mut progress).await
            }
            .await;
            (analysis, result)
        };
        self.building = Some((building, Box::pin(future)));
    }

    /// A background build ended: swap on success, say why on failure.
    async fn built(&mut self, analysis: Analysis, result: Result<Outcome>, sink: Sink<'_>) {
        let name = analysis.service.name.clone();
        let image = analysis.image();
        let log = self.log(&name);
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(Error::Engine(e)) if e.is_unavailable() => {
                if !self.engine_lost {
                    self.engine_lost = true;
                    sink(&Event::new(Kind::EngineLost).message(&e.to_string()));
                }
                // Built again once the engine answers.
                self.queue.push_front(analysis);
                return;
            }
            Err(e) => {
                self.failed
                    .insert(name.clone(), analysis.fingerprint.clone());
                sink(
                    &Event::new(Kind::Failed)
                        .service(&name)
                        .image(&image)
                        .message(&e.to_string())
                        .log(&self.shown(&log)),
                );
                return;
            }
        };
        sink(
            &Event::new(Kind::Built)
                .service(&name)
                .image(&image)
                .duration(outcome.duration),
        );
        match self.swap(&name, &image, &log).await {
            Ok(downtime) => {
                self.running.insert(name.clone(), analysis);
                sink(
                    &Event::new(Kind::Swapped)
                        .service(&name)
                        .image(&image)
                        .duration(downtime),
                );
            }
            Err(e) => {
                // The override goes back to what runs, so a later swap of another service does
                // not move this one.
                if let Some(old) = self.running.get(&name) {
                    self.compose.set_image(&name, &old.image());
                    let _ = self.compose.write_override(&self.in_compose);
                }
                sink(
                    &Event::new(Kind::Failed)
                        .service(&name)
                        .image(&image)
                        .message(&e.to_string())
                        .log(&self.shown(&log)),
                );
            }
        }
    }

    /// Recreates `name`'s container on `image`; returns the time it took (the downtime).
    async fn swap(&mut self, name: &str, image: &str, log: &Path) -> Result<Duration> {
        self.compose.set_image(name, image);
        self.compose.write_override(&self.in_compose)?;
        self.followers.remove(name);
        let started = Instant::now();
        let out = self
            .compose
            .command(&[
                "up",
                "-d",
                "--no-deps",
                "--force-recreate",
                "--no-build",
                name,
            ])
            .output()
            .await
            .map_err(|e| Error::io("run", "docker compose", e))?;
        let downtime = started.elapsed();
        if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(log) {
            let _ = file.write_all(&out.stdout);
            let _ = file.write_all(&out.stderr);
        }
        self.follow(name, None)?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            return Err(Error::msg(
                format!("compose could not recreate the container: {}", last.trim()),
                "see the log",
            ));
        }
        Ok(downtime)
    }

    /// Starts `compose logs -f` for one service (replacing the one before).
    fn follow(&mut self, name: &str, since: Option<SystemTime>) -> Result<()> {
        let since = since.map(|t| humantime::format_rfc3339_seconds(t).to_string());
        let mut args = vec!["logs", "-f"];
        if let (Some(since), compose::Flavour::V2) = (&since, self.compose.flavour()) {
            args.push("--since");
            args.push(since);
        }
        args.push(name);
        // Compose starts each log line with an erase-line escape (`ESC[2K`) even off a terminal
        // and with `--ansi never`: a log file or CI output gets it raw. Off a terminal the lines
        // go through here, without escapes.
        let plain = !self.out.is_terminal();
        let mut child = self
            .compose
            .command(&args)
            .stdout(if plain {
                Stdio::piped()
            } else {
                self.out.stdout()?
            })
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Error::io("run", "docker compose logs", e))?;
        if let Some(stdout) = child.stdout.take() {
            let events_only = self.out.events_only;
            tokio::spawn(async move {
                use tokio::io::AsyncBufReadExt;
                let mut lines = tokio::io::BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let line = console::strip_ansi_codes(&line);
                    // A closed stream ends the copy; nothing to report it to.
                    let _ = if events_only {
                        writeln!(std::io::stderr(), "{line}")
                    } else {
                        writeln!(std::io::stdout(), "{line}")
                    };
                }
            });
        }
        self.followers.insert(name.to_string(), child);
        Ok(())
    }

    fn log(&self, service: &str) -> PathBuf {
        self.state_dir.join(format!("up-{service}.log"))
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The watched inputs, for the `watching` event.
fn watched(set: &watch::WatchSet) -> Vec<Change> {
    set.inputs
        .iter()
        .map(|p| Change {
            path: p.clone(),
            change: "watched",
        })
        .collect()
}

/// A background build's progress, written to its log.
struct LogProgress {
    file: std::fs::File,
}

impl LogProgress {
    fn create(path: &Path) -> Result<LogProgress> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        let file = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
        Ok(LogProgress { file })
    }
}

impl Progress for LogProgress {
    fn step(&mut self, service: &str, step: &str) {
        let _ = writeln!(self.file, "{service} | {step}");
    }

    fn output(&mut self, service: &str, line: &str) {
        let _ = writeln!(self.file, "{service} |   {line}");
    }

    fn finish(&mut self, service: &str, ok: bool) {
        let _ = writeln!(
            self.file,
            "{service} | build {}",
            if ok { "succeeded" } else { "failed" }
        );
    }
}
