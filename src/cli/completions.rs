//! `dockwright completions SHELL` and `dockwright manpage`: generated from the command line's
//! own definition, so they never fall behind it.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell as ClapShell;

use dockwright::error::{Error, Result};
use dockwright::exit::Exit;

/// A shell that `dockwright completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Shell {
    /// `source <(dockwright completions bash)`, or save it in
    /// `~/.local/share/bash-completion/completions/dockwright`.
    Bash,
    /// Save it as `_dockwright` in a directory of `$fpath`.
    Zsh,
    /// Save it in `~/.config/fish/completions/dockwright.fish`.
    Fish,
    /// Add it to `~/.config/elvish/rc.elv`.
    Elvish,
    /// Add it to `$PROFILE`.
    Powershell,
    /// Save it and `source` it from `config.nu` (`use` works too: it is a module of `extern`s).
    Nushell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {}

/// The completion script for `args.shell` on stdout.
pub(crate) fn exec(args: Args) -> Result<Exit> {
    let mut command = super::Cli::command();
    let mut out = Vec::new();
    let name = "dockwright";
    match args.shell {
        Shell::Bash => clap_complete::generate(ClapShell::Bash, &mut command, name, &mut out),
        Shell::Zsh => clap_complete::generate(ClapShell::Zsh, &mut command, name, &mut out),
        Shell::Fish => clap_complete::generate(ClapShell::Fish, &mut command, name, &mut out),
        Shell::Elvish => clap_complete::generate(ClapShell::Elvish, &mut command, name, &mut out),
        Shell::Powershell => {
            clap_complete::generate(ClapShell::PowerShell, &mut command, name, &mut out)
        }
        Shell::Nushell => {
            clap_complete::generate(clap_complete_nushell::Nushell, &mut command, name, &mut out)
        }
    }
    write_stdout(&out)
}

/// The manual page (roff) on stdout: `dockwright manpage > dockwright.1`, or
/// `dockwright manpage | man -l -`.
pub(crate) fn manpage(_args: ManArgs) -> Result<Exit> {
    let command = super::Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|e| {
            Error::msg(
                format!("cannot render the manual page: {e}"),
                "this is a bug; please report it",
            )
        })?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(Exit::Success),
        // `dockwright manpage | head` closes the pipe early: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Success),
        Err(e) => Err(Error::io("write", "stdout", e)),
    }
}
