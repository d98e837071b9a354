//! The `post-merge` git hook: git runs it through the shim that `dockwright hooks install` writes.

fn main() {
    std::process::exit(dockwright::hooks::main("post-merge"));
}
