//! `nu_plugin_dockwright`: every dockwright command as a Nushell command that returns records
//! and tables instead of text.
//!
//! Each command lives in its own file under [`commands`] and is argument handling plus one call
//! into the `dockwright` core. What they share (the caller's directory and environment, the engine
//! connection, errors labelled on the argument at fault, Ctrl-C) is in [`context`].

pub mod commands;
pub mod context;
mod values;

// Build progress and test output on stderr, rendered as the CLI and the hooks render them: the
// faces' one presentation module, compiled into each face (the core library never sees it).
#[path = "../../../src/cli/term.rs"]
mod term;

use nu_plugin::{Plugin, PluginCommand};

/// The plugin: registers every `dockwright …` command.
pub struct DockwrightPlugin;

impl Plugin for DockwrightPlugin {
    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").into()
    }

    fn commands(&self) -> Vec<Box<dyn PluginCommand<Plugin = Self>>> {
        commands::all()
    }
}
