//! `dockwright hooks install | uninstall | status`.

use std::path::{Path, PathBuf};

use super::{Context, Format};
use crate::error::Result;
use crate::exit::Exit;
use crate::hooks::install::{self, Installed, Installer, Removed, State};
use crate::hooks::{background, Hook};
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
    let dir = install::hooks_dir(&repo)?;
    let installer = Installer::new(dir);
    let shown_dir = shown(installer.dir(), repo.root());
    match args.command {
        Sub::Install { hooks, format } => {
            if !installer.dir().starts_with(repo.root())
                && !installer.dir().starts_with(repo.common_dir())
            {
                // A user-wide core.hooksPath: git runs these hooks in every repository using it.
                eprintln!(
                    "note: core.hooksPath is `{}`, outside this repository; the hooks will run in every repository that uses it",
                    installer.dir().display()
                );
            }
            let mut done = Vec::new();
            for hook in chosen(hooks) {
                let (binary, found) = binary(hook);
                if !found {
                    eprintln!(
                        "warning: `{}` is neither next to this `dockwright` nor on PATH; the hook will look for it on PATH when it runs",
                        hook.binary_name()
                    );
                }
                done.push((hook, installer.install(hook, &binary)?));
            }
            if format == Format::Json {
                let hooks: Vec<_> = done
                    .iter()
                    .map(|(hook, action)| serde_json::json!({ "hook": hook, "result": action }))
                    .collect();
                print_json(&serde_json::json!({ "hooks_dir": installer.dir(), "hooks": hooks }));
            } else {
                println!("hooks in {shown_dir}:");
                for (hook, action) in &done {
                    let what = match action {
                        Installed::Written => "installed".to_string(),
                        Installed::Kept { kept } => {
                            format!(
                                "installed; the hook that was there is kept as `{}` and runs first",
                                name(kept)
                            )
                        }
                        Installed::Upgraded { from } => format!("upgraded from {from}"),
                        Installed::Unchanged => "already installed".to_string(),
                    };
                    println!("  {:13}  {what}", hook.name());
                }
            }
        }
        Sub::Uninstall { hooks, format } => {
            let all = hooks.is_empty();
            let mut done = Vec::new();
            for hook in chosen(hooks) {
                done.push((hook, installer.uninstall(hook)?));
            }
            // The background build's log and lock are ours too; they go with the last hook.
            let mut left = Vec::new();
            if all {
                let common = repo.common_dir().to_path_buf();
                let mut git_dirs = vec![common.clone()];
                if let Ok(names) = repo.git().worktrees() {
                    git_dirs.extend(
                        names
                            .iter()
                            .flatten()
                            .flatten()
                            .map(|n| common.join("worktrees").join(n)),
                    );
                }
                for git_dir in git_dirs {
                    if background::remove_state(&git_dir)? {
                        left.push(git_dir.join(background::DIR));
                    }
                }
            }
            if format == Format::Json {
                let hooks: Vec<_> = done
                    .iter()
                    .map(|(hook, action)| serde_json::json!({ "hook": hook, "result": action }))
                    .collect();
                print_json(
                    &serde_json::json!({ "hooks_dir": installer.dir(), "hooks": hooks, "left": left }),
                );
            } else {
                println!("hooks in {shown_dir}:");
                for (hook, action) in &done {
                    let what = match action {
                        Removed::Removed => "removed".to_string(),
                        Removed::Restored => "removed; the hook it kept is back in place".to_string(),
                        Removed::NotOurs { stranded: None } => "not dockwright's; left alone".to_string(),
                        Removed::NotOurs { stranded: Some(kept) } => format!(
                            "not dockwright's; left alone, and so is `{}`, a hook kept by an earlier install",
                            name(kept)
                        ),
                        Removed::Nothing => "not installed".to_string(),
                    };
                    println!("  {:13}  {what}", hook.name());
                }
                for dir in &left {
                    println!(
                        "a background build is running; `{}` stays until it ends",
                        dir.display()
                    );
                }
            }
        }
        Sub::Status { format } => {
            let mut all = Vec::new();
            for hook in Hook::ALL {
                all.push(installer.status(hook, &binary(hook).0)?);
            }
            if format == Format::Json {
                print_json(&serde_json::json!({ "hooks_dir": installer.dir(), "hooks": all }));
            } else {
                let colour = stdout_colour();
                println!("hooks in {shown_dir}:");
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

fn chosen(hooks: Vec<Hook>) -> Vec<Hook> {
    if hooks.is_empty() {
        Hook::ALL.to_vec()
    } else {
        let mut hooks = hooks;
        hooks.sort();
        hooks.dedup();
        hooks
    }
}

/// The hook binary to install, and whether it exists; when it does not, the path it would have
/// next to this executable (the shim then searches PATH).
fn binary(hook: Hook) -> (PathBuf, bool) {
    match install::find_binary(hook) {
        Some(path) => (path, true),
        None => {
            let beside = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            (beside.join(hook.binary_name()), false)
        }
    }
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
