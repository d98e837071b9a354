//! The stacks dockwright knows: a language and its package manager, such as Python with Poetry.
//!
//! Each language is one module that implements [`Language`]: which stacks it has and how a
//! project shows it uses one ([`Language::detect`]), the runtime version the project asks for,
//! the dependency manifests the runtime image copies, and the [`Recipe`] the templates are
//! rendered with: how to install the dependencies, the test dependencies included, and how to
//! run the app. `scaffold` renders the recipe, `check` reads the manifests; neither knows a
//! stack by name. Adding a stack is one module here plus its templates (see the README).

mod dotnet;
mod go;
mod java;
mod node;
mod php;
mod python;
mod ruby;
mod rust;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Every language, in the order `--stack` lists their stacks.
pub static LANGUAGES: &[&dyn Language] = &[
    &python::Python,
    &node::Node,
    &go::Go,
    &rust::Rust,
    &ruby::Ruby,
    &java::Java,
    &php::Php,
    &dotnet::Dotnet,
];

/// Dependency group names that hold what the tests need, in pyproject extras and groups, Poetry
/// groups, and Gemfile groups.
pub const TEST_GROUPS: &[&str] = &["test", "tests", "testing", "dev"];

/// A language and a package manager, such as Python with Poetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stack {
    /// The name users pass to `--stack` and the template folder: `python-poetry`.
    pub id: &'static str,
    /// The language, also the shared template folder: `python`.
    pub language: &'static str,
    /// The package manager as people call it: `Poetry`.
    pub manager: &'static str,
    /// The runtime version when the project does not say.
    pub default_version: &'static str,
    /// Manifests the runtime image always copies (they must exist to build).
    pub required: &'static [&'static str],
    /// Manifests copied when they exist (lock files, settings).
    pub optional: &'static [&'static str],
    /// The test command of `dockwright.toml`.
    pub test: &'static str,
    /// The development server's port.
    pub port: u16,
}

/// What a language module knows. Every method reads the project, never writes.
pub trait Language: Sync {
    /// The language's name, for `--stack` and the shared template folder: `python`.
    fn name(&self) -> &'static str;
    /// Its stacks, the first being the default manager.
    fn stacks(&self) -> &'static [Stack];
    /// The stacks the project's files point at, each with the reason.
    fn detect(&self, project: &Project) -> Vec<Detection>;
    /// The runtime version the project asks for, and the file it says so in.
    fn version(&self, project: &Project) -> Option<Version>;
    /// The dependency manifests the runtime image copies: by default the required ones always
    /// (a missing one is reported, not hidden) and the optional ones that exist.
    fn manifests(&self, stack: &Stack, project: &Project) -> Vec<String> {
        let mut out: Vec<String> = stack.required.iter().map(|m| m.to_string()).collect();
        out.extend(project.existing(stack.optional));
        out
    }
    /// How to install, test and run the project.
    fn recipe(&self, stack: &Stack, project: &Project, version: &Version) -> Result<Recipe>;
}

/// A detected stack and the files that gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The stack.
    pub stack: &'static Stack,
    /// Why, for people: "found `poetry.lock`".
    pub reason: String,
}

/// A version and where it was read ("default" when the project does not say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// `3.12`, `20`, `1.22`: the form the base image tags use.
    pub value: String,
    /// The file it came from, `default`, or `--var`.
    pub source: String,
    /// Why the value differs from what the file says, for people: "bookworm images start at
    /// Go 1.19".
    pub note: Option<String>,
}

/// One value a recipe read from the project, or guessed, for `init` to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The variable it sets, which `--var` changes: `dev_command`, `port`.
    pub var: &'static str,
    /// The value, for people: "`npm run start -- --host 0.0.0.0`".
    pub value: String,
    /// Where it was read ("`scripts.start` of `package.json`"); `None` for a guess.
    pub source: Option<String>,
}

impl Note {
    /// `value` of `var`, read from `source`.
    pub fn read(var: &'static str, value: impl Into<String>, source: impl Into<String>) -> Note {
        Note {
            var,
            value: value.into(),
            source: Some(source.into()),
        }
    }

