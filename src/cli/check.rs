//! `dockwright check`: find runtime-container mistakes and say how to fix each.

use dockwright::error::Result;
use dockwright::exit::Exit;

use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let findings = dockwright::usecase::check::check(&ctx.dir)?;
    if args.format == Format::Json {
        Format::print_json(&findings)?;
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
