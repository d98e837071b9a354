//! `dockwright gc [--all] [--everywhere]`.

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Also remove containers kept with `--keep` and runs that look alive.
    #[arg(long)]
    all: bool,
    /// Collect every project's leftovers, not only this repository's.
    #[arg(long)]
    everywhere: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = if args.everywhere {
        None
    } else {
        Some(ctx.project()?.name)
    };
    let engine = super::engine_for_runs()?;
    let runtime = super::runtime()?;
    let collected = runtime.block_on(crate::sandbox::gc::collect(
        &engine,
        project.as_deref(),
        args.all,
    ))?;
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&collected).unwrap_or_default()
        ),
        Format::Table => {
            let removed = collected.iter().filter(|c| c.action == "removed").count();
            for c in &collected {
                println!(
                    "{:8} {} {} ({} at {})",
                    c.action,
                    c.container,
                    c.name,
                    c.service,
                    crate::sandbox::short(&c.commit)
                );
            }
            println!(
                "removed {removed} container{}",
                if removed == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Exit::Success)
}
