//! The `nu_plugin_dockwright` binary: Nushell starts it and talks to it over stdin/stdout.

use nu_plugin::{serve_plugin, MsgPackSerializer};
use nu_plugin_dockwright::DockwrightPlugin;

fn main() {
    serve_plugin(&DockwrightPlugin, MsgPackSerializer)
}
