//! Go modules. `go mod download` fetches every module go.mod requires, those only the tests
//! import included.

use super::{capture, first, found, Detection, Language, Project, Recipe, Stack, Version};
use crate::error::Result;

/// Go.
pub struct Go;

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
        first(&[(
            "go.mod",
            capture(&p.read("go.mod"), r"(?m)^go\s+(\d+\.\d+)"),
        )])
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
        })
    }
}
