//! The template engine: minijinja, with strict undefined variables (a typo must never ship),
//! includes and `extends` for the parts the stacks share, and two filters for commands:
//! `argv` splits a command line as a POSIX shell would, `tojson` writes it as a JSON array.
//!
//! Templates are looked up by name (`node/Dockerfile`, `common/parts/useradd`): in the user's
//! template directory first (`DOCKWRIGHT_TEMPLATES`), then in the embedded ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use super::templates;
use crate::error::{Error, Result};

/// A template environment over the embedded templates and, before them, a user's directory.
pub struct Engine {
    env: Environment<'static>,
    user_dir: Option<PathBuf>,
}

impl Engine {
    /// An engine that finds templates in `user_dir` first, then among the embedded ones.
    pub fn new(user_dir: Option<&Path>) -> Engine {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let dir = user_dir.map(Path::to_path_buf);
        env.set_loader(move |name| {
            if let Some(dir) = &dir {
                match std::fs::read_to_string(dir.join(name)) {
                    Ok(text) => return Ok(Some(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(minijinja::Error::new(
                            ErrorKind::InvalidOperation,
                            format!("cannot read `{}`: {e}", dir.join(name).display()),
                        ))
                    }
                }
            }
            Ok(templates::embedded(name).map(str::to_string))
        });
        env.add_filter("argv", argv);
        env.add_filter("tojson", tojson);
        env.add_filter("runtime_image", runtime_image);
        Engine {
            env,
            user_dir: user_dir.map(Path::to_path_buf),
        }
    }

    /// Where the template `name` comes from, for messages: the user's file, or the embedded name.
    fn origin(&self, name: &str) -> String {
        match &self.user_dir {
            Some(dir) if dir.join(name).is_file() => dir.join(name).display().to_string(),
            _ => name.to_string(),
        }
    }

    /// Renders the template `name` with `vars` and the derived `values` (lists, maps).
    pub fn render(
        &self,
        name: &str,
        vars: &BTreeMap<String, String>,
        values: &BTreeMap<String, Value>,
    ) -> Result<String> {
        let mut context: BTreeMap<String, Value> = vars
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        context.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
        let template = self
            .env
            .get_template(name)
            .map_err(|e| self.error(&e, &context))?;
        let mut out = template
            .render(&context)
            .map_err(|e| self.error(&e, &context))?;
        // Jinja drops a template's last newline, so that an include fits in the middle of a
        // line; the files written keep theirs.
        let source = template.source();
        if source.ends_with('\n') && !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }

    fn error(&self, e: &minijinja::Error, context: &BTreeMap<String, Value>) -> Error {
        let name = e.name().unwrap_or("?");
        let at = match e.line() {
            Some(line) => format!("`{}` line {line}", self.origin(name)),
            None => format!("`{}`", self.origin(name)),
        };
        let known = || {
            context
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if e.kind() == ErrorKind::UndefinedError {
            // minijinja says a value is undefined; the template's free names say which.
            let unknown: Vec<String> = self
                .env
                .get_template(name)
                .map(|t| t.undeclared_variables(false))
                .unwrap_or_default()
                .into_iter()
                .filter(|v| !context.contains_key(v))
                .collect();
            if let Some(var) = unknown.iter().min() {
                return Error::msg(
                    format!("template {at} uses an unknown variable `{var}`"),
                    format!(
                        "correct the template, or pass it with `--var {var}=VALUE`; the variables are: {}",
                        known()
                    ),
                );
            }
        }
        if e.kind() == ErrorKind::TemplateNotFound {
            return Error::msg(
                format!("template {at}: {}", e.detail().unwrap_or("not found")),
                "an include or extends names a template that is neither in the template directory nor embedded",
            );
        }
        Error::msg(
            format!(
                "template {at}: {}",
                e.detail().map_or_else(|| e.kind().to_string(), str::to_string)
            ),
            "correct the template; text that must stay literal, such as `{{ .Id }}`, goes in `{% raw %}…{% endraw %}`",
        )
    }
}

/// Splits a command line as a POSIX shell would: `sh -c "a b"` is two words after `sh`.
fn argv(command: &str) -> std::result::Result<Value, minijinja::Error> {
    split(command).map(Value::from).ok_or_else(|| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("the command `{command}` has an unclosed quote"),
        )
    })
}

