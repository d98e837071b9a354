//! One logical line to an [`Instruction`]: the keyword's own argument splitting, its flags, and
//! the checks with which the engine refuses a malformed instruction.

use super::json::{self, JsonArgs};
use super::words;
use super::{Instruction, ParseError};

/// Every instruction the engine knows.
const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses the logical line `line` that starts on line `line_no`.
pub(super) fn parse(line: &str, line_no: usize, escape: char) -> Result<Instruction, ParseError> {
    parse_inner(line, line_no, escape, false)
}

/// `trigger` is an ONBUILD's instruction: the engine only checks it when a child stage runs it,
/// so only the parser's own errors apply here.
fn parse_inner(
    line: &str,
    line_no: usize,
    escape: char,
    trigger: bool,
) -> Result<Instruction, ParseError> {
    let (command, flag_words, rest) = words::split_command(line);
    let keyword = command.to_uppercase();
    let error = |message: String, help: String| ParseError {
        line: line_no,
        message,
        help,
    };
    let known = KEYWORDS.contains(&keyword.as_str());
    if !known && !trigger {
        return Err(error(
            format!("unknown instruction: {command}"),
            suggestion(&keyword),
        ));
    }
    let flags = parse_flags(&keyword, flag_words).map_err(|message| {
        error(
            message,
            format!("check the flags of this {keyword} instruction"),
        )
    })?;
    let not_strings = || {
        error(
            "when using JSON array syntax, arrays must be comprised of strings only".into(),
            "quote every element of the JSON array".into(),
        )
    };
    let mut onbuild = None;
    let (args, json) = match keyword.as_str() {
        "ADD" | "COPY" | "VOLUME" => match json::parse_args(&rest) {
            JsonArgs::Strings(args) => (args, true),
            JsonArgs::NotStrings => return Err(not_strings()),
            JsonArgs::Invalid => (words::whitespace_words(&rest), false),
        },
        "CMD" | "ENTRYPOINT" | "RUN" | "SHELL" => whole_or_json(&rest).ok_or_else(not_strings)?,
        "HEALTHCHECK" => {
            let mut parts = rest.splitn(2, char::is_whitespace);
            let kind = parts.next().unwrap_or_default().to_string();
            let command = parts.next().unwrap_or_default().trim_start();
            let (mut args, json) = whole_or_json(command).ok_or_else(not_strings)?;
            if !kind.is_empty() {
                args.insert(0, kind);
            }
            (args, json)
        }
        "ARG" => (words::quoted_words(&rest, escape), false),
        "ENV" | "LABEL" => {
            let pairs = words::name_values(&rest, escape, &keyword).map_err(|message| {
                error(message, format!("write `{keyword} <name>=<value> ...`"))
            })?;
            (pairs, false)
        }
        "EXPOSE" | "FROM" => (words::whitespace_words(&rest), false),
        "ONBUILD" if !rest.is_empty() => {
            let (sub, _, _) = words::split_command(&rest);
            let sub = sub.to_uppercase();
            if !trigger {
                match sub.as_str() {
                    "ONBUILD" => {
                        return Err(error(
                            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into(),
                            "give ONBUILD a single instruction".into(),
                        ))
                    }
                    "FROM" | "MAINTAINER" => {
                        return Err(error(
                            format!("{sub} isn't allowed as an ONBUILD trigger"),
                            "ONBUILD takes RUN, COPY, ADD, ENV, ... but not FROM".into(),
                        ))
                    }
                    _ => {}
                }
            }
            if sub == "ONBUILD" {
                // Only reachable inside a trigger; never nest further.
                (vec![sub], false)
            } else {
                let inner = parse_inner(&rest, line_no, escape, true)?;
                let mut args = vec![inner.keyword.clone()];
                args.extend(inner.args.iter().cloned());
                onbuild = Some(Box::new(inner));
                (args, false)
            }
        }
        _ if rest.is_empty() => (Vec::new(), false),
        _ => (vec![rest.clone()], false),
    };
    if known && !trigger {
        check(&keyword, &args, json).map_err(|(message, help)| error(message, help))?;
    }
    Ok(Instruction {
        line: line_no,
        keyword,
        flags,
        args,
        json,
        heredocs: Vec::new(),
        raw: line.trim().to_string(),
        onbuild,
    })
}

/// RUN/CMD/ENTRYPOINT/SHELL: a JSON array, or the whole text as one argument; None when the
/// JSON array holds a non-string.
fn whole_or_json(rest: &str) -> Option<(Vec<String>, bool)> {
    if rest.is_empty() {
        return Some((Vec::new(), false));
    }
    match json::parse_args(rest) {
        JsonArgs::Strings(args) => Some((args, true)),
        JsonArgs::NotStrings => None,
        JsonArgs::Invalid => Some((vec![rest.to_string()], false)),
    }
}

