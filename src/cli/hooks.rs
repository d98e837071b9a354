//! `dockwright hooks install | uninstall | status`.

use std::path::Path;

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;
use crate::hooks::install::{self, State};
use crate::hooks::Hook;
use crate::repo::Repo;
use crate::term::{paint, stdout_colour, Style};

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
        #[arg(value_enum)]
        hooks: Vec<Hook>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Remove the git hooks, and put back every hook that install kept, byte for byte.
    Uninstall {
        /// Hooks to remove (default: all).
        #[arg(value_enum)]
        hooks: Vec<Hook>,
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

pub(crate) fn exec(ctx: &Context, args: Args) -> Result<Exit> {
    let repo = Repo::discover(&ctx.dir)?;
    match args.command {
        Sub::Install { hooks, format } => {
            let report = install::install_hooks(&repo, &hooks)?;
            if report.outside {
                // A user-wide core.hooksPath: git runs these hooks in every repository using it.
                eprintln!(
                    "note: core.hooksPath is `{}`, outside this repository; the hooks will run in every repository that uses it",
                    report.dir.display()
                );
            }
            for hook in &report.missing_binaries {
                eprintln!(
                    "warning: `{}` is neither next to this `dockwright` nor on PATH; the hook will look for it on PATH when it runs",
                    hook.binary_name()
                );
            }
            if format == Format::Json {
                let hooks: Vec<_> = report
                    .done
                    .iter()
                    .map(|(hook, action)| serde_json::json!({ "hook": hook, "result": action }))
                    .collect();
                print_json(&serde_json::json!({ "hooks_dir": report.dir, "hooks": hooks }));
            } else {
                println!("hooks in {}:", shown(&report.dir, repo.root()));
                for (hook, action) in &report.done {
                    println!("  {:13}  {}", hook.name(), action.describe());
                }
            }
        }
        Sub::Uninstall { hooks, format } => {
            let report = install::uninstall_hooks(&repo, &hooks)?;
            if format == Format::Json {
                let hooks: Vec<_> = report
                    .done
                    .iter()
                    .map(|(hook, action)| serde_json::json!({ "hook": hook, "result": action }))
                    .collect();
                print_json(
                    &serde_json::json!({ "hooks_dir": report.dir, "hooks": hooks, "left": report.left }),
                );
            } else {
                println!("hooks in {}:", shown(&report.dir, repo.root()));
                for (hook, action) in &report.done {
                    println!("  {:13}  {}", hook.name(), action.describe());
                }
                for dir in &report.left {
                    println!(
                        "a background build is running; `{}` stays until it ends",
                        dir.display()
                    );
                }
            }
        }
        Sub::Status { format } => {
            let (dir, all) = install::hook_statuses(&repo)?;
            if format == Format::Json {
                print_json(&serde_json::json!({ "hooks_dir": dir, "hooks": all }));
            } else {
                let colour = stdout_colour();
                println!("hooks in {}:", shown(&dir, repo.root()));
                println!("  {:13}  {:8}  DETAIL", "HOOK", "STATE");
                for s in &all {
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
    Ok(Exit::Success)
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