    /// `value` of `var`, guessed: the project does not say.
    pub fn guess(var: &'static str, value: impl Into<String>) -> Note {
        Note {
            var,
            value: value.into(),
            source: None,
        }
    }

    /// The line `init` prints: "port: 5000, passed as `PORT` (from `src/server.js`)" or, for a guess,
    /// "port: 3000; a guess, change it with `--var port=…`".
    pub fn line(&self) -> String {
        let name = self.var.replace('_', " ");
        match &self.source {
            Some(source) => format!("{name}: {} (from {source})", self.value),
            None => format!(
                "{name}: {}; a guess, change it with `--var {}=…`",
                self.value, self.var
            ),
        }
    }
}

/// How a stack installs, tests and runs a project: the stack's part of the template variables.
#[derive(Debug, Clone, Default)]
pub struct Recipe {
    /// The command that installs the dependencies. `{test_deps}` stands for the arguments that
    /// add the test dependencies (the `test_deps` variable), so that `--var test_deps=` moves it.
    pub install: String,
    /// The install arguments that bring in the test dependencies (may be empty: the manager
    /// installs them anyway, as `included` says).
    pub test_deps: String,
    /// The test dependencies the install includes, for people: "extra `test` of pyproject.toml".
    pub included: Vec<String>,
    /// The development server's command; `{port}` and `{service}` stand for those variables.
    pub dev: String,
    /// The production command, likewise.
    pub prod: String,
    /// Variables of this stack only (`binary`, `base_image`) or over the shared defaults
    /// (`test_command`, `port`, `sandbox_env`, `dev_setup`, `os_user`).
    pub vars: Vec<(&'static str, String)>,
    /// What the recipe read from the project and what it guessed, for `init` to print.
    pub notes: Vec<Note>,
}

/// The project being read: its directory, with the small reads every module needs.
#[derive(Debug, Clone)]
pub struct Project {
    dir: PathBuf,
}

impl Project {
    /// The project in `dir`.
    pub fn new(dir: &Path) -> Project {
        Project {
            dir: dir.to_path_buf(),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `rel` is a file.
    pub fn has(&self, rel: &str) -> bool {
        self.dir.join(rel).is_file()
    }

    /// Whether `rel` exists (a file or a directory).
    pub fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).exists()
    }

    /// The text of `rel`, empty when it cannot be read: detection reads what is there.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_default()
    }

    /// `rel` parsed as TOML, when it is there and parses.
    pub fn toml(&self, rel: &str) -> Option<toml::Value> {
        toml::from_str(&self.read(rel)).ok()
    }

    /// `rel` parsed as JSON, when it is there and parses.
    pub fn json(&self, rel: &str) -> Option<serde_json::Value> {
        serde_json::from_str(&self.read(rel)).ok()
    }

    /// The names of the files at the top of the directory, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The tag of the first `FROM` of the project's own `Dockerfile` whose image is one of
    /// `images` (`node`, `python`), with the line it is on: `FROM node:17 AS build` gives
    /// `("17", 1)`. A registry or `library/` prefix is skipped; a tag made of build arguments
    /// (`node:${VERSION}`) says nothing.
    pub fn dockerfile_tag(&self, images: &[&str]) -> Option<(String, usize)> {
        let from =
            regex::Regex::new(r"(?i)^\s*FROM\s+(?:--\S+\s+)*(\S+)").expect("a valid pattern");
        self.read("Dockerfile")
            .lines()
            .enumerate()
            .find_map(|(index, line)| {
                let image = from.captures(line)?[1].to_string();
                let (name, tag) = image.split('@').next()?.rsplit_once(':')?;
                let name = name.rsplit('/').next()?;
                (images.contains(&name) && !tag.contains('$')).then(|| (tag.to_string(), index + 1))
            })
    }

