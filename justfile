# Development tasks for dockwright itself. `just --list` shows them.

# Build every binary.
build:
    cargo build --workspace

# `.ci/setup` installs what the tests use once per machine, `nu` included.
# Run the whole test suite, as the README says (needs the Docker engine).
test:
    bash .ci/setup
    cargo test --workspace

# Uses the installed binary, or `DOCKWRIGHT=path`.
# Show dockwright's main job on a sample project made and removed on the spot.
demo:
    bash .ci/demo

# Lints as CI runs them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Where `just init` installs the binaries (`<root>/bin`): `$DOCKWRIGHT_INSTALL_ROOT`, else cargo's.
install_root := env('DOCKWRIGHT_INSTALL_ROOT', env('CARGO_HOME', home_directory() / '.cargo'))

# `dockwright init` never overwrites a file; `cargo install` puts `dockwright` and the
# `dockwright-hook-*` binaries in `<install_root>/bin`, where the installed hooks find them.
# Install this checkout's binaries, then run `dockwright init` and `dockwright hooks install` in DIR.
init dir:
    cargo install --path . --locked --root '{{install_root}}'
    cd '{{invocation_directory()}}' && cd '{{dir}}' && '{{install_root}}/bin/dockwright' init && '{{install_root}}/bin/dockwright' hooks install
