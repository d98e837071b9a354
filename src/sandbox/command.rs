//! Which test command a service runs: `test` in `dockwright.toml`, else the stack's usual one.

use crate::config::ServiceConfig;
use crate::error::{Error, Result};
use crate::inputs::join;
use crate::tree::Tree;

/// Stack markers and the test command each implies, most specific first.
const STACKS: &[(&str, &[&str])] = &[
    ("pyproject.toml", &["pytest"]),
    ("requirements.txt", &["pytest"]),
    ("setup.py", &["pytest"]),
    ("package.json", &["npm", "test"]),
    ("Cargo.toml", &["cargo", "test"]),
    ("go.mod", &["go", "test", "./..."]),
    ("Gemfile", &["bundle", "exec", "rspec"]),
    ("pom.xml", &["mvn", "test"]),
    ("build.gradle", &["gradle", "test"]),
    ("build.gradle.kts", &["gradle", "test"]),
    ("composer.json", &["vendor/bin/phpunit"]),
];

/// The argument vector to run, and where it came from (for `--verbose`).
pub fn resolve(
    service: &ServiceConfig,
    tree: &Tree<'_>,
    given: &[String],
) -> Result<(Vec<String>, String)> {
    if !given.is_empty() {
        return Ok((given.to_vec(), "the command line".into()));
    }
    if let Some(test) = &service.test {
        return Ok((test.argv(), "dockwright.toml".into()));
    }
    for (marker, argv) in STACKS {
        let path = join(&service.context, marker);
        if matches!(tree.entry(&path), Ok(Some(crate::tree::Entry::File { .. }))) {
            return Ok((
                argv.iter().map(|s| s.to_string()).collect(),
                format!("`{path}`"),
            ));
        }
    }
    Err(Error::msg(
        format!("service `{}` has no test command and its stack is not one dockwright knows", service.name),
        format!(
            "set it in dockwright.toml:\n\n    [services.{}]\n    test = \"make test\"\n\nor pass it after `--`: `dockwright test -- make test`",
            service.name
        ),
    ))
}
