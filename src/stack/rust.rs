//! Rust with Cargo. `cargo fetch` fetches `[dev-dependencies]` with the others.

use super::{
    capture, first, found, major_minor, Detection, Language, Project, Recipe, Stack, Version,
};
use crate::error::Result;

/// Rust.
pub struct Rust;

static STACKS: &[Stack] = &[Stack {
    id: "rust",
    language: "rust",
    manager: "Cargo",
    default_version: "1.85",
    required: &["Cargo.toml"],
    optional: &["Cargo.lock"],
    test: "cargo test --offline",
    port: 8080,
}];

impl Language for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if p.has("Cargo.toml") {
            vec![found("rust", "found `Cargo.toml`")]
        } else {
            Vec::new()
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (
                "rust-toolchain.toml",
                capture(
                    &p.read("rust-toolchain.toml"),
                    r#"channel\s*=\s*"(\d+\.\d+)"#,
                ),
            ),
            (
                "rust-toolchain",
                major_minor(p.read("rust-toolchain").trim()),
            ),
            (
                "Cargo.toml",
                capture(&p.read("Cargo.toml"), r#"rust-version\s*=\s*"(\d+\.\d+)"#),
            ),
            (
                "Dockerfile",
                p.dockerfile_tag(&["rust"])
                    .and_then(|(tag, _)| major_minor(&tag)),
            ),
        ])
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let cargo = p.read("Cargo.toml");
        let binary =
            capture(&cargo, r#"(?m)^name\s*=\s*"([^"]+)""#).unwrap_or_else(|| "app".into());
        let locked = if p.has("Cargo.lock") { " --locked" } else { "" };
        let included = if cargo.contains("[dev-dependencies]") {
            vec!["`[dev-dependencies]` (`cargo fetch` fetches them)".to_string()]
        } else {
            Vec::new()
        };
        Ok(Recipe {
            // `cargo fetch` needs a target to read the manifest: an empty one stands in.
            install: format!(
                "mkdir -p src && echo 'fn main() {{}}' > src/main.rs && cargo fetch{locked} {{test_deps}} && rm -rf src && chown -R \"${{UID}}:${{GID}}\" \"$CARGO_HOME\""
            ),
            test_deps: String::new(),
            included,
            dev: "cargo run".into(),
            prod: binary.clone(),
            vars: vec![("binary", binary)],
            ..Default::default()
        })
    }
}
