//! Physical lines to instructions: parser directives, comments, line continuation and heredoc
//! bodies, in the order and with the quirks of BuildKit's `parser.Parse`.

use super::{instruction, words, Heredoc, Instruction, ParseError};

/// The escape character and the instructions of `text`, in order.
pub(super) fn parse(text: &str) -> Result<(char, Vec<Instruction>), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Line endings are kept: heredoc bodies are stored byte for byte.
    let physical: Vec<&str> = text.split_inclusive('\n').collect();
    let mut directives = Directives {
        escape: '\\',
        done: false,
        seen: Vec::new(),
    };
    let mut instructions = Vec::new();
    let mut next = 0;
    while let Some(&raw) = physical.get(next) {
        next += 1;
        let start = next;
        let token = trim_newline(raw).trim_start();
        directives.check(token, start)?;
        let token = if token.starts_with('#') { "" } else { token };
        let (mut line, mut complete) = trim_continuation(token, directives.escape);
        if complete && line.is_empty() {
            continue;
        }
        while !complete {
            let Some(&raw) = physical.get(next) else {
                break;
            };
            next += 1;
            let text = trim_newline(raw);
            // Comment and empty lines inside a continuation are skipped, not joined.
            let trimmed = text.trim_start();
            if trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            let (more, done) = trim_continuation(text, directives.escape);
            line.push_str(&more);
            complete = done;
        }
        let mut instruction = instruction::parse(&line, start, directives.escape)?;
        if can_contain_heredoc(&instruction) {
            for (name, chomp) in words::heredoc_markers(&line) {
                let mut body = String::new();
                let mut terminated = false;
                while let Some(&raw) = physical.get(next) {
                    next += 1;
                    let candidate = trim_newline(raw);
                    let candidate = if chomp {
                        candidate.trim_start_matches('\t')
                    } else {
                        candidate
                    };
                    if candidate == name {
                        terminated = true;
                        break;
                    }
                    body.push_str(if chomp {
                        raw.trim_start_matches('\t')
                    } else {
                        raw
                    });
                }
                if !terminated {
                    return Err(ParseError {
                        line: start,
                        message: format!("unterminated heredoc `{name}`"),
                        help: format!("end the heredoc with a line holding only `{name}`"),
                    });
                }
                instruction.heredocs.push(Heredoc { name, body });
            }
        }
        instructions.push(instruction);
    }
    Ok((directives.escape, instructions))
}

/// RUN, COPY and ADD in shell form (also as an ONBUILD trigger) take heredocs.
fn can_contain_heredoc(instruction: &Instruction) -> bool {
    let target = instruction.onbuild.as_deref().unwrap_or(instruction);
    matches!(target.keyword.as_str(), "RUN" | "COPY" | "ADD") && !target.json
}

/// Go's `bytes.TrimRight(line, "\r\n")`.
fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// The engine's continuation test: the escape character last (spaces and tabs may follow), not
/// itself escaped. Returns the line without it, and whether the instruction is complete.
fn trim_continuation(line: &str, escape: char) -> (String, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    if let Some(before) = trimmed.strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before.to_string(), false);
        }
    }
    (line.to_string(), true)
}

/// Parser directives (`# escape=`, `# syntax=`, `# check=`): only before anything else.
struct Directives {
    escape: char,
    done: bool,
    seen: Vec<String>,
}

impl Directives {
    /// Looks at the first (left-trimmed) line of each instruction; the first line that is not
    /// a known directive ends the directives.
    fn check(&mut self, token: &str, line: usize) -> Result<(), ParseError> {
        if self.done {
            return Ok(());
        }
        let Some((key, value)) = directive(token) else {
            self.done = true;
            return Ok(());
        };
        let key = key.to_ascii_lowercase();
        if !matches!(key.as_str(), "escape" | "syntax" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.seen.contains(&key) {
            return Err(ParseError {
                line,
                message: format!("only one {key} parser directive can be used"),
                help: format!("remove the repeated `# {key}=` line"),
            });
        }
        if key == "escape" {
            self.escape = match value {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(ParseError {
                        line,
                        message: format!("invalid escape token '{value}' does not match ` or \\"),
                        help: "write `# escape=\\` or `# escape=``".into(),
                    })
                }
            };
        }
        self.seen.push(key);
        Ok(())
    }
}

/// The engine's `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
pub(super) fn directive(token: &str) -> Option<(&str, &str)> {
    let is_space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let rest = token.strip_prefix('#')?.trim_start_matches(is_space);
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let (key, rest) = rest.split_at(end);
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest
        .trim_start_matches(is_space)
        .strip_prefix('=')?
        .trim_matches(is_space);
    (!value.is_empty()).then_some((key, value))
}
