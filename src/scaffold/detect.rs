//! Which stack a project is, from its files, and why: the reason is printed so that a wrong
//! guess is obvious and `--stack` can correct it.

use std::path::Path;

use super::stack::Stack;
use crate::error::{Error, Result};

/// A detected stack and the files that gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The stack.
    pub stack: &'static Stack,
    /// Why, for people: "found `poetry.lock`".
    pub reason: String,
}

/// Detects the stack of the project in `dir`, or takes `requested` (a stack id or a language).
pub fn detect(dir: &Path, requested: Option<&str>) -> Result<Detection> {
    let found = candidates(dir);
    match requested {
        Some(name) => by_request(name, &found),
        None => match found.as_slice() {
            [] => Err(Error::msg(
                format!("no stack detected in `{}`: no dependency manifest found", dir.display()),
                format!("pass `--stack`, one of: {}", Stack::names().join(", ")),
            )),
            [one] => Ok(one.clone()),
            many => Err(Error::msg(
                format!(
                    "the project looks like more than one stack: {}",
                    many.iter().map(|d| format!("`{}` ({})", d.stack.id, d.reason)).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "pass `--stack` to choose, such as `--stack {}`; for a monorepo, run `dockwright init DIR` in each service's directory",
                    many[0].stack.id
                ),
            )),
        },
    }
}

fn by_request(name: &str, found: &[Detection]) -> Result<Detection> {
    if let Some(stack) = Stack::by_id(name) {
        return Ok(Detection {
            stack,
            reason: format!("`--stack {name}`"),
        });
    }
    let mut of_language = Stack::of_language(name).peekable();
    if let Some(default) = of_language.peek().copied() {
        // A language alone: its manager from the files when they say, else the default one.
        return Ok(match found.iter().find(|d| d.stack.language == name) {
            Some(d) => Detection {
                stack: d.stack,
                reason: format!("`--stack {name}`, {}", d.reason),
            },
            None => Detection {
                stack: default,
                reason: format!("`--stack {name}`, {} by default", default.manager),
            },
        });
    }
    let names = Stack::names();
    let help = match crate::cli::closest(name, names.iter().copied()) {
        Some(close) => format!(
            "did you mean `{close}`? The stacks are: {}",
            names.join(", ")
        ),
        None => format!("the stacks are: {}", names.join(", ")),
    };
    Err(Error::msg(format!("unknown stack `{name}`"), help))
}

/// Every stack the files of `dir` point at, one per language.
fn candidates(dir: &Path) -> Vec<Detection> {
    let has = |name: &str| dir.join(name).is_file();
    let found = |id: &str, reason: String| Detection {
        stack: Stack::by_id(id).expect("known stack id"),
        reason,
    };
    let mut out = Vec::new();

    let pyproject = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap_or_default();
    if has("poetry.lock") {
        out.push(found("python-poetry", "found `poetry.lock`".into()));
    } else if has("uv.lock") {
        out.push(found("python-uv", "found `uv.lock`".into()));
    } else if pyproject.contains("[tool.poetry") {
        out.push(found(
            "python-poetry",
            "found `[tool.poetry]` in `pyproject.toml`".into(),
        ));
    } else if has("requirements.txt") {
        out.push(found("python-pip", "found `requirements.txt`".into()));
    } else if has("pyproject.toml") {
        out.push(found(
            "python-uv",
            "found `pyproject.toml` without a lock file; uv installs from it".into(),
        ));
    }

    if has("package.json") {
        let locks: Vec<(&str, &str)> = [
            ("pnpm-lock.yaml", "node-pnpm"),
            ("yarn.lock", "node-yarn"),
            ("package-lock.json", "node-npm"),
        ]
        .into_iter()
        .filter(|(lock, _)| has(lock))
        .collect();
        match locks.as_slice() {
            [(lock, id)] => out.push(found(id, format!("found `package.json` and `{lock}`"))),
            [] => {
                let manifest =
                    std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
                let declared = serde_json::from_str::<serde_json::Value>(&manifest)
                    .ok()
                    .and_then(|v| v["packageManager"].as_str().map(str::to_string));
                match declared.as_deref().and_then(|d| d.split('@').next()) {
                    Some(pm @ ("pnpm" | "yarn")) => out.push(found(
                        &format!("node-{pm}"),
                        format!(
                            "found `\"packageManager\": \"{}\"` in `package.json`",
                            declared.clone().unwrap_or_default()
                        ),
                    )),
                    _ => out.push(found(
                        "node-npm",
                        "found `package.json` without a lock file".into(),
                    )),
                }
            }
            // Two lock files: each is a stack of its own until the user says which one is real.
            many => {
                for (lock, id) in many {
                    out.push(found(id, format!("found `{lock}`")));
                }
            }
        }
    }

    if has("go.mod") {
        out.push(found("go", "found `go.mod`".into()));
    }
    if has("Cargo.toml") {
        out.push(found("rust", "found `Cargo.toml`".into()));
    }
    if has("Gemfile") {
        out.push(found("ruby", "found `Gemfile`".into()));
    }
    if has("pom.xml") {
        out.push(found("java-maven", "found `pom.xml`".into()));
    } else if let Some(file) = [
        "build.gradle.kts",
        "build.gradle",
        "settings.gradle.kts",
        "settings.gradle",
    ]
    .into_iter()
    .find(|f| has(f))
    {
        out.push(found("java-gradle", format!("found `{file}`")));
    }
    if has("composer.json") {
        out.push(found("php", "found `composer.json`".into()));
    }
    if let Some(file) =
        dotnet_project(dir).or_else(|| has("global.json").then(|| "global.json".to_string()))
    {
        out.push(found("dotnet", format!("found `{file}`")));
    }
    out
}

/// The first `.csproj`, `.fsproj` or `.sln` at the top of `dir`, by name.
pub fn dotnet_project(dir: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.ends_with(".csproj")
                || n.ends_with(".fsproj")
                || n.ends_with(".vbproj")
                || n.ends_with(".sln")
        })
        .collect();
    // A project file before a solution: restore needs the project, the solution only lists it.
    names.sort_by_key(|n| (n.ends_with(".sln"), n.clone()));
    names.into_iter().next()
}
