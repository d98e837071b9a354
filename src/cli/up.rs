//! `dockwright up [SERVICE...] [--no-watch] [--detach] [--format json]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::up::{self, Options};

use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Compose services to start (default: all of the compose file).
    services: Vec<String>,
    /// Start the services without watching their inputs.
    #[arg(long)]
    no_watch: bool,
    /// Leave the services running and return (implies --no-watch).
    #[arg(short, long)]
    detach: bool,
    /// Print every line of start-up builds, even on a terminal.
    #[arg(short, long)]
    verbose: bool,
    /// `json`: one JSON object per event on stdout (compose's output goes to stderr).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let engine = super::engine(Pace::Run)?;
    let json = args.format == Format::Json;
    let options = Options {
        services: args.services,
        watch: !args.no_watch && !args.detach,
        detach: args.detach,
        events_only_on_stdout: json,
        verbose: args.verbose,
    };
    let colour = super::term::stderr_colour();
    let mut sink = |event: &up::Event| {
        if json {
            println!("{}", event.json());
        } else {
            eprintln!("{}", event.line(colour));
        }
    };
    up::run(&ctx.dir, &options, engine, &mut sink)
}
