//! `dockwright up [SERVICE...] [--no-watch] [--detach] [--format json]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::up::{self, Event, Kind, Options};

use super::term::{paint, stderr_colour, BuildProgress, Style};
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
    };
    let colour = stderr_colour();
    let mut sink = |event: &Event| {
        if json {
            println!("{}", event.json());
        } else {
            eprintln!("{}", line(event, colour));
        }
    };
    let mut progress = BuildProgress::new(args.verbose);
    up::run(
        &ctx.dir,
        &options,
        engine,
        &mut sink,
        &mut progress,
        dockwright::usecase::never(),
    )
}

/// An event as one line for people (`dockwright: app: …`).
fn line(event: &Event, colour: bool) -> String {
    let who = match &event.service {
        Some(s) => format!("{}: ", paint(colour, Style::Bold, s)),
        None => String::new(),
    };
    let secs = |d: Option<f64>| format!("{:.1}s", d.unwrap_or_default());
    let image = event.image.as_deref().unwrap_or("the runtime image");
    let log = event.log.as_deref().unwrap_or("");
    let message = event.message.as_deref().unwrap_or("");
    let text = match event.event {
        Kind::Fresh => format!("`{image}` is fresh"),
        Kind::Building if log.is_empty() => format!("building `{image}`"),
        Kind::Building => format!(
            "building `{image}` in the background (the old container keeps serving); log: {log}"
        ),
        Kind::Built => format!("built `{image}` in {}", secs(event.duration)),
        Kind::Started => "compose started the services".to_string(),
        Kind::Watching => format!(
            "watching {} input{} (Ctrl-C stops)",
            event.inputs.len(),
            if event.inputs.len() == 1 { "" } else { "s" }
        ),
        Kind::Changed => paint(
            colour,
            Style::Yellow,
            &dockwright::hooks::freshness::changes(&event.inputs),
        ),
        Kind::Swapped => paint(
            colour,
            Style::Green,
            &format!(
                "now runs `{image}` (container recreated, {} of downtime)",
                secs(event.duration)
            ),
        ),
        Kind::Failed => paint(
            colour,
            Style::Red,
            &format!(
                "{message}; the old container keeps serving{}",
                if log.is_empty() {
                    String::new()
                } else {
                    format!("; log: {log}")
                }
            ),
        ),
        Kind::Invalid => paint(
            colour,
            Style::Red,
            &format!("{message}; still watching, the next valid save resumes"),
        ),
        Kind::Recovered => "the project reads well again".to_string(),
        Kind::EngineLost => paint(
            colour,
            Style::Red,
            &format!("{message}; still watching, resuming when the engine answers"),
        ),
        Kind::EngineBack => "the engine answers again".to_string(),
        Kind::Stopped => "stopped".to_string(),
    };
    format!("dockwright: {who}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockwright::inputs::Change;

    #[test]
    fn lines_name_the_inputs_and_the_log() {
        let e = Event::new(Kind::Changed)
            .service("app")
            .inputs(vec![Change {
                path: "requirements.txt".into(),
                change: "changed",
            }]);
        assert_eq!(line(&e, false), "dockwright: app: requirements.txt changed");
        let f = Event::new(Kind::Failed)
            .service("app")
            .message("the build failed\n at `RUN x`")
            .log(".git/dockwright/up-app.log");
        assert_eq!(
            line(&f, false),
            "dockwright: app: the build failed at `RUN x`; the old container keeps serving; log: .git/dockwright/up-app.log"
        );
    }
}