    /// The files ending in `.{ext}` in the directory and `depth` levels of folders below it,
    /// shallowest first, then by path; hidden folders, virtual environments, dependencies and
    /// tests are not the app's.
    pub fn source_files(&self, ext: &str, depth: usize) -> Vec<String> {
        const SKIP: &[&str] = &[
            "node_modules",
            "venv",
            "env",
            "site-packages",
            "vendor",
            "tests",
            "test",
            "target",
            "build",
            "dist",
            "migrations",
            "__pycache__",
        ];
        let mut out = Vec::new();
        let mut level = vec![String::new()];
        for _ in 0..=depth {
            let mut next = Vec::new();
            for rel in &level {
                let Ok(entries) = std::fs::read_dir(self.dir.join(rel)) else {
                    continue;
                };
                let mut names: Vec<(String, bool)> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (name, e.path().is_dir())
                    })
                    .collect();
                names.sort();
                for (name, is_dir) in names {
                    let path = if rel.is_empty() {
                        name.clone()
                    } else {
                        format!("{rel}/{name}")
                    };
                    if is_dir {
                        if !name.starts_with('.') && !SKIP.contains(&name.as_str()) {
                            next.push(path);
                        }
                    } else if name.ends_with(&format!(".{ext}")) {
                        out.push(path);
                    }
                }
            }
            level = next;
        }
        out
    }

    /// Those of `names` that are files, in order.
    pub fn existing(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .filter(|n| self.has(n))
            .map(|n| n.to_string())
            .collect()
    }
}

impl Stack {
    /// Every stack, in the order `--stack` lists them.
    pub fn all() -> impl Iterator<Item = &'static Stack> {
        LANGUAGES.iter().flat_map(|l| l.stacks().iter())
    }

    /// The stack with this id.
    pub fn by_id(id: &str) -> Option<&'static Stack> {
        Stack::all().find(|s| s.id == id)
    }

    /// The stacks of a language, the first being its default manager.
    pub fn of_language(language: &str) -> impl Iterator<Item = &'static Stack> + '_ {
        Stack::all().filter(move |s| s.language == language)
    }

    /// Every id and language name `--stack` accepts.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Stack::all().map(|s| s.id).collect();
        for language in LANGUAGES.iter().map(|l| l.name()) {
            if !names.contains(&language) {
                names.push(language);
            }
        }
        names
    }

    /// The module that knows this stack.
    pub fn family(&self) -> &'static dyn Language {
        *LANGUAGES
            .iter()
            .find(|l| l.name() == self.language)
            .expect("every stack's language is in LANGUAGES")
    }

    /// The runtime version the project in `dir` asks for, or the default.
    pub fn version(&self, dir: &Path) -> Version {
        self.family()
            .version(&Project::new(dir))
            .unwrap_or_else(|| Version {
                value: self.default_version.to_string(),
                source: "default".into(),
                note: None,
            })
    }

    /// The dependency manifests the runtime image copies for the project in `dir`.
    pub fn manifests(&self, dir: &Path) -> Vec<String> {
        self.family().manifests(self, &Project::new(dir))
    }

    /// The recipe for the project in `dir`.
    pub fn recipe(&self, dir: &Path, version: &Version) -> Result<Recipe> {
        self.family().recipe(self, &Project::new(dir), version)
    }
}

/// The detection of `id` (a known stack id) with `reason`.
fn found(id: &str, reason: impl Into<String>) -> Detection {
    Detection {
        stack: Stack::by_id(id).expect("known stack id"),
        reason: reason.into(),
    }
}

/// The dependency manifests the runtime image copies for the project in `dir`.
pub fn manifests(dir: &Path, stack: &Stack) -> Vec<String> {
    stack.manifests(dir)
}

