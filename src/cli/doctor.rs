//! `dockwright doctor [--format json]`: one line per check, with its fix.

use dockwright::engine::connect::process_env;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::usecase::doctor::{self, Level};

use super::term::{paint, stdout_colour, Style};
use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let report = doctor::doctor(&ctx.dir, &process_env);
    match args.format {
        Format::Json => Format::print_json(&report)?,
        Format::Table => {
            let colour = stdout_colour();
            let width = report
                .checks
                .iter()
                .map(|c| c.name.len())
                .max()
                .unwrap_or(0);
            for c in &report.checks {
                let style = match c.level {
                    Level::Ok => Style::Green,
                    Level::Warn => Style::Yellow,
                    Level::Fail => Style::Red,
                    Level::Skip => Style::Dim,
                };
                let level = paint(colour, style, &format!("{:4}", c.level.as_str()));
                let mut line = format!("{level}  {:width$}  {}", c.name, c.detail);
                if let Some(fix) = &c.fix {
                    line.push_str(&format!("; fix: {fix}"));
                }
                println!("{line}");
            }
        }
    }
    Ok(if report.passed {
        Exit::Success
    } else {
        Exit::Failure
    })
}
