//! `dockwright test [REV] [--service S] [--worktree] [--keep] [--timeout D] [--target STAGE] [-- CMD...]`.

use std::time::Duration;

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;
use crate::sandbox::{self, Request};

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
    /// Output format of the summary (JSON goes to stdout, the test output to stderr).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The test command, instead of the configured one.
    #[arg(last = true)]
    command: Vec<String>,
}

fn parse_timeout(text: &str) -> std::result::Result<Duration, String> {
    crate::duration::parse(text, crate::duration::RUN_TIMEOUT)
        .map_err(|e| format!("{e}\nhelp: {}", e.help()))
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine_for_runs()?;
    let runtime = super::runtime()?;
    let request = Request {
        rev: args.rev,
        worktree: args.worktree,
        services: args.services,
        keep: args.keep,
        timeout: args.timeout,
        command: args.command,
        target: args.target,
        verbose: args.verbose,
    };
    let json = args.format == Format::Json;
    let mut output = crate::term::RunOutput::new(args.verbose, json);
    let results = runtime.block_on(async {
        let cancel = crate::term::interrupted();
        tokio::pin!(cancel);
        sandbox::run(&project, &engine, &request, &mut output, cancel).await
    })?;
    for result in &results {
        eprintln!("dockwright: {}", crate::term::summary(result));
        if let Some(id) = &result.container {
            eprintln!(
                "dockwright: kept container {}: enter it with `docker start -ai {}` or `docker run --rm -it --volumes-from {} {} sh`; remove it with `dockwright gc --all`",
                &id[..12.min(id.len())],
                &id[..12.min(id.len())],
                &id[..12.min(id.len())],
                result.image
            );
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&results).unwrap_or_default()
        );
    }
    Ok(match results.iter().find(|r| !r.passed) {
        None => Exit::Success,
        Some(failed) => Exit::Child(i32::try_from(failed.exit_code).unwrap_or(1).max(1)),
    })
}
