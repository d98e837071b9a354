//! `dockwright hooks install | uninstall | status`.

use std::path::Path;

use dockwright::error::Result;
use dockwright::exit::Exit;
use dockwright::hooks::install::State;
use dockwright::hooks::Hook;
use dockwright::usecase::hooks::{self, Done, Note};

use super::term::{paint, stdout_colour, Style};
use super::{Context, Format};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Install the git hooks. A hook that is already there is kept, and runs first.
    Install {
        /// Hooks to install (default: post-checkout, post-merge, post-rewrite and pre-push).
        #[arg(value_parser = parse_hook)]
        hooks: Vec<String>,
        /// Install even when a hook manager (pre-commit, prek, lefthook, husky) is in charge:
        /// its hook is kept and runs first. Without it, install says what to add to the
        /// manager's config instead and writes nothing.
        #[arg(long)]
        chain: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Remove the git hooks, and put back every hook that install kept, byte for byte.
    Uninstall {
        /// Hooks to remove (default: all).
        #[arg(value_parser = parse_hook)]
        hooks: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Say, per hook, whether it is ours, foreign, chained (ours, running a kept hook first),
    /// outdated or missing.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// A hook name, checked by the core (which says the one meant); kept as text for the use case.
fn parse_hook(name: &str) -> std::result::Result<String, String> {
    Hook::parse(name)
        .map(|hook| hook.name().to_string())
        .map_err(|e| e.render().trim_start_matches("error: ").to_string())
}

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    match args.command {
        Sub::Install {
            hooks,
            chain,
            format,
        } => {
            let report = hooks::install_with(&ctx.dir, &hooks, chain)?;
            if let (Some(managed), Some(entry)) = (&report.managed, &report.entry) {
                if format == Format::Json {
                    Format::print_json(&report)?;
                } else {
                    println!(
                        "this repository's hooks are managed by {} (`{}`): nothing was written.",
                        managed.manager.name(),
                        managed.config.display()
                    );
                    if managed.has_dockwright {
                        println!("its config already mentions dockwright; make sure it has these entries:");
                    } else {
                        println!("add dockwright's entries to its config:");
                    }
                    println!();
                    print!("{entry}");
                    println!("
(or `dockwright hooks install --chain` to install dockwright's shims anyway, running the manager's hooks first)");
                }
                return Ok(Exit::Success);
            }
            for note in &report.notes {
                let kind = match note {
                    Note::OutsideRepository { .. } => "note",
                    Note::MissingBinary { .. } => "warning",
                };
                eprintln!("{kind}: {}", note.describe());
            }
            match format {
                Format::Json => Format::print_json(&report)?,
                Format::Table => {
                    print_done(&report.hooks_dir, &ctx.dir, &report.hooks, |r| r.describe())
                }
            }
        }
        Sub::Uninstall { hooks, format } => {
            let report = hooks::uninstall(&ctx.dir, &hooks)?;
            match format {
                Format::Json => Format::print_json(&report)?,
                Format::Table => {
                    print_done(&report.hooks_dir, &ctx.dir, &report.hooks, |r| r.describe());
                    for dir in &report.left {
                        println!(
                            "a background build is running; `{}` stays until it ends",
                            dir.display()
                        );
                    }
                }
            }
        }
        Sub::Status { format } => {
            let report = hooks::status(&ctx.dir)?;
            match format {
                Format::Json => Format::print_json(&report)?,
                Format::Table => {
                    let colour = stdout_colour();
                    println!("hooks in {}:", shown(&report.hooks_dir, &ctx.dir));
                    println!("  {:13}  {:8}  DETAIL", "HOOK", "STATE");
                    for s in &report.hooks {
                        let style = match s.state {
                            State::Ours | State::Chained => Style::Green,
                            State::Outdated => Style::Yellow,
                            State::Foreign | State::Missing => Style::Dim,
                        };
                        let state = paint(colour, style, &format!("{:8}", s.state.as_str()));
                        let line = format!("  {:13}  {state}  {}", s.hook.name(), s.detail);
                        println!("{}", line.trim_end());
                    }
                }
            }
        }
    }
    Ok(Exit::Success)
}

/// `hooks in DIR:` and one line per hook.
fn print_done<T>(dir: &Path, cwd: &Path, done: &[Done<T>], describe: impl Fn(&T) -> String) {
    println!("hooks in {}:", shown(dir, cwd));
    for d in done {
        println!("  {:13}  {}", d.hook.name(), describe(&d.result));
    }
}

/// The hooks directory relative to the repository root when inside it.
fn shown(path: &Path, cwd: &Path) -> String {
    let root = dockwright::repo::Repo::discover(cwd)
        .map(|r| r.root().to_path_buf())
        .unwrap_or_default();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}
