# Development tasks for dockwright itself. `just --list` shows them.

# Build every binary.
build:
    cargo build --workspace

# Run the whole test suite (needs the Docker engine; makes its base images once).
test:
    bash tests/images/busybox.sh
    bash tests/images/debian.sh
    cargo test --workspace

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
