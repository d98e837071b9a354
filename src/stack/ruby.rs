//! Ruby with Bundler. The Gemfile's `test` and `development` groups are named in `BUNDLE_WITH`,
//! so a group marked optional is installed too.

use super::{
    capture, first, found, major_minor, Detection, Language, Project, Recipe, Stack, Version,
};
use crate::error::Result;

/// Ruby.
pub struct Ruby;

static STACKS: &[Stack] = &[Stack {
    id: "ruby",
    language: "ruby",
    manager: "Bundler",
    default_version: "3.1",
    required: &["Gemfile"],
    optional: &["Gemfile.lock"],
    test: "bundle exec rake test",
    port: 3000,
}];

impl Language for Ruby {
    fn name(&self) -> &'static str {
        "ruby"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if p.has("Gemfile") {
            vec![found("ruby", "found `Gemfile`")]
        } else {
            Vec::new()
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (
                ".ruby-version",
                major_minor(p.read(".ruby-version").trim().trim_start_matches("ruby-")),
            ),
            (
                "Gemfile",
                capture(&p.read("Gemfile"), r#"(?m)^\s*ruby\s+["'][^\d]*(\d+\.\d+)"#),
            ),
            (
                "Dockerfile",
                p.dockerfile_tag(&["ruby"])
                    .and_then(|(tag, _)| major_minor(&tag)),
            ),
        ])
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let gemfile = p.read("Gemfile");
        let deps = format!("{gemfile}\n{}", p.read("Gemfile.lock")).to_lowercase();
        // `group :development, :test do` names the groups as symbols or strings.
        let groups = regex::Regex::new(r#"(?m)^\s*group\s+(.+?)\s+do\b"#).expect("a valid pattern");
        let mut named: Vec<String> = Vec::new();
        for line in groups.captures_iter(&gemfile) {
            for name in line[1].split(',') {
                let name = name
                    .trim()
                    .trim_start_matches(':')
                    .trim_matches(['"', '\'']);
                if ["test", "development"].contains(&name) && !named.iter().any(|n| n == name) {
                    named.push(name.to_string());
                }
            }
        }
        named.sort();
        let test_deps = if named.is_empty() {
            String::new()
        } else {
            format!("BUNDLE_WITH={}", named.join(":"))
        };
        let included = named
            .iter()
            .map(|g| format!("Gemfile group `{g}`"))
            .collect();
        let frozen = if p.has("Gemfile.lock") {
            "BUNDLE_FROZEN=true "
        } else {
            ""
        };
        let mut vars = Vec::new();
        if p.exists("spec") || deps.contains("rspec") {
            vars.push(("test_command", "bundle exec rspec".to_string()));
        }
        let (dev, prod) = if deps.contains("rails") {
            (
                "bin/rails server --binding 0.0.0.0 --port {port} --pid /tmp/server.pid",
                "bin/rails server --binding 0.0.0.0 --port {port} --pid /tmp/server.pid",
            )
        } else if p.exists("config.ru") {
            (
                "bundle exec rackup --host 0.0.0.0 --port {port}",
                "bundle exec rackup --host 0.0.0.0 --port {port}",
            )
        } else {
            ("ruby app.rb", "ruby app.rb")
        };
        Ok(Recipe {
            install: format!("{frozen}{{test_deps}} bundle install"),
            test_deps,
            included,
            dev: dev.into(),
            prod: prod.into(),
            vars,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::project;
    use super::*;

    #[test]
    fn the_dockerfile_version_when_nothing_else_says() {
        let (_d, p) = project(&[
            ("Gemfile", "source 'https://rubygems.org'\ngem 'sinatra'\n"),
            ("Dockerfile", "FROM ruby:3.2.2-alpine\n"),
        ]);
        let v = Ruby.version(&p).unwrap();
        assert_eq!((v.value.as_str(), v.source.as_str()), ("3.2", "Dockerfile"));
    }
}
