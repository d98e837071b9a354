//! The `dockwright` command line.

fn main() {
    std::process::exit(dockwright::cli::run(std::env::args_os()));
}
