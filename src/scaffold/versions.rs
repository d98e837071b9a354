//! The runtime version a project asks for, read from its own files, so the base image matches
//! what the developer already runs. Each reader returns the version and the file it came from.

use std::path::Path;

use regex::Regex;

use super::stack::Stack;

/// A version and where it was read ("default" when the project does not say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// `3.12`, `20`, `1.22`: the form the base image tags use.
    pub value: String,
    /// The file it came from, or `default`.
    pub source: String,
}

/// The runtime version of `stack` for the project in `dir`.
pub fn read(dir: &Path, stack: &Stack) -> Version {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let found = match stack.language {
        "python" => first(&[
            (".python-version", read(".python-version").and_then(|t| major_minor(t.lines().next()?))),
            ("pyproject.toml", read("pyproject.toml").and_then(|t| pyproject_python(&t))),
        ]),
        "node" => first(&[
            (".nvmrc", read(".nvmrc").and_then(|t| major(&t))),
            (".node-version", read(".node-version").and_then(|t| major(&t))),
            ("package.json", read("package.json").and_then(|t| engines_node(&t))),
        ]),
        "go" => first(&[("go.mod", read("go.mod").and_then(|t| capture(&t, r"(?m)^go\s+(\d+\.\d+)")))]),
        "rust" => first(&[
            ("rust-toolchain.toml", read("rust-toolchain.toml").and_then(|t| capture(&t, r#"channel\s*=\s*"(\d+\.\d+)"#))),
            ("rust-toolchain", read("rust-toolchain").and_then(|t| major_minor(t.trim()))),
            ("Cargo.toml", read("Cargo.toml").and_then(|t| capture(&t, r#"rust-version\s*=\s*"(\d+\.\d+)"#))),
        ]),
        "ruby" => first(&[
            (".ruby-version", read(".ruby-version").and_then(|t| major_minor(t.trim().trim_start_matches("ruby-")))),
            ("Gemfile", read("Gemfile").and_then(|t| capture(&t, r#"(?m)^\s*ruby\s+["'][^\d]*(\d+\.\d+)"#))),
        ]),
        "java" => first(&[
            ("pom.xml", read("pom.xml").and_then(|t| {
                capture(&t, r"<(?:maven\.compiler\.release|java\.version|maven\.compiler\.source)>\s*(?:1\.)?(\d+)")
            })),
            ("build.gradle.kts", read("build.gradle.kts").and_then(|t| gradle_java(&t))),
            ("build.gradle", read("build.gradle").and_then(|t| gradle_java(&t))),
        ]),
        "php" => first(&[("composer.json", read("composer.json").and_then(|t| composer_php(&t)))]),
        "dotnet" => {
            let project = super::detect::dotnet_project(dir).filter(|p| !p.ends_with(".sln"));
            let from_project = project.as_deref().and_then(|p| {
                read(p).and_then(|t| capture(&t, r"<TargetFrameworks?>\s*net(\d+\.\d+)")).map(|v| (p.to_string(), v))
            });
            first(&[("global.json", read("global.json").and_then(|t| global_json(&t)))]).or(from_project)
        }
        _ => None,
    };
    match found {
        Some((source, value)) => Version { value, source },
        None => Version {
            value: stack.default_version.to_string(),
            source: "default".into(),
        },
    }
}

fn first(options: &[(&str, Option<String>)]) -> Option<(String, String)> {
    options
        .iter()
        .find_map(|(file, v)| v.clone().map(|v| (file.to_string(), v)))
}

/// The first group of the first match of `pattern` in `text`.
pub fn capture_first(text: &str, pattern: &str) -> Option<String> {
    capture(text, pattern)
}

fn capture(text: &str, pattern: &str) -> Option<String> {
    Regex::new(pattern)
        .ok()?
        .captures(text)
        .map(|c| c[1].to_string())
}

/// `3.12.1` → `3.12`; `v20.11.0` → none (use [`major`]); anything without two numbers → none.
fn major_minor(text: &str) -> Option<String> {
    capture(text.trim(), r"^v?(\d+\.\d+)")
}

/// `v20.11.0`, `20`, `>=18` → the first number; `lts/*` → none.
fn major(text: &str) -> Option<String> {
    capture(text.trim(), r"^[^\d/]*(\d+)")
}

fn pyproject_python(text: &str) -> Option<String> {
    let value: toml::Value = toml::from_str(text).ok()?;
    let spec = value
        .get("project")
        .and_then(|p| p.get("requires-python"))
        .and_then(|v| v.as_str())
        .or_else(|| {
            value
                .get("tool")?
                .get("poetry")?
                .get("dependencies")?
                .get("python")?
                .as_str()
        })?;
    capture(spec, r"(\d+\.\d+)")
}

fn engines_node(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    major(value["engines"]["node"].as_str()?)
}

fn gradle_java(text: &str) -> Option<String> {
    capture(
        text,
        r"(?:JavaLanguageVersion\.of\(|JavaVersion\.VERSION_(?:1_)?|sourceCompatibility\s*=\s*['\x22]?)(\d+)",
    )
}

fn composer_php(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    capture(value["require"]["php"].as_str()?, r"(\d+\.\d+)")
}

fn global_json(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    capture(value["sdk"]["version"].as_str()?, r"^(\d+\.\d+)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_strings_in_the_wild() {
        assert_eq!(major_minor("3.12.1\n").as_deref(), Some("3.12"));
        assert_eq!(major("v20.11.0").as_deref(), Some("20"));
        assert_eq!(major(">=18.0.0").as_deref(), Some("18"));
        assert_eq!(major("lts/*"), None);
        assert_eq!(
            pyproject_python("[project]\nrequires-python = \">=3.10\"\n").as_deref(),
            Some("3.10")
        );
        assert_eq!(
            pyproject_python("[tool.poetry.dependencies]\npython = \"^3.12\"\n").as_deref(),
            Some("3.12")
        );
        assert_eq!(
            gradle_java("java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }")
                .as_deref(),
            Some("21")
        );
        assert_eq!(
            gradle_java("sourceCompatibility = '11'").as_deref(),
            Some("11")
        );
        assert_eq!(
            composer_php(r#"{"require": {"php": "^8.3"}}"#).as_deref(),
            Some("8.3")
        );
        assert_eq!(
            global_json(r#"{"sdk": {"version": "9.0.100"}}"#).as_deref(),
            Some("9.0")
        );
    }
}
