//! `dockwright inputs [SERVICE]`.

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;

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

#[derive(serde::Serialize)]
struct Row {
    service: String,
    path: String,
    kind: crate::inputs::InputKind,
    hash: String,
    size: u64,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let (tree, config) = project.snapshot(args.rev.as_deref())?;
    let mut rows = Vec::new();
    for service in project.services(&config, &args.services)? {
        let analysis = project.analyze(service, &tree)?;
        for warning in &analysis.inputs.warnings {
            eprintln!("warning: {warning}");
        }
        for input in &analysis.inputs.inputs {
            rows.push(Row {
                service: service.name.clone(),
                path: analysis.display_path(&input.path),
                kind: input.kind,
                hash: input.hash.clone(),
                size: input.size,
            });
        }
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        ),
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
            for row in &rows {
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
