//! Go modules. `go mod download` fetches every module go.mod requires, those only the tests
//! import included.

use super::{capture, first, found, Detection, Language, Project, Recipe, Stack, Version};
use crate::error::Result;

/// Go.
pub struct Go;

/// The oldest Go with a Debian bookworm image (`golang:1.19-bookworm`).
const OLDEST_BOOKWORM: (u32, u32) = (1, 19);

/// `version` as a tag the `golang:<v>-bookworm` images have: an older Go moves up to the
/// oldest that has one, saying so (a `go` line is a minimum, so a newer Go builds the module).
fn bookworm(version: Version) -> Version {
    let number = |v: &str| -> Option<(u32, u32)> {
        let (major, minor) = v.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    match number(&version.value) {
        Some(v) if v < OLDEST_BOOKWORM => {
            let oldest = format!("{}.{}", OLDEST_BOOKWORM.0, OLDEST_BOOKWORM.1);
            Version {
                note: Some(format!(
                    "`{}` says Go {}, but Debian bookworm images start at Go {oldest}; using {oldest}",
                    version.source, version.value
                )),
                value: oldest,
                ..version
            }
        }
        _ => version,
    }
}

static STACKS: &[Stack] = &[Stack {
    id: "go",
    language: "go",
    manager: "Go modules",
    default_version: "1.19",
    required: &["go.mod"],
    optional: &["go.sum"],
    test: "go test ./...",
    port: 8080,
}];

impl Language for Go {
    fn name(&self) -> &'static str {
        "go"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if p.has("go.mod") {
            vec![found("go", "found `go.mod`")]
        } else {
            Vec::new()
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        let go_mod = p.read("go.mod");
        // `toolchain` names the Go the module is built with; `go` is only the oldest it allows.
        first(&[
            ("go.mod", capture(&go_mod, r"(?m)^toolchain\s+go(\d+\.\d+)")),
            (
                "Dockerfile",
                p.dockerfile_tag(&["golang"])
                    .and_then(|(tag, _)| capture(&tag, r"^(\d+\.\d+)")),
            ),
            ("go.mod", capture(&go_mod, r"(?m)^go\s+(\d+\.\d+)")),
        ])
        .map(bookworm)
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let module = capture(&p.read("go.mod"), r"(?m)^module\s+(\S+)");
        let binary = module
            .as_deref()
            .and_then(|m| m.rsplit('/').next())
            .unwrap_or("app")
            .to_string();
        Ok(Recipe {
            install: "go mod download {test_deps}".into(),
            test_deps: String::new(),
            included: vec![
                "the test imports' modules (`go mod download` fetches every module of go.mod)"
                    .into(),
            ],
            dev: "go run .".into(),
            prod: binary.clone(),
            vars: vec![
                ("binary", binary),
                ("sandbox_env", "GOFLAGS = \"-mod=mod\"".into()),
            ],
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::project;
    use super::*;

    fn version(files: &[(&str, &str)]) -> Version {
        let (_d, p) = project(files);
        Go.version(&p).unwrap()
    }

    #[test]
    fn the_toolchain_line_over_the_go_line() {
        let v = version(&[(
            "go.mod",
            "module example.com/a\n\ngo 1.21\n\ntoolchain go1.22.3\n",
        )]);
        assert_eq!((v.value.as_str(), v.note), ("1.22", None));
        let v = version(&[("go.mod", "module example.com/a\n\ngo 1.21.0\n")]);
        assert_eq!(v.value, "1.21");
    }

    #[test]
    fn a_go_older_than_bookworm_images_moves_up_saying_so() {
        let v = version(&[("go.mod", "module example.com/a\n\ngo 1.18\n")]);
        assert_eq!(v.value, "1.19");
        assert_eq!(
            v.note.as_deref(),
            Some("`go.mod` says Go 1.18, but Debian bookworm images start at Go 1.19; using 1.19")
        );
        let v = version(&[
            ("go.mod", "module example.com/a\n\ngo 1.20\n"),
            ("Dockerfile", "FROM golang:1.21-alpine AS build\n"),
        ]);
        assert_eq!(
            (v.value.as_str(), v.source.as_str()),
            ("1.21", "Dockerfile")
        );
    }
}
