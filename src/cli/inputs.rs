//! `dockwright inputs [SERVICE]`.

use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::usecase::{self, Selection};

use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Services to list (default: all).
    services: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Read the files of this commit (from git objects, no checkout) instead of the working tree.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let selection = Selection {
        services: args.services,
        rev: args.rev,
    };
    let report = usecase::inputs::inputs(&project, &selection)?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let rows = &report.inputs;
    match args.format {
        Format::Json => Format::print_json(rows)?,
        Format::Table => {
            let width = rows.iter().map(|r| r.path.len()).max().unwrap_or(4).max(4);
            let svc = rows
                .iter()
                .map(|r| r.service.len())
                .max()
                .unwrap_or(7)
                .max(7);
            println!(
                "{:svc$}  {:width$}  {:>10}  HASH",
                "SERVICE", "PATH", "SIZE"
            );
            for row in rows {
                println!(
                    "{:svc$}  {:width$}  {:>10}  {}",
                    row.service,
                    row.path,
                    row.size,
                    row.hash.get(..19).unwrap_or(&row.hash)
                );
            }
        }
    }
    Ok(Exit::Success)
}
