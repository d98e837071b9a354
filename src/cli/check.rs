//! `dockwright check`: find runtime-container mistakes and say how to fix each.

use super::{Context, Format};
use crate::error::{Error, Result};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    // The repository root holds dockwright.toml; outside a repository, the directory itself.
    let root = crate::repo::Repo::discover(&ctx.dir)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_else(|_| ctx.dir.clone());
    let findings = crate::check::check(&root)?;
    if args.format == Format::Json {
        let json = serde_json::to_string_pretty(&findings).map_err(|e| {
            Error::msg(
                format!("cannot encode the findings: {e}"),
                "this is a bug; please report it",
            )
        })?;
        println!("{json}");
    } else {
        for f in &findings {
            let place = if f.line == 0 {
                f.file.clone()
            } else {
                format!("{}:{}", f.file, f.line)
            };
            println!("{place}: {} [{}]\n  fix: {}", f.message, f.rule, f.fix);
        }
        match findings.len() {
            0 => println!("no runtime-container mistakes found"),
            1 => println!("1 mistake found"),
            n => println!("{n} mistakes found"),
        }
    }
    Ok(if findings.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    })
}
