//! Shell-like word processing: quote removal, escapes and `$VAR` substitution, as BuildKit's
//! `shell.Lex.ProcessWord` does it for COPY/ADD sources, ARG/ENV values and FROM images.
//!
//! The engine runs every COPY source through this, so `COPY "a" /x` reads `a` and
//! `COPY ${DIR:-src} /x` reads `src`; a fingerprint must see the same path.

use std::collections::BTreeMap;

use regex::Regex;

/// Variables in scope, name to value (names are case-sensitive, as on Linux).
pub(super) type Vars = BTreeMap<String, String>;

/// Far deeper `${a:-${b:-...}}` nesting than any real Dockerfile has; refusing more keeps
/// hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Processes `word` like the engine: quotes removed, escapes applied, variables substituted.
/// Err carries the engine's message (bad substitution, unterminated quote, `${X?}` unset).
pub(super) fn process_word(word: &str, vars: &Vars, escape: char) -> Result<String, String> {
    let mut lexer = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        vars,
        escape,
        depth: 0,
    };
    lexer
        .stop_on(None, false)
        .map_err(|e| format!("failed to process `{word}`: {e}"))
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    vars: &'a Vars,
    escape: char,
    depth: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn get(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    /// Reads up to `stop` (consumed) or the end. `raw_escapes` keeps escape characters, for
    /// patterns whose own escapes must survive.
    fn stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<String, String> {
        let mut out = String::new();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.pos += 1;
                return Ok(out);
            }
            match ch {
                '\'' => out.push_str(&self.single_quote()?),
                '"' => out.push_str(&self.double_quote()?),
                '$' => out.push_str(&self.dollar()?),
                _ => {
                    self.pos += 1;
                    if ch == self.escape {
                        if raw_escapes {
                            out.push(ch);
                        }
                        // An escape at the very end is dropped.
                        match self.next() {
                            Some(c) => out.push(c),
                            None => break,
                        }
                    } else {
                        out.push(ch);
                    }
                }
            }
        }
        match stop {
            Some(c) => Err(format!(
                "unexpected end of statement while looking for matching {c}"
            )),
            None => Ok(out),
        }
    }

    /// `'...'`: everything literal, no escapes.
    fn single_quote(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    /// `"..."`: literal except `$` and the escape, which only escapes `"`, `$` and itself.
    fn double_quote(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(mut ch) => {
                    self.pos += 1;
                    if ch == self.escape {
                        match self.peek() {
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == self.escape => {
                                self.pos += 1;
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    fn dollar(&mut self) -> Result<String, String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(self.get(&name).unwrap_or_default());
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        match self.next() {
            Some('}') => Ok(self.get(&name).unwrap_or_default()),
            Some(first @ (':' | '+' | '-' | '?' | '#' | '%')) => self.modifier(&name, first),
            Some('/') => self.replace(&name),
            other => Err(format!(
                "unsupported modifier ({}) in substitution",
                other.map(String::from).unwrap_or_default()
            )),
        }
    }

    /// `${name-word}`, `${name:+word}`, `${name?word}`, `${name#pattern}`, ...
    fn modifier(&mut self, name: &str, first: char) -> Result<String, String> {
        let mut shown = first.to_string();
        let (null_is_unset, op) = if first == ':' {
            let op = self.next();
            shown.extend(op);
            (true, op)
        } else {
            (false, Some(first))
        };
        let unsupported = || format!("unsupported modifier ({shown}) in substitution");
        let pattern = matches!(op, Some('#' | '%'));
        if null_is_unset && pattern {
            return Err(unsupported());
        }
        let word = self.nested('}', pattern, "syntax error: missing '}'")?;
        let value = self.get(name);
        let unset = match &value {
            None => true,
            Some(v) => null_is_unset && v.is_empty(),
        };
        match op {
            Some('-') => Ok(if unset {
                word
            } else {
                value.unwrap_or_default()
            }),
            Some('+') => Ok(if unset { String::new() } else { word }),
            Some('?') => match value {
                None => Err(format!(
                    "{name}: {}",
                    or(&word, "is not allowed to be unset")
                )),
                Some(v) if null_is_unset && v.is_empty() => Err(format!(
                    "{name}: {}",
                    or(&word, "is not allowed to be empty")
                )),
                Some(v) => Ok(v),
            },
            Some(c @ ('#' | '%')) => {
                let value = value.unwrap_or_default();
                // A doubled `##`/`%%` trims the longest match.
                let (greedy, pattern) = match word.strip_prefix(c) {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, word),
                };
                if c == '%' {
                    trim_suffix(&pattern, &value, greedy)
                } else {
                    trim_prefix(&pattern, &value, greedy)
                }
            }
            _ => Err(unsupported()),
        }
    }

    /// `${name/pattern/replacement}` (first match) and `${name//pattern/replacement}` (all).
    fn replace(&mut self, name: &str) -> Result<String, String> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let pattern = self.nested('/', true, "syntax error: missing '/' in ${}")?;
        let replacement = self.nested('}', true, "syntax error: missing '}'")?;
        let value = self.get(name).unwrap_or_default();
        let re = shell_pattern(&pattern, true, false)?;
        if all {
            return Ok(re.replace_all(&value, replacement.as_str()).into_owned());
        }
        Ok(match re.find(&value) {
            Some(m) => {
                let before = value.get(..m.start()).unwrap_or_default();
                let after = value.get(m.end()..).unwrap_or_default();
                format!("{before}{replacement}{after}")
            }
            None => value,
        })
    }

    /// The word of a `${...}` up to `stop`, with a depth guard and the engine's message when
    /// the text ends first.
    fn nested(&mut self, stop: char, raw: bool, missing: &str) -> Result<String, String> {
        if self.depth >= MAX_DEPTH {
            return Err("substitution nested too deeply".into());
        }
        self.depth += 1;
        let result = self.stop_on(Some(stop), raw);
        self.depth -= 1;
        result.map_err(|e| {
            if self.peek().is_none() {
                missing.to_string()
            } else {
                e
            }
        })
    }

    /// A variable name: letters, digits and `_`; or all digits; or one special parameter.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(digit) = self.peek().filter(|c| c.is_numeric()) {
                    name.push(digit);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!') {
                self.pos += 1;
                return ch.to_string();
            }
            if !(ch.is_alphabetic() || ch.is_numeric() || ch == '_') {
                break;
            }
            name.push(ch);
            self.pos += 1;
        }
        name
    }
}