/// What a compose service runs for the dockwright service `service`: the runtime image that
/// `dockwright up` (or `dockwright env`) names in its variable, else a reference that exists
/// nowhere and says what to run, so compose by hand never starts an old image.
fn runtime_image(service: &str) -> String {
    let placeholder: String = service
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' | '.' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    format!(
        "${{{}:-{placeholder}-runtime-image:run-dockwright-up}}",
        crate::up::compose::image_var(service)
    )
}

/// The words of `command`, or `None` when a quote is not closed.
pub fn split(command: &str) -> Option<Vec<String>> {
    shlex::split(command)
}

/// JSON for Dockerfiles and YAML, not HTML: nothing is escaped beyond what JSON needs (the
/// built-in filter escapes `&` and `<`, which reads badly in a `CMD`), and a list is written
/// with `", "` between its items, as people write an exec-form `CMD`.
fn tojson(value: &Value) -> std::result::Result<Value, minijinja::Error> {
    let json = serde_json::to_value(value).map_err(|e| {
        minijinja::Error::new(ErrorKind::BadSerialization, format!("not JSON: {e}"))
    })?;
    Ok(Value::from_safe_string(json_text(&json)))
}

/// `value` as JSON text, with a space after each `,` and `:`.
pub fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(json_text).collect::<Vec<_>>().join(", ")
        ),
        serde_json::Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", serde_json::Value::from(k.as_str()), json_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        [
            ("version".to_string(), "3.12".to_string()),
            ("cmd".to_string(), r#"sh -c "echo a && b""#.to_string()),
        ]
        .into_iter()
        .collect()
    }

    fn render_text(dir: &Path, name: &str, text: &str) -> Result<String> {
        std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        Engine::new(Some(dir)).render(name, &vars(), &BTreeMap::new())
    }

    #[test]
    fn replaces_variables_and_keeps_the_last_newline() {
        let dir = tempfile::tempdir().unwrap();
        let out =
            render_text(dir.path(), "t/Dockerfile", "FROM python:{{version}}-slim\n").unwrap();
        assert_eq!(out, "FROM python:3.12-slim\n");
    }

    #[test]
    fn a_quoted_argument_stays_one_word_in_the_json_array() {
        let dir = tempfile::tempdir().unwrap();
        let out = render_text(dir.path(), "t/f", "CMD {{ cmd|argv|tojson }}").unwrap();
        assert_eq!(out, r#"CMD ["sh", "-c", "echo a && b"]"#);
    }

    #[test]
    fn unknown_variable_names_template_line_and_variable() {
        let dir = tempfile::tempdir().unwrap();
        let err =
            render_text(dir.path(), "python/Dockerfile", "FROM x\n{{verison}}\n").unwrap_err();
        let text = err.render();
        assert!(
            text.contains("python/Dockerfile` line 2") && text.contains("`verison`"),
            "{text}"
        );
        assert!(text.contains("--var verison="), "{text}");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let err = render_text(dir.path(), "go/Dockerfile", "FROM x\nRUN {{ .Id }}\n").unwrap_err();
        let text = err.render();
        assert!(text.contains("go/Dockerfile` line 2"), "{text}");
        assert!(text.contains("{% raw %}"), "{text}");
    }

    #[test]
    fn an_include_comes_from_the_user_directory_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("common/parts")).unwrap();
        std::fs::write(dir.path().join("common/parts/useradd"), "RUN true\n").unwrap();
        let mut vars = vars();
        vars.insert("os_user".into(), "app".into());
        let out = Engine::new(Some(dir.path()))
            .render("go/Dockerfile.runtime", &copy_vars(vars), &copy_values())
            .unwrap();
        assert!(out.contains("\nRUN true\nUSER"), "{out}");
    }

    fn copy_vars(mut vars: BTreeMap<String, String>) -> BTreeMap<String, String> {
        for (k, v) in [
            ("stack", "go"),
            ("uid", "1"),
            ("gid", "1"),
            ("workdir", "/app"),
            ("install", "go mod download"),
        ] {
            vars.insert(k.into(), v.into());
        }
        vars
    }

    fn copy_values() -> BTreeMap<String, Value> {
        let group = Value::from_pairs([
            ("files", Value::from(vec!["go.mod".to_string()])),
            ("dest", Value::from("./")),
        ]);
        [("copy_groups".to_string(), Value::from(vec![group]))]
            .into_iter()
            .collect()
    }
}
