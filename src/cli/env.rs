//! `dockwright env [SERVICE...] [--format shell|json]`: the variables that name the current
//! runtime images for compose, as `export` lines: `eval "$(dockwright env)"` before a
//! `docker compose` command run by hand.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::usecase::{self, Selection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub(crate) enum EnvFormat {
    /// `export NAME='image'` lines, for `eval`.
    #[default]
    Shell,
    /// A JSON list of `{service, name, image}`.
    Json,
    /// A compose override file naming each service's image (what `init --devcontainer`'s
    /// `initializeCommand` writes for the devcontainer CLI).
    Compose,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Services to name (default: all).
    services: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: EnvFormat,
}

pub(crate) fn exec(ctx: &super::Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine(Pace::Command)?;
    let selection = Selection {
        services: args.services,
        rev: None,
    };
    let vars = usecase::env::env(&project, &selection, &engine)?;
    match args.format {
        EnvFormat::Json => super::Format::print_json(&vars)?,
        EnvFormat::Compose => {
            println!("# Written by `dockwright env --format compose`: the current runtime image of each service.");
            println!("services:");
            for var in &vars {
                println!(
                    "  {}:",
                    serde_json::to_string(&var.service).unwrap_or_default()
                );
                println!(
                    "    image: {}",
                    serde_json::to_string(&var.image).unwrap_or_default()
                );
            }
        }
        EnvFormat::Shell => {
            for var in &vars {
                println!("export {}={}", var.name, shell_quoted(&var.image));
            }
        }
    }
    Ok(Exit::Success)
}

/// `text` in single quotes, for a POSIX shell.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
