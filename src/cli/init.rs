//! `dockwright init [DIR]`: scaffold the runtime-container setup for the project's stack.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockwright::engine::connect::process_env;
use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::scaffold::{self, Action};
use dockwright::usecase::init;

use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The project directory (default: the current one).
    dir: Option<PathBuf>,
    /// The stack, when detection is wrong or the project is new: a stack such as `python-uv`,
    /// or a language such as `node`.
    #[arg(long, value_name = "STACK")]
    stack: Option<String>,
    /// Write nothing: say what would be written, with a diff for files that exist and differ.
    #[arg(long)]
    dry_run: bool,
    /// Replace files that differ from the templates, keeping each old one as
    /// `<file>.dockwright-backup`. An existing justfile is never replaced.
    #[arg(long)]
    force: bool,
    /// Also write `.devcontainer/devcontainer.json` (and its compose override): Dev Containers
    /// on the compose service and the runtime image, made fresh by `initializeCommand`.
    /// Never replaces an existing file, even with `--force`.
    #[arg(long)]
    devcontainer: bool,
    /// Set a template variable, such as `--var uid=1001` or `--var version=3.12` (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn parse_var(text: &str) -> std::result::Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "`{text}` is not KEY=VALUE; write it as `--var uid=1001`"
        )),
    }
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let request = init::Request {
        dir: args.dir,
        stack: args.stack,
        vars: args.vars.into_iter().collect::<BTreeMap<_, _>>(),
        dry_run: args.dry_run,
        force: args.force,
        devcontainer: args.devcontainer,
    };
    let report = init::init(&ctx.dir, request, &process_env)?;
    if args.format == Format::Json {
        Format::print_json(&report)?;
        return Ok(Exit::Success);
    }
    println!("stack: {} ({})", report.stack, report.reason);
    let from = if report.version_source == "default" {
        "the default; set it with `--var version=…`".to_string()
    } else {
        format!("from `{}`", report.version_source)
    };
    println!("version: {} ({from})", report.version);
    if let Some(note) = &report.version_note {
        println!("  {note}; change it with `--var version=…`");
    }
    for line in &report.read {
        println!("{line}");
    }
    for line in &report.guessed {
        println!("{line}");
    }
    if report.manifests.is_empty() {
        println!("runtime image inputs: none but `Dockerfile.runtime`");
    } else {
        println!("runtime image inputs: {}", report.manifests.join(", "));
    }
    if !report.test_deps.is_empty() {
        println!(
            "test dependencies: {} (change with `--var test_deps=…`)",
            report.test_deps.join(", ")
        );
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let width = report
        .files
        .iter()
        .map(|f| f.action.word().len())
        .max()
        .unwrap_or(0);
    for file in &report.files {
        let note = match (file.action, &file.backup) {
            (Action::Skipped, _) => " (exists and differs; kept)".to_string(),
            (Action::WouldSkip, _) => {
                " (exists and differs; kept, the difference is below)".to_string()
            }
            (Action::Replaced, Some(b)) => format!(" (the old one is `{b}`)"),
            (Action::WouldReplace, Some(b)) => format!(" (the old one would be kept as `{b}`)"),
            _ => String::new(),
        };
        println!("{:width$}  {}{note}", file.action.word(), file.path);
    }
    for file in &report.files {
        if report.dry_run {
            if let Some(diff) = &file.diff {
                print!("\n{diff}");
            }
        }
    }
    if report.files.iter().any(|f| f.action == Action::Skipped) {
        println!("\nkept files are yours: `dockwright init --dry-run` shows the differences, `--force` replaces them (keeping backups)");
    }
    if let Some(line) = &report.import_line {
        println!("\nyour justfile is untouched; the recipes are in `{}`. Add this line to your justfile:\n    {line}", scaffold::JUST_MODULE);
    }
    if !report.dry_run {
        println!("\nnext: `just init` (installs the git hooks and builds the runtime image), then `just dev`");
    }
    Ok(Exit::Success)
}
