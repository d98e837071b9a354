//! The `dockwright` command line. It is a face of the core library: argument parsing ([`cli`])
//! and presentation ([`cli::term`]) over the library's use cases; the library knows nothing of it.

mod cli;

fn main() {
    std::process::exit(cli::run(std::env::args_os()));
}
