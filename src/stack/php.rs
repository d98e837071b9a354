//! PHP with Composer. `composer install` installs `require-dev` unless told `--no-dev`, and the
//! install here never says that: PHPUnit is usually there.

use super::{capture, first, found, Detection, Language, Project, Recipe, Stack, Version};
use crate::error::Result;

/// PHP.
pub struct Php;

static STACKS: &[Stack] = &[Stack {
    id: "php",
    language: "php",
    manager: "Composer",
    default_version: "8.2",
    required: &["composer.json"],
    optional: &["composer.lock"],
    test: "vendor/bin/phpunit",
    port: 8000,
}];

impl Language for Php {
    fn name(&self) -> &'static str {
        "php"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if p.has("composer.json") {
            vec![found("php", "found `composer.json`")]
        } else {
            Vec::new()
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[(
            "composer.json",
            p.json("composer.json")
                .and_then(|v| capture(v["require"]["php"].as_str()?, r"(\d+\.\d+)")),
        )])
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let composer = p.json("composer.json").unwrap_or_default();
        let included = match composer["require-dev"].as_object() {
            Some(dev) if !dev.is_empty() => vec![format!(
                "`require-dev` of composer.json ({})",
                dev.keys().cloned().collect::<Vec<_>>().join(", ")
            )],
            _ => Vec::new(),
        };
        let root = if p.exists("public") { "public" } else { "." };
        let serve = format!("php -S 0.0.0.0:{{port}} -t {root}");
        Ok(Recipe {
            install: "composer install --prefer-dist --no-scripts --no-progress {test_deps}".into(),
            test_deps: String::new(),
            included,
            dev: serve.clone(),
            prod: serve,
            vars: vec![("dev_setup", "\n    mkdir -p vendor".into())],
        })
    }
}