/// The engine's per-instruction argument checks: (message, help) when it would refuse.
fn check(keyword: &str, args: &[String], json: bool) -> Result<(), (String, String)> {
    let fail = |message: String, help: &str| Err((message, help.to_string()));
    match keyword {
        "ADD" | "COPY" => {
            if args.len() < 2 {
                return fail(
                    format!(
                        "{keyword} requires at least two arguments, but only one was provided. \
                         Destination could not be determined."
                    ),
                    &format!("write `{keyword} <source>... <destination>`"),
                );
            }
            if args.last().and_then(|d| words::heredoc_marker(d)).is_some() {
                return fail(
                    format!("{keyword} cannot accept a heredoc as a destination"),
                    "put the heredoc marker before the destination path",
                );
            }
        }
        "FROM" => {
            let as_name =
                args.len() == 3 && args.get(1).is_some_and(|a| a.eq_ignore_ascii_case("as"));
            if as_name {
                let name = args.get(2).map(String::as_str).unwrap_or_default();
                if !valid_stage_name(&name.to_lowercase()) {
                    return fail(
                        format!(
                            "invalid name for build stage: {name:?}, name can't start with a \
                             number or contain symbols"
                        ),
                        "name stages with letters, digits, `-`, `_` and `.`, starting with a letter",
                    );
                }
            } else if args.len() != 1 {
                return fail(
                    "FROM requires either one or three arguments".into(),
                    "write `FROM <image> [AS <name>]`",
                );
            }
        }
        "ARG" | "ENV" | "LABEL" => {
            if args.is_empty() {
                return fail(
                    format!("{keyword} requires at least one argument"),
                    &format!("write `{keyword} <name>=<value>`"),
                );
            }
            let blank = if keyword == "ARG" {
                args.iter().any(|a| a.starts_with('=') || a.is_empty())
            } else {
                args.iter().step_by(2).any(String::is_empty)
            };
            if blank {
                return fail(
                    format!("{keyword} names can not be blank"),
                    "give every variable a name before `=`",
                );
            }
        }
        "WORKDIR" | "USER" | "MAINTAINER" | "STOPSIGNAL" if args.len() != 1 => {
            return fail(
                format!("{keyword} requires exactly one argument"),
                &format!("give {keyword} one value"),
            );
        }
        "EXPOSE" | "VOLUME" | "ONBUILD" | "HEALTHCHECK" | "SHELL" if args.is_empty() => {
            return fail(
                format!("{keyword} requires at least one argument"),
                &format!("give {keyword} an argument"),
            );
        }
        "SHELL" if !json => {
            return fail(
                "SHELL requires the arguments to be in JSON form".into(),
                "write `SHELL [\"executable\", \"parameters\"]`",
            );
        }
        _ => {}
    }
    Ok(())
}

/// The engine's `^[a-z][a-z0-9-_\.]*$` for (lower-cased) stage names.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

#[derive(Clone, Copy, PartialEq)]
enum FlagKind {
    Bool,
    String,
    Strings,
}

/// The flags the engine knows, with their kinds. Flags missing here are kept unchecked, so a
/// newer BuildKit flag does not make us refuse a Dockerfile the engine accepts.
fn flag_kind(keyword: &str, name: &str) -> Option<FlagKind> {
    use FlagKind::{Bool, String, Strings};
    Some(match (keyword, name) {
        ("COPY" | "ADD", "chown" | "chmod") => String,
        ("COPY" | "ADD", "link" | "parents") => Bool,
        ("COPY" | "ADD", "exclude") => Strings,
        ("COPY", "from") => String,
        ("ADD", "checksum") => String,
        ("ADD", "keep-git-dir" | "unpack") => Bool,
        ("FROM", "platform") => String,
        ("RUN", "mount" | "device") => Strings,
        ("RUN", "network" | "security") => String,
        ("HEALTHCHECK", "interval" | "timeout" | "start-period" | "start-interval" | "retries") => {
            String
        }
        _ => return None,
    })
}

/// BuildKit's `BFlags.Parse` for the flags we know: string flags need `=value`, booleans take
/// none or `=true`/`=false`, and neither may repeat.
fn parse_flags(keyword: &str, words: Vec<String>) -> Result<Vec<(String, Option<String>)>, String> {
    let mut flags: Vec<(String, Option<String>)> = Vec::with_capacity(words.len());
    for word in words {
        let body = word.strip_prefix("--").unwrap_or(&word);
        if body.is_empty() {
            break;
        }
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (body.to_string(), None),
        };
        let kind = flag_kind(keyword, &name);
        if matches!(kind, Some(FlagKind::Bool | FlagKind::String))
            && flags.iter().any(|(seen, _)| *seen == name)
        {
            return Err(format!("duplicate flag specified: {name}"));
        }
        match (kind, value.as_deref()) {
            (Some(FlagKind::Bool), Some(v))
                if !matches!(v.to_lowercase().as_str(), "true" | "false") =>
            {
                return Err(if v.is_empty() {
                    format!("missing a value on flag: {name}")
                } else {
                    format!("expecting boolean value for flag {name}, not: {v}")
                });
            }
            (Some(FlagKind::String | FlagKind::Strings), None) => {
                return Err(format!("missing a value on flag: {name}"));
            }
            _ => {}
        }
        flags.push((name, value));
    }
    Ok(flags)
}

/// "did you mean" for a misspelt keyword.
fn suggestion(keyword: &str) -> String {
    let best = KEYWORDS
        .iter()
        .map(|k| (distance(keyword, k), *k))
        .min_by_key(|&(d, _)| d);
    match best {
        Some((d, k)) if d <= 2 => format!("did you mean `{k}`?"),
        _ => format!("instructions are {}", KEYWORDS.join(", ")),
    }
}

/// Levenshtein distance, for [`suggestion`].
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or_default();
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or_default();
            let left = row.get(j).copied().unwrap_or_default();
            let value = (above + 1)
                .min(left + 1)
                .min(previous + usize::from(ca != *cb));
            previous = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or_default()
}
