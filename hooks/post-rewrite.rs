//! The `post-rewrite` git hook: git runs it through the shim that `dockwright hooks install` writes.
//! A face: git's arguments and stdin in, the core's report rendered on stderr ([`common`]).

mod common;

fn main() {
    std::process::exit(common::main("post-rewrite"));
}
