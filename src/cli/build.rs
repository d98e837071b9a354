//! `dockwright build [SERVICE...]`.

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;
use crate::term::BuildProgress;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Services to build (default: all).
    services: Vec<String>,
    /// Print every line of build output, even on a terminal.
    #[arg(short, long)]
    verbose: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let tree = project.worktree();
    let engine = super::engine()?;
    let runtime = super::runtime()?;
    let mut outcomes = Vec::new();
    for service in project.services(&project.config, &args.services)? {
        let analysis = project.analyze(service, &tree)?;
        for warning in &analysis.inputs.warnings {
            eprintln!("warning: {warning}");
        }
        let mut progress = BuildProgress::new(args.verbose);
        let outcome = runtime.block_on(crate::build::build(
            &project,
            &analysis,
            &tree,
            &engine,
            &mut progress,
        ))?;
        if args.format == Format::Table {
            if outcome.built {
                println!(
                    "{}: built {} in {:.1}s",
                    outcome.service,
                    outcome.image,
                    outcome.duration.as_secs_f64()
                );
            } else {
                println!(
                    "{}: {} is up to date, nothing to build",
                    outcome.service, outcome.image
                );
            }
        }
        outcomes.push(outcome);
    }
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&outcomes).unwrap_or_default()
        );
    }
    Ok(Exit::Success)
}