/// Detects the stack of the project in `dir`, or takes `requested` (a stack id or a language).
pub fn detect(dir: &Path, requested: Option<&str>) -> Result<Detection> {
    let project = Project::new(dir);
    let found: Vec<Detection> = LANGUAGES.iter().flat_map(|l| l.detect(&project)).collect();
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

/// Every stack the files of `dir` point at.
pub fn detected(dir: &Path) -> Vec<Detection> {
    let project = Project::new(dir);
    LANGUAGES.iter().flat_map(|l| l.detect(&project)).collect()
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
    let help = match crate::suggest::closest(name, names.iter().copied()) {
        Some(close) => format!(
            "did you mean `{close}`? The stacks are: {}",
            names.join(", ")
        ),
        None => format!("the stacks are: {}", names.join(", ")),
    };
    Err(Error::msg(format!("unknown stack `{name}`"), help))
}

/// The first group of the first match of `pattern` in `text`.
pub(crate) fn capture(text: &str, pattern: &str) -> Option<String> {
    regex::Regex::new(pattern)
        .ok()?
        .captures(text)
        .map(|c| c[1].to_string())
}

/// The first of `options` that holds a version, as a [`Version`] read from that file.
fn first(options: &[(&str, Option<String>)]) -> Option<Version> {
    options.iter().find_map(|(file, v)| {
        v.clone().map(|value| Version {
            value,
            source: file.to_string(),
            note: None,
        })
    })
}

/// `3.12.1` → `3.12`; anything without two numbers → none.
fn major_minor(text: &str) -> Option<String> {
    capture(text.trim(), r"^v?(\d+\.\d+)")
}

/// `v20.11.0`, `20`, `>=18` → the first number; `lts/*` → none.
fn major(text: &str) -> Option<String> {
    capture(text.trim(), r"^[^\d/]*(\d+)")
}

/// Those of `names` that are in [`TEST_GROUPS`], in their order.
fn test_groups<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| TEST_GROUPS.contains(&n.to_lowercase().as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A project made of `files` (path, text) in a temporary directory.
    pub(crate) fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let p = Project::new(dir.path());
        (dir, p)
    }

    /// The recipe of stack `id` for `p`.
    pub(crate) fn recipe(id: &str, p: &Project) -> Recipe {
        let stack = Stack::by_id(id).unwrap();
        stack.recipe(p.dir(), &stack.version(p.dir())).unwrap()
    }

    /// The value of variable `key` in `r`.
    pub(crate) fn var<'a>(r: &'a Recipe, key: &str) -> &'a str {
        r.vars
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no `{key}` in {:?}", r.vars))
    }

    #[test]
    fn the_dockerfile_from_names_a_version() {
        let (_d, p) = project(&[(
            "Dockerfile",
            "# syntax=docker/dockerfile:1\nARG V=3\nFROM --platform=$BUILDPLATFORM docker.io/library/python:3.10-alpine AS build\nFROM node:${V}\nFROM node:17 AS web\n",
        )]);
        assert_eq!(
            p.dockerfile_tag(&["python"]),
            Some(("3.10-alpine".into(), 3))
        );
        // A tag made of build arguments says nothing; the next FROM of the image does.
        assert_eq!(p.dockerfile_tag(&["node"]), Some(("17".into(), 5)));
        assert_eq!(p.dockerfile_tag(&["golang"]), None);
    }

    #[test]
    fn source_files_are_the_apps_shallowest_first() {
        let (_d, p) = project(&[
            ("app/main.py", ""),
            ("app/api/routes.py", ""),
            ("setup.py", ""),
            (".venv/lib/x.py", ""),
            ("venv/x.py", ""),
            ("tests/test_x.py", ""),
            ("a/b/c/deep.py", ""),
        ]);
        assert_eq!(
            p.source_files("py", 2),
            ["setup.py", "app/main.py", "app/api/routes.py"]
        );
    }

    #[test]
    fn version_strings_in_the_wild() {
        assert_eq!(major_minor("3.12.1\n").as_deref(), Some("3.12"));
        assert_eq!(major("v20.11.0").as_deref(), Some("20"));
        assert_eq!(major(">=18.0.0").as_deref(), Some("18"));
        assert_eq!(major("lts/*"), None);
    }

    #[test]
    fn every_stack_belongs_to_its_language_module() {
        for stack in Stack::all() {
            assert_eq!(stack.family().name(), stack.language, "{}", stack.id);
        }
        let ids: Vec<&str> = Stack::all().map(|s| s.id).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "stack ids are unique: {ids:?}");
    }
}
