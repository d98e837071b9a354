//! The template language: `{{name}}` is replaced by the variable `name`, and that is all.
//!
//! A placeholder is `{{` + letters, digits and `_` + `}}`; any other `{{` is literal text, so
//! templates can hold `{{ .Id }}`-style Go templates or just's `{{ x }}` when spaced. An unknown
//! variable is an error that names the template and the variable: a typo must never ship.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Renders `text` (the template `name`, for errors) with `vars`.
pub fn render(name: &str, text: &str, vars: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let ident_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if ident_len > 0 && after[ident_len..].starts_with("}}") {
            let var = &after[..ident_len];
            let value = vars.get(var).ok_or_else(|| {
                Error::msg(
                    format!("template `{name}` uses an unknown variable `{var}`"),
                    format!(
                        "correct the template, or pass it with `--var {var}=VALUE`; the variables are: {}",
                        vars.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            out.push_str(value);
            rest = &after[ident_len + 2..];
        } else {
            out.push_str("{{");
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        [("version".to_string(), "3.12".to_string())]
            .into_iter()
            .collect()
    }

    #[test]
    fn replaces_placeholders_and_keeps_other_braces() {
        let text = "FROM python:{{version}}-slim\n{{ .Id }} {{version}}{{";
        assert_eq!(
            render("t", text, &vars()).unwrap(),
            "FROM python:3.12-slim\n{{ .Id }} 3.12{{"
        );
    }

    #[test]
    fn unknown_variable_names_template_and_variable() {
        let err = render("python/Dockerfile", "{{verison}}", &vars()).unwrap_err();
        let text = err.render();
        assert!(
            text.contains("`python/Dockerfile`") && text.contains("`verison`"),
            "{text}"
        );
        assert!(text.contains("--var verison="), "{text}");
    }
}
