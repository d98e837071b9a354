//! Just enough YAML to read compose files: every scalar with its key path and line.
//!
//! Compose files are block-style YAML in practice; this reader follows indentation, `key:` and
//! `- item` lines, and quotes. Flow collections (`[a, b]`) and anchors are kept as plain text,
//! which is enough for the rules (they look at volumes, build targets and file names).

/// A scalar: its path (`services`, `web`, `volumes`, `#0`), its text without quotes, its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Keys from the root; list items are `#<index>`.
    pub path: Vec<String>,
    /// The scalar, unquoted.
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// The scalars of a YAML text, in order.
pub fn entries(text: &str) -> Vec<Entry> {
    // (indent, key) of the open mappings and list items, outermost first.
    let mut stack: Vec<(usize, String)> = Vec::new();
    // Items seen per parent path, for `#<index>`.
    let mut counters: std::collections::HashMap<Vec<String>, usize> = Default::default();
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = strip_comment(raw);
        if content.trim().is_empty() || content.trim() == "---" {
            continue;
        }
        let mut indent = content.len() - content.trim_start().len();
        let mut rest = content.trim();
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        // `- item` (possibly `- key: value`, the first key of a mapping item).
        while let Some(item) = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
        {
            let parent: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
            let n = counters.entry(parent).or_insert(0);
            stack.push((indent, format!("#{n}")));
            *n += 1;
            indent += rest.len() - item.trim_start().len();
            rest = item.trim_start();
        }
        let path: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
        match split_key(rest) {
            Some((key, "")) => stack.push((indent, key)),
            Some((key, value)) => {
                let mut path = path;
                path.push(key);
                out.push(Entry {
                    path,
                    value: unquote(value),
                    line,
                });
            }
            None if !rest.is_empty() => out.push(Entry {
                path,
                value: unquote(rest),
                line,
            }),
            None => {}
        }
    }
    out
}

/// `key: value` → (key, value); a plain scalar such as `.:/app:ro` is not a key (no space after `:`).
fn split_key(text: &str) -> Option<(String, &str)> {
    if text.starts_with('"') || text.starts_with('\'') {
        let quote = text.chars().next()?;
        let end = text[1..].find(quote)? + 1;
        let rest = text[end + 1..].trim_start();
        let value = rest.strip_prefix(':')?;
        return (value.is_empty() || value.starts_with(' '))
            .then(|| (text[1..end].to_string(), value.trim()));
    }
    let pos = text
        .find(": ")
        .or_else(|| text.strip_suffix(':').map(|t| t.len()))?;
    let key = &text[..pos];
    if key.contains(' ') && !key.starts_with('$') {
        return None;
    }
    Some((key.to_string(), text[pos + 1..].trim()))
}

fn unquote(text: &str) -> String {
    let t = text.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

/// The line without a `#` comment (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(entries: &'a [Entry], path: &[&str]) -> Option<&'a Entry> {
        entries.iter().find(|e| e.path == path)
    }

    #[test]
    fn compose_volumes_short_and_long_syntax() {
        let text = "services:\n  web:  # the app\n    build:\n      context: .\n      target: development\n    volumes:\n      - .:/app:ro\n      - \"/app/node_modules\"\n      - type: bind\n        source: .\n        target: /app\n";
        let e = entries(text);
        assert_eq!(
            find(&e, &["services", "web", "build", "target"])
                .unwrap()
                .value,
            "development"
        );
        let short = find(&e, &["services", "web", "volumes", "#0"]).unwrap();
        assert_eq!((short.value.as_str(), short.line), (".:/app:ro", 7));
        assert_eq!(
            find(&e, &["services", "web", "volumes", "#1"])
                .unwrap()
                .value,
            "/app/node_modules"
        );
        assert_eq!(
            find(&e, &["services", "web", "volumes", "#2", "source"])
                .unwrap()
                .line,
            10
        );
        assert_eq!(
            find(&e, &["services", "web", "volumes", "#2", "target"])
                .unwrap()
                .value,
            "/app"
        );
    }
}
