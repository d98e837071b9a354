//! `dockwright test [REV] [--service S] [--worktree] [--keep] [--rerun] [--timeout D] [--target STAGE] [-- CMD...]`.

use std::time::Duration;

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::sandbox::Request;
use dockwright::usecase;

use super::term::{interrupted, RunOutput};
use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The commit to test (default HEAD); its tracked files only.
    rev: Option<String>,
    /// Test only this service (repeatable).
    #[arg(long = "service", short = 's', value_name = "SERVICE")]
    services: Vec<String>,
    /// Test the working tree (tracked and untracked-but-not-ignored files) instead of a commit.
    #[arg(long, conflicts_with = "rev")]
    worktree: bool,
    /// Keep the container afterwards, for inspection.
    #[arg(long)]
    keep: bool,
    /// Stop the run after this long (`90s`, `10m`).
    #[arg(long, value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Build this stage of the service's multi-stage `Dockerfile` from the commit and test in it.
    #[arg(long, value_name = "STAGE")]
    target: Option<String>,
    /// Print the effective sandbox settings.
    #[arg(short, long)]
    verbose: bool,
    /// Run even when this exact run (files, image, command, settings) passed before.
    #[arg(long)]
    rerun: bool,
    /// Output format of the summary (JSON goes to stdout, the test output to stderr).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The test command, instead of the configured one.
    #[arg(last = true)]
    command: Vec<String>,
}

fn parse_timeout(text: &str) -> std::result::Result<Duration, String> {
    dockwright::duration::parse(text, dockwright::duration::RUN_TIMEOUT)
        .map_err(|e| format!("{e}\nhelp: {}", e.help()))
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine(Pace::Run)?;
    let request = Request {
        rev: args.rev,
        worktree: args.worktree,
        services: args.services,
        keep: args.keep,
        timeout: args.timeout,
        command: args.command,
        target: args.target,
        verbose: args.verbose,
        rerun: args.rerun,
    };
    let json = args.format == Format::Json;
    // With JSON on stdout, the test's own stdout goes to stderr.
    let mut output = RunOutput::new(args.verbose, json);
    let cancel = interrupted();
    tokio::pin!(cancel);
    let results = usecase::test::test(&project, &request, &engine, &mut output, cancel)?;
    if json {
        Format::print_json(&results)?;
    }
    Ok(usecase::test::exit(&results))
}
