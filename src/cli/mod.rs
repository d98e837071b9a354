//! The command line: argument parsing, one call into the core's use cases per command, and
//! the presentation of the report it returns.

mod build;
mod check;
mod completions;
mod doctor;
mod env;
mod external;
mod gc;
mod hooks;
mod images;
mod init;
mod inputs;
mod status;
pub mod term;
mod test;
mod up;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use dockwright::engine::{connect::process_env, Engine, Pace};
use dockwright::error::{Error, Result};
use dockwright::exit::Exit;
use dockwright::project::Project;

/// Runtime containers without their three failures: stale images, hand-made setups,
/// and tests that only pass on one machine.
#[derive(Debug, Parser)]
#[command(name = "dockwright", version, about, propagate_version = true)]
pub(crate) struct Cli {
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
    /// Print the variables that name the current runtime images for `docker compose` by hand.
    Env(env::Args),
    /// Check what dockwright needs (engine, Compose, hooks, nu plugin, disk) and say how to fix each.
    Doctor(doctor::Args),
    /// Print the completion script for a shell.
    Completions(completions::Args),
    /// Print the manual page (roff): `dockwright manpage | man -l -`.
    Manpage(completions::ManArgs),
    /// Run `dockwright-<name>` found on PATH.
    #[command(external_subcommand)]
    External(Vec<OsString>),
}

/// The names of the built-in commands, for "did you mean".
const COMMANDS: &[&str] = &[
    "build",
    "status",
    "inputs",
    "test",
    "gc",
    "hooks",
    "init",
    "check",
    "images",
    "up",
    "env",
    "doctor",
    "completions",
    "manpage",
    "help",
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
                Command::Env(args) => env::exec(&ctx, args),
                Command::Doctor(args) => doctor::exec(&ctx, args),
                Command::Completions(args) => completions::exec(args),
                Command::Manpage(args) => completions::manpage(args),
                Command::External(args) => external::exec(args),
            }
        }
        Err(e) => Err(Error::io("read", "the current directory", e)),
    };
    match result {
        Ok(exit) => exit.code(),
        Err(e) => {
            term::say(&e.render());
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

impl Format {
    /// Prints `value` as pretty JSON on stdout.
    fn print_json(value: &impl serde::Serialize) -> Result<()> {
        let json = serde_json::to_string_pretty(value).map_err(|e| {
            Error::msg(
                format!("cannot encode the report: {e}"),
                "this is a bug; please report it",
            )
        })?;
        println!("{json}");
        Ok(())
    }
}

/// The engine this process's environment names, for a command someone waits on.
fn engine(pace: Pace) -> Result<Engine> {
    Ok(Engine::for_pace(&process_env, pace)?)
}
