//! The command line: argument parsing, and one call into the core per command.

mod build;
mod check;
mod external;
mod gc;
mod hooks;
mod images;
mod init;
mod inputs;
mod status;
mod test;
mod up;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::project::Project;

/// Runtime containers without their three failures: stale images, hand-made setups,
/// and tests that only pass on one machine.
#[derive(Debug, Parser)]
#[command(name = "dockwright", version, about, propagate_version = true)]
struct Cli {
    /// Run as if started in this directory.
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    directory: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the runtime image of each service (or those named), unless it already exists.
    Build(build::Args),
    /// Say, per service, whether the runtime image is fresh, stale or missing, and what changed.
    Status(status::Args),
    /// List the inputs of each service's runtime image, with their hashes.
    Inputs(inputs::Args),
    /// Run the tests of exactly a commit in a fresh, hardened, throwaway container.
    Test(test::Args),
    /// Remove containers and volumes that an interrupted test run left behind.
    Gc(gc::Args),
    /// Install, remove or inspect the git hooks.
    Hooks(hooks::Args),
    /// Scaffold the runtime-container setup for the project's stack (never overwrites).
    Init(init::Args),
    /// Find runtime-container mistakes in the project and say how to fix each.
    Check(check::Args),
    /// List the runtime images dockwright built for this project.
    Images(images::Args),
    /// Make the runtime images fresh, start compose on them, watch the inputs and swap.
    Up(up::Args),
    /// Run `dockwright-<name>` found on PATH.
    #[command(external_subcommand)]
    External(Vec<OsString>),
}

/// The names of the built-in commands, for "did you mean".
const COMMANDS: &[&str] = &[
    "build", "status", "inputs", "test", "gc", "hooks", "init", "check", "images", "up", "help",
];

/// Runs the CLI and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.code()
            } else {
                0
            };
        }
    };
    let result = match cli.directory.clone().map_or_else(std::env::current_dir, Ok) {
        Ok(dir) => {
            let ctx = Context { dir };
            match cli.command {
                Command::Build(args) => build::exec(&ctx, args),
                Command::Status(args) => status::exec(&ctx, args),
                Command::Inputs(args) => inputs::exec(&ctx, args),
                Command::Test(args) => test::exec(&ctx, args),
                Command::Gc(args) => gc::exec(&ctx, args),
                Command::Hooks(args) => hooks::exec(&ctx, args),
                Command::Init(args) => init::exec(&ctx, args),
                Command::Check(args) => check::exec(&ctx, args),
                Command::Images(args) => images::exec(&ctx, args),
                Command::Up(args) => up::exec(&ctx, args),
                Command::External(args) => external::exec(args),
            }
        }
        Err(e) => Err(Error::io("read", "the current directory", e)),
    };
    match result {
        Ok(exit) => exit.code(),
        Err(e) => {
            eprintln!("{}", e.render());
            e.exit().code()
        }
    }
}

/// What every command gets.
pub(crate) struct Context {
    /// The directory the command runs in.
    pub dir: PathBuf,
}

impl Context {
    fn project(&self) -> Result<Project> {
        Project::discover(&self.dir)
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub(crate) enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
}

/// A current-thread runtime: every command is a handful of sequential engine calls.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::msg(
                format!("cannot start the async runtime: {e}"),
                "this is a bug; please report it",
            )
        })
}

/// The bound of a quick engine call: `DOCKWRIGHT_ENGINE_TIMEOUT` (seconds, or a duration such
/// as `1500ms`), else `default`.
pub fn engine_timeout(default: Duration) -> Result<Duration> {
    engine_timeout_from(&|name| std::env::var(name).ok(), default)
}

/// [`engine_timeout`] with the environment read through `lookup` (the plugin reads the calling
/// shell's environment, not its own). A value that is set but unusable is a usage error naming
/// it and the accepted range; an empty one counts as unset.
pub fn engine_timeout_from(
    lookup: &dyn Fn(&str) -> Option<String>,
    default: Duration,
) -> Result<Duration> {
    let name = crate::env::ENGINE_TIMEOUT;
    match lookup(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(value) => {
            crate::duration::parse(&value, crate::duration::ENGINE_TIMEOUT).map_err(|e| {
                Error::Message {
                    message: format!("{name}: {e}"),
                    help: Some(e.help()),
                    exit: Exit::Usage,
                }
            })
        }
    }
}

/// The engine from the process environment, with the CLI's bound: an unreachable engine is an
/// error in well under two seconds.
pub(crate) fn engine() -> Result<Engine> {
    Ok(Engine::from_env(engine_timeout(Duration::from_millis(
        1500,
    ))?)?)
}

/// The engine for long operations (test runs, gc): quick calls may take longer than status's.
pub(crate) fn engine_for_runs() -> Result<Engine> {
    Ok(Engine::from_env(engine_timeout(Duration::from_secs(30))?)?)
}

/// The candidate closest to `name`, if any is close enough to suggest.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
