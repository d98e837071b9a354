//! What every command takes from the `nu` that called it: the caller's directory and
//! environment (never the plugin process's: `nu` starts the plugin once, from wherever, and keeps
//! it), the engine connection, Ctrl-C, and errors turned into `LabeledError`s.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;

use dockwright::engine::{Engine, Pace};
use dockwright::project::Project;
use nu_plugin::{EngineInterface, EvaluatedCall};
use nu_protocol::{HandlerGuard, LabeledError, SignalAction, Span, Spanned};
use tokio::sync::watch;

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

    /// The caller's environment, as the core reads variables.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name| self.env(name)
    }

    /// The project of the repository containing the caller's directory.
    pub fn project(&self) -> Result<Project, LabeledError> {
        Project::discover(&self.dir)
            .map_err(|e| error(e, self.head(), format!("run in `{}`", self.dir.display())))
    }

    /// The Docker engine that the caller's `DOCKER_HOST` / `DOCKER_CONTEXT` name, its calls
    /// bounded as `pace` says (and the caller's `DOCKWRIGHT_ENGINE_TIMEOUT`).
    pub fn engine(&self, pace: Pace) -> Result<Engine, LabeledError> {
        Engine::for_pace(&self.lookup(), pace).map_err(|e| {
            error(
                dockwright::Error::from(e),
                self.head(),
                "the engine this shell's DOCKER_HOST or DOCKER_CONTEXT names",
            )
        })
    }

    /// A core error labelled on the argument it is about: the first of `args` whose value the
    /// message quotes (an unknown service, revision, stack, hook or directory), else on the
    /// command with `label`.
    pub fn fail(
        &self,
        e: dockwright::Error,
        args: &[&Spanned<String>],
        label: impl Into<String>,
    ) -> LabeledError {
        let message = e.to_string();
        let quoted = |value: &str| {
            message.contains(&format!("`{value}`")) || message.contains(&format!("/{value}`"))
        };
        match args.iter().find(|arg| quoted(&arg.item)) {
            Some(arg) => {
                let label = argument_label(&message);
                error(e, arg.span, label)
            }
            None => error(e, self.head(), label),
        }
    }

    /// Ctrl-C in `nu`, as a future a run can stop on.
    pub fn interrupt(&self) -> Result<Interrupt, LabeledError> {
        Interrupt::new(self.engine)
    }
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

/// What the argument an error quotes is, said on its label: `unknown service` under `nope`.
fn argument_label(message: &str) -> &'static str {
    if message.starts_with("no service named") {
        "unknown service"
    } else if message.starts_with("unknown stack") {
        "unknown stack"
    } else if message.contains("revision") {
        "unknown revision"
    } else if message.contains("hook") {
        "unknown hook"
    } else {
        "here"
    }
}
