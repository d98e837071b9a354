//! What every command takes from the `nu` that called it: the caller's directory and
//! environment (never the plugin process's: `nu` starts the plugin once, from wherever, and keeps
//! it), the engine connection, Ctrl-C, and errors turned into `LabeledError`s.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use dockwright::config::{Config, ServiceConfig};
use dockwright::engine::Engine;
use dockwright::project::Project;
use dockwright::tree::Tree;
use nu_plugin::{EngineInterface, EvaluatedCall};
use nu_protocol::{HandlerGuard, LabeledError, SignalAction, Span, Spanned};
use tokio::sync::watch;

/// How long a quick engine call may take for `status`, `images` and `build`: an engine that is
/// not there must be an error in well under two seconds, as in the CLI.
pub const QUICK: Duration = Duration::from_millis(1500);
/// The same bound for test runs and `gc`, whose calls may wait on a loaded engine.
pub const RUNS: Duration = Duration::from_secs(30);

/// One call's view of the engine that made it.
pub struct Context<'a> {
    engine: &'a EngineInterface,
    call: &'a EvaluatedCall,
    /// The caller's current directory.
    pub dir: PathBuf,
    env: HashMap<String, String>,
}

impl<'a> Context<'a> {
    /// Reads the caller's directory and environment from the engine.
    pub fn new(
        engine: &'a EngineInterface,
        call: &'a EvaluatedCall,
    ) -> Result<Context<'a>, LabeledError> {
        let dir = PathBuf::from(engine.get_current_dir()?);
        // One round trip for every variable; values that are not text (lists, closures) cannot
        // be what a docker variable means, so they are left out.
        let env = engine
            .get_env_vars()?
            .into_iter()
            .filter_map(|(name, value)| value.coerce_into_string().ok().map(|v| (name, v)))
            .collect();
        Ok(Context {
            engine,
            call,
            dir,
            env,
        })
    }

    /// The span of the command name: where errors that no argument caused are labelled.
    pub fn head(&self) -> Span {
        self.call.head
    }

    /// A variable of the caller's environment.
    pub fn env(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }

    /// The project of the repository containing the caller's directory.
    pub fn project(&self) -> Result<Project, LabeledError> {
        Project::discover(&self.dir)
            .map_err(|e| error(e, self.head(), format!("run in `{}`", self.dir.display())))
    }

    /// The Docker engine that the caller's `DOCKER_HOST` / `DOCKER_CONTEXT` name. `quick` bounds
    /// short calls unless `DOCKWRIGHT_ENGINE_TIMEOUT` (also read from the caller) says otherwise.
    pub fn engine(&self, quick: Duration) -> Result<Engine, LabeledError> {
        let lookup = |name: &str| self.env(name);
        let quick = dockwright::cli::engine_timeout_from(&lookup, quick)
            .map_err(|e| error(e, self.head(), "this shell's DOCKWRIGHT_ENGINE_TIMEOUT"))?;
        Engine::connect(&lookup, quick).map_err(|e| {
            error(
                dockwright::Error::from(e),
                self.head(),
                "the engine this shell's DOCKER_HOST or DOCKER_CONTEXT names",
            )
        })
    }

    /// The services named, each checked on its own so that an unknown name is labelled on the
    /// argument that holds it; every service when none is named.
    pub fn services<'c>(
        &self,
        project: &Project,
        config: &'c Config,
        names: &[Spanned<String>],
    ) -> Result<Vec<&'c ServiceConfig>, LabeledError> {
        if names.is_empty() {
            return project
                .services(config, &[])
                .map_err(|e| error(e, self.head(), "here"));
        }
        let mut services = Vec::new();
        for name in names {
            let found = project
                .services(config, std::slice::from_ref(&name.item))
                .map_err(|e| error(e, name.span, "unknown service"))?;
            services.extend(found);
        }
        Ok(services)
    }

    /// The working tree, or the tree of `rev` read from git objects, with the configuration as
    /// it is in that snapshot. An unknown `rev` is labelled on its argument.
    pub fn snapshot<'r>(
        &self,
        project: &'r Project,
        rev: Option<&Spanned<String>>,
    ) -> Result<(Tree<'r>, Config), LabeledError> {
        project
            .snapshot(rev.map(|r| r.item.as_str()))
            .map_err(|e| match rev {
                Some(rev) => error(e, rev.span, "this revision"),
                None => error(e, self.head(), "here"),
            })
    }

    /// Ctrl-C in `nu`, as a future a run can stop on.
    pub fn interrupt(&self) -> Result<Interrupt, LabeledError> {
        Interrupt::new(self.engine)
    }
}

/// A single-threaded async runtime for one call: every command is a few sequential engine calls.
pub fn runtime(span: Span) -> Result<tokio::runtime::Runtime, LabeledError> {
    dockwright::cli::runtime().map_err(|e| error(e, span, "here"))
}

/// Ctrl-C as `nu` forwards it. The terminal's SIGINT never reaches a plugin (it runs in its own
/// process group); `nu` sends a signal message instead, which the handler turns into a wake-up.
pub struct Interrupt {
    // Unregisters the handler when the call ends.
    _guard: HandlerGuard,
    rx: watch::Receiver<bool>,
}

impl Interrupt {
    fn new(engine: &EngineInterface) -> Result<Interrupt, LabeledError> {
        let (tx, rx) = watch::channel(false);
        let guard = engine.register_signal_handler(Box::new(move |action| {
            if matches!(action, SignalAction::Interrupt) {
                let _ = tx.send(true);
            }
        }))?;
        Ok(Interrupt { _guard: guard, rx })
    }

    /// Resolves when the user presses Ctrl-C.
    pub fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.rx.clone();
        async move {
            // The sender lives in the handler until the guard drops, after the call: an error
            // here would mean no signal can come any more, so wait forever rather than cancel.
            if rx.wait_for(|interrupted| *interrupted).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// A core error as a `LabeledError`: its message, `label` at `span`, and its `help:` line.
pub fn error(e: dockwright::Error, span: Span, label: impl Into<String>) -> LabeledError {
    let error = LabeledError::new(e.to_string()).with_label(label, span);
    match e.help() {
        Some(help) => error.with_help(help),
        None => error,
    }
}
