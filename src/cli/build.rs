//! `dockwright build [SERVICE...]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::usecase;

use super::term::BuildProgress;
use super::{Context, Format};

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
    let engine = super::engine(Pace::Command)?;
    let mut progress = BuildProgress::new(args.verbose);
    let outcomes = usecase::build::build(
        &project,
        &args.services,
        &engine,
        &mut progress,
        usecase::never(),
    )?;
    match args.format {
        Format::Json => Format::print_json(&outcomes)?,
        Format::Table => {
            for outcome in &outcomes {
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
        }
    }
    Ok(Exit::Success)
}
