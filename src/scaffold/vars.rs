//! The variables a stack's templates are rendered with: the shared defaults, the stack's recipe
//! (read from the project: manifests, versions, frameworks, test dependencies), `--var` over both.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::stack::{Note, Stack, Version};

/// Variables that are derived from others and cannot be set with `--var`: set the source instead.
const DERIVED: &[(&str, &str)] = &[
    ("test_toml", "test_command"),
    ("dev_command_json", "dev_command"),
    ("prod_command_json", "prod_command"),
];

/// The variables a project's templates are rendered with, and the test dependencies its
/// install includes (for people).
#[derive(Debug, Clone)]
pub struct Computed {
    /// Every variable, by name.
    pub vars: BTreeMap<String, String>,
    /// The test dependencies the runtime image installs, as `init` reports them.
    pub test_deps: Vec<String>,
    /// What the stack read from the project and what it guessed, but for the variables that
    /// `--var` set.
    pub notes: Vec<Note>,
}

/// The variables for `stack` in `dir`, with `overrides` (from `--var`) applied: the shared
/// defaults, then the stack's [`Recipe`](crate::stack::Recipe), then `--var`.
pub fn compute(
    dir: &Path,
    stack: &Stack,
    version: &Version,
    overrides: &BTreeMap<String, String>,
) -> Result<Computed> {
    let mut v: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |k: &str, val: String| {
        v.insert(k.to_string(), val);
    };
    set("stack", stack.id.into());
    set("version", version.value.clone());
    set("uid", "1000".into());
    set("gid", "1000".into());
    set("port", stack.port.to_string());
    set("service", crate::config::DEFAULT_SERVICE.into());
    // The service's directory relative to the repository root, when `init` runs in a subfolder.
    set("context", String::new());
    set("workdir", "/app".into());
    set("os_user", "app".into());
    set("test_command", stack.test.into());
    set("dev_setup", String::new());
    set("sandbox_env", "# NAME = \"value\"".into());

    let recipe = stack.recipe(dir, version)?;
    set("manifests", stack.manifests(dir).join(" "));
    set("install", recipe.install);
    set("test_deps", recipe.test_deps);
    set("dev_command", recipe.dev);
    set("prod_command", recipe.prod);
    for (key, value) in recipe.vars {
        set(key, value);
    }
    let mut test_deps = recipe.included;
    let mut notes: Vec<crate::stack::Note> = recipe
        .notes
        .into_iter()
        .filter(|n| !overrides.contains_key(n.var))
        .collect();

    for (key, value) in overrides {
        if let Some((_, source)) = DERIVED.iter().find(|(k, _)| k == key) {
            return Err(Error::msg(
                format!("`--var {key}` cannot be set: it is made from `{source}`"),
                format!("pass `--var {source}=…` instead"),
            ));
        }
        if !v.contains_key(key) {
            let known: Vec<&str> = v.keys().map(String::as_str).collect();
            let help = match crate::suggest::closest(key, known.iter().copied()) {
                Some(close) => format!(
                    "did you mean `{close}`? The variables of `{}` are: {}",
                    stack.id,
                    known.join(", ")
                ),
                None => format!("the variables of `{}` are: {}", stack.id, known.join(", ")),
            };
            return Err(Error::msg(
                format!("unknown variable `{key}` in `--var`"),
                help,
            ));
        }
        if key == "test_deps" {
            test_deps = vec![format!("`{value}` (from `--var test_deps`)")];
        }
        v.insert(key.clone(), value.clone());
    }
    // Commands may name other variables in braces (`{port}`), so that `--var port=…` moves them.
    for (key, names) in [
        ("dev_command", &["port", "service"][..]),
        ("prod_command", &["port", "service"][..]),
        ("install", &["test_deps"][..]),
    ] {
        let text = names
            .iter()
            .fold(v[key].clone(), |t, var| fill(&t, var, &v[*var]));
        v.insert(key.into(), text);
    }
    for note in &mut notes {
        note.value = ["port", "service"]
            .iter()
            .fold(note.value.clone(), |t, var| fill(&t, var, &v[*var]));
    }
    let test = toml::Value::String(v["test_command"].clone()).to_string();
    v.insert("test_toml".into(), test);
    for (derived, source) in [
        ("dev_command_json", "dev_command"),
        ("prod_command_json", "prod_command"),
    ] {
        let words = super::render::split(&v[source]).ok_or_else(|| {
            Error::msg(
                format!("`{source}` has an unclosed quote: `{}`", v[source]),
                format!("close the quote: `--var {source}='…'` takes a command line as a shell reads it"),
            )
        })?;
        let json = super::render::json_text(&serde_json::Value::from(words));
        v.insert(derived.into(), json);
    }
    Ok(Computed {
        vars: v,
        test_deps,
        notes,
    })
}

/// `text` with `{var}` replaced by `value`; an empty value takes one space beside it along, so
/// that `uv sync {test_deps}` is `uv sync`, not `uv sync `.
fn fill(text: &str, var: &str, value: &str) -> String {
    let placeholder = format!("{{{var}}}");
    if value.is_empty() {
        text.replace(&format!(" {placeholder}"), "")
            .replace(&format!("{placeholder} "), "")
            .replace(&placeholder, "")
    } else {
        text.replace(&placeholder, value)
    }
}

/// The values made from the variables that are not text: `copy_groups`, the manifests by the
/// directory they are copied to (`COPY a b ./`, `COPY requirements/base.txt requirements/`).
pub fn values(vars: &BTreeMap<String, String>) -> BTreeMap<String, minijinja::Value> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for file in vars
        .get("manifests")
        .map_or("", String::as_str)
        .split_whitespace()
    {
        let dest = match file.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => "./".to_string(),
        };
        match groups.iter_mut().find(|(d, _)| *d == dest) {
            Some((_, files)) => files.push(file.to_string()),
            None => groups.push((dest, vec![file.to_string()])),
        }
    }
    let groups: Vec<minijinja::Value> = groups
        .into_iter()
        .map(|(dest, files)| {
            minijinja::Value::from_pairs([
                ("dest", minijinja::Value::from(dest)),
                ("files", minijinja::Value::from(files)),
            ])
        })
        .collect();
    [("copy_groups".to_string(), minijinja::Value::from(groups))]
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_placeholder_leaves_no_double_space() {
        assert_eq!(
            fill("uv sync --frozen {test_deps}", "test_deps", ""),
            "uv sync --frozen"
        );
        assert_eq!(
            fill("{test_deps} bundle install", "test_deps", ""),
            "bundle install"
        );
        assert_eq!(
            fill("a {test_deps} && b", "test_deps", "--extra test"),
            "a --extra test && b"
        );
    }
}
