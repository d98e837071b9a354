//! Links dockwright's own binaries (the CLI and the git hooks) as position-dependent executables
//! on Linux with glibc.
//!
//! Start-up is most of what `dockwright status` and a hook cost: a position-independent
//! executable has some eleven thousand relative relocations that the dynamic loader applies at
//! every start, touching (and copying) the pages that hold them. Linked with `-no-pie`, the
//! addresses are fixed at link time: ~55 fewer page faults and ~0.6 ms less per `status` on our
//! CI machine (see the README's Speed section). The price is that the executable's own code is
//! not placed at a random address (shared libraries still are). Only `[[bin]]` targets get the
//! flag: proc macros and other shared objects must stay position-independent.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
