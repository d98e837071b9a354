//! Cargo-style external subcommands: `dockwright foo a b` runs `dockwright-foo foo a b` from
//! PATH. Like cargo, the subcommand's name is the first argument, so that one program can serve
//! several names (and tell which it was run as); its exit code passes through.

use std::ffi::OsString;
use std::process::Command;

use dockwright::error::{Error, Result};
use dockwright::exit::Exit;

/// The prefix of the hook binaries: `dockwright-hook-post-checkout` is git's to run, not a
/// subcommand, so it is never offered as one.
const HOOK_PREFIX: &str = "hook-";

pub(crate) fn exec(args: Vec<OsString>) -> Result<Exit> {
    let name = args
        .first()
        .cloned()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let program = format!("dockwright-{name}");
    let path = match which::which(&program) {
        Ok(path) => path,
        Err(_) => {
            let externals = external_names();
            let candidates = super::COMMANDS
                .iter()
                .map(|s| s.to_string())
                .chain(externals);
            let candidates: Vec<String> = candidates.collect();
            let help =
                match dockwright::suggest::closest(&name, candidates.iter().map(String::as_str)) {
                    Some(close) => {
                        format!("did you mean `{close}`? `dockwright help` lists the commands")
                    }
                    None => {
                        "`dockwright help` lists the commands; `dockwright-<name>` on PATH adds one"
                            .into()
                    }
                };
            return Err(Error::Message {
                message: format!("no such command: `{name}`"),
                help: Some(help),
                exit: Exit::Usage,
            });
        }
    };
    let status = Command::new(&path)
        .args(&args)
        .status()
        .map_err(|e| Error::io("run", &path, e))?;
    Ok(match status.code() {
        Some(0) => Exit::Success,
        Some(code) => Exit::Child(code),
        // Killed by a signal: report it the way shells do.
        None => {
            use std::os::unix::process::ExitStatusExt;
            Exit::Child(128 + status.signal().unwrap_or(0))
        }
    })
}

/// `dockwright-*` executables on PATH, by their subcommand name; the hook binaries are not
/// subcommands.
fn external_names() -> Vec<String> {
    let mut names = Vec::new();
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if let Some(name) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("dockwright-"))
                .filter(|n| !n.starts_with(HOOK_PREFIX))
            {
                names.push(name.to_string());
            }
        }
    }
    names
}
