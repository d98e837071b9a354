//! `dockwright gc [--all] [--everywhere]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::sandbox::short;
use dockwright::usecase::gc;

use super::{Context, Format};

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
    let options = gc::Options {
        all: args.all,
        everywhere: args.everywhere,
    };
    let engine = super::engine(Pace::Run)?;
    let collected = gc::gc(&ctx.dir, options, &engine)?;
    match args.format {
        Format::Json => Format::print_json(&collected)?,
        Format::Table => {
            for c in collected.iter().filter(|c| c.kind == "proof") {
                println!(
                    "{:8} proof {} of {} at {}: image {} is gone",
                    c.action,
                    c.container,
                    c.service,
                    short(&c.commit),
                    c.name
                );
            }
            for c in collected.iter().filter(|c| c.kind == "image") {
                println!(
                    "{:8} {} {} (image of {})",
                    c.action, c.container, c.name, c.service
                );
            }
            for c in collected
                .iter()
                .filter(|c| c.kind != "proof" && c.kind != "image")
            {
                println!(
                    "{:8} {} {} ({} at {})",
                    c.action,
                    c.container,
                    c.name,
                    c.service,
                    short(&c.commit)
                );
            }
            let (containers, volumes) = gc::removed(&collected);
            let pruned = gc::pruned(&collected);
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let mut proofs = match gc::removed_of(&collected, "image") {
                0 => String::new(),
                n => format!(", and {n} image{} nothing names any more", plural(n)),
            };
            if pruned > 0 {
                proofs.push_str(&format!(", pruned {pruned} proof{}", plural(pruned)));
            }
            println!(
                "removed {containers} container{} and {volumes} volume{}{proofs}",
                plural(containers),
                plural(volumes),
            );
        }
    }
    Ok(Exit::Success)
}
