//! PHP with Composer. `composer install` installs `require-dev` unless told `--no-dev`, and the
//! install here never says that: PHPUnit is usually there.

use super::{capture, first, found, Detection, Language, Note, Project, Recipe, Stack, Version};
use crate::error::Result;

/// PHP.
pub struct Php;

/// The files that show a PHP app without Composer.
const ENTRIES: &[&str] = &["index.php", "public/index.php"];

/// The test command of a project without Composer: it fails, saying what to do.
const NO_TEST: &str =
    "echo 'no composer.json, so no PHPUnit: set `test` in dockwright.toml' >&2; exit 1";

static STACKS: &[Stack] = &[Stack {
    id: "php",
    language: "php",
    manager: "Composer",
    default_version: "8.2",
    // A project without Composer copies nothing.
    required: &[],
    optional: &["composer.json", "composer.lock"],
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
            return vec![found("php", "found `composer.json`")];
        }
        // A PHP app without Composer: its pages, at the top or under `public/`.
        match ENTRIES.iter().find(|e| p.has(e)) {
            Some(entry) => vec![found(
                "php",
                format!("found `{entry}` without `composer.json`"),
            )],
            None => Vec::new(),
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (
                "composer.json",
                p.json("composer.json")
                    .and_then(|v| capture(v["require"]["php"].as_str()?, r"(\d+\.\d+)")),
            ),
            (
                "Dockerfile",
                p.dockerfile_tag(&["php"])
                    .and_then(|(tag, _)| capture(&tag, r"^(\d+\.\d+)")),
            ),
        ])
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let root = if p.exists("public") { "public" } else { "." };
        let serve = format!("php -S 0.0.0.0:{{port}} -t {root}");
        if !p.has("composer.json") {
            return Ok(Recipe {
                install: "true".into(),
                test_deps: String::new(),
                included: Vec::new(),
                dev: serve.clone(),
                prod: serve,
                vars: vec![("test_command", NO_TEST.into())],
                // No `vendor` to make a mount point for.
                notes: vec![Note::guess(
                    "test_command",
                    "none: without `composer.json` there is no PHPUnit, so `dockwright test` fails until you set `test` in dockwright.toml",
                )],
            });
        }
        let composer = p.json("composer.json").unwrap_or_default();
        let included = match composer["require-dev"].as_object() {
            Some(dev) if !dev.is_empty() => vec![format!(
                "`require-dev` of composer.json ({})",
                dev.keys().cloned().collect::<Vec<_>>().join(", ")
            )],
            _ => Vec::new(),
        };
        Ok(Recipe {
            install: "composer install --prefer-dist --no-scripts --no-progress {test_deps}".into(),
            test_deps: String::new(),
            included,
            dev: serve.clone(),
            prod: serve,
            vars: vec![("dev_setup", "\n    mkdir -p vendor".into())],
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{project, recipe, var};
    use super::*;

    #[test]
    fn php_without_composer_is_detected_and_copies_nothing() {
        let (_d, p) = project(&[
            ("public/index.php", "<?php echo 'hi';\n"),
            ("Dockerfile", "FROM php:8.1-apache\n"),
        ]);
        assert_eq!(
            Php.detect(&p)[0].reason,
            "found `public/index.php` without `composer.json`"
        );
        let stack = Stack::by_id("php").unwrap();
        assert!(Php.manifests(stack, &p).is_empty());
        let r = recipe("php", &p);
        assert_eq!(r.dev, "php -S 0.0.0.0:{port} -t public");
        assert_eq!(var(&r, "test_command"), NO_TEST);
        assert_eq!(Php.version(&p).unwrap().value, "8.1");
    }
}
