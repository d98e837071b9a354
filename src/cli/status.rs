//! `dockwright status [--format table|json] [--check]`.

use dockwright::engine::Pace;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::status::{self, State};
use dockwright::usecase::{self, Selection};

use super::term::{paint, stdout_colour, Style};
use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Services to check (default: all).
    services: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Read the files of this commit (from git objects, no checkout) instead of the working tree.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// Exit with code 4 when any image is stale or missing.
    #[arg(long)]
    check: bool,
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let project = ctx.project()?;
    let engine = super::engine(Pace::Command)?;
    let selection = Selection {
        services: args.services,
        rev: args.rev,
    };
    let all = usecase::status::status(&project, &selection, &engine)?;
    match args.format {
        Format::Json => Format::print_json(&all)?,
        Format::Table => print_table(&all),
    }
    Ok(if args.check && !usecase::status::all_fresh(&all) {
        Exit::Findings
    } else {
        Exit::Success
    })
}

fn print_table(all: &[status::ServiceStatus]) {
    let colour = stdout_colour();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let svc = all
        .iter()
        .map(|s| s.service.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let img = all.iter().map(|s| s.image.len()).max().unwrap_or(5).max(5);
    println!(
        "{:svc$}  {:7}  {:img$}  {:14}  SIZE",
        "SERVICE", "STATE", "IMAGE", "BUILT"
    );
    for s in all {
        let style = match s.state {
            State::Fresh => Style::Green,
            State::Stale => Style::Yellow,
            State::Missing => Style::Red,
        };
        let state = paint(colour, style, &format!("{:7}", s.state.as_str()));
        let built = s
            .built
            .map(|t| status::age(t, now))
            .unwrap_or_else(|| "-".into());
        let size = s.size.map(status::size).unwrap_or_else(|| "-".into());
        // A stale service's image does not exist yet: its age and size are those of the image
        // the changes are counted from, said on a line of its own.
        let (row_built, row_size) = match &s.compared_with {
            Some(_) if s.state == State::Stale => ("-".to_string(), "-".to_string()),
            _ => (built.clone(), size.clone()),
        };
        println!(
            "{:svc$}  {state}  {:img$}  {row_built:14}  {row_size}",
            s.service, s.image
        );
        if let (State::Stale, Some(newest)) = (s.state, &s.compared_with) {
            println!("{:svc$}    since {newest} (built {built}, {size}):", "");
        }
        for change in &s.changed {
            println!("{:svc$}    {} {}", "", change.change, change.path);
        }
        if s.state != State::Fresh {
            println!("{:svc$}    run: dockwright build {}", "", s.service);
        }
        for warning in &s.warnings {
            println!("{:svc$}    warning: {warning}", "");
        }
    }
}