fn or<'a>(word: &'a str, default: &'a str) -> &'a str {
    if word.is_empty() {
        default
    } else {
        word
    }
}

/// The engine's shell pattern to regexp: `*` any run, `?` one character, `\` escapes `*`, `?`
/// and `\`; everything else literal (no classes).
fn shell_pattern(pattern: &str, greedy: bool, anchored: bool) -> Result<Regex, String> {
    let mut out = String::from(if anchored { "^" } else { "" });
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '*' => out.push_str(if greedy { ".*" } else { ".*?" }),
            '?' => out.push('.'),
            '\\' => {
                // `\}` and `\/` only protect the `${}` syntax; they are not pattern escapes.
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(c @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(c);
                    }
                    other => {
                        return Err(format!(
                            "invalid pattern ({pattern}) in substitution: invalid escape '\\{}'",
                            other.map(String::from).unwrap_or_default()
                        ))
                    }
                }
            }
            _ => out.push_str(&regex::escape(ch.encode_utf8(&mut [0; 4]))),
        }
    }
    Regex::new(&out).map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let re = shell_pattern(pattern, greedy, true)?;
    Ok(match re.find(value) {
        Some(m) => value.get(m.end()..).unwrap_or_default().to_string(),
        None => value.to_string(),
    })
}

/// Regexps cannot find the shortest match ending at the end, so, like the engine, reverse both
/// the pattern (keeping each escape before its character) and the value.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, chars.peek()) {
            ('\\', Some(&next)) => {
                chars.next();
                tokens.push(['\\', next].iter().collect());
            }
            _ => tokens.push(ch.to_string()),
        }
    }
    let reversed_pattern: String = tokens.iter().rev().map(String::as_str).collect();
    let reversed_value: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reversed_pattern, &reversed_value, greedy)?;
    Ok(trimmed.chars().rev().collect())
}
