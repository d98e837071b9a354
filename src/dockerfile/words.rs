//! Splitting a logical line into keyword, flags and argument words, each the way BuildKit's
//! parser does it (it uses a different splitter per instruction, and the differences show: COPY
//! splits on whitespace only, ARG and ENV respect quotes).

/// Go's `unicode.IsSpace`, which the engine's splitters use.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The separators of the engine's `[\t\v\f\r ]+` splitter.
fn is_separator(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// Keyword, flag words (`--name=value`, quotes and `\` escapes removed) and the trimmed rest.
pub(super) fn split_command(line: &str) -> (String, Vec<String>, String) {
    let line = line.trim();
    match line.find(is_separator) {
        None => (line.to_string(), Vec::new(), String::new()),
        Some(at) => {
            let (keyword, rest) = line.split_at(at);
            let rest = rest.trim_start_matches(is_separator);
            let (flags, args) = extract_flags(rest);
            (keyword.to_string(), flags, args.trim().to_string())
        }
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// BuildKit's `extractBuilderFlags`: leading words that start with `--`, up to the first other
/// word; a bare `--` ends the flags. Escapes are always `\` here, whatever the escape directive.
fn extract_flags(line: &str) -> (Vec<String>, &str) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let rest_from = |pos: usize| match chars.get(pos) {
        Some(&(at, _)) => line.get(at..).unwrap_or_default(),
        None => "",
    };
    let mut words = Vec::new();
    let mut word = String::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let current = chars.get(pos).map(|&(_, c)| c);
        let next = chars.get(pos + 1).map(|&(_, c)| c);
        let Some(mut ch) = current else {
            if phase != Phase::Spaces && word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            return (words, "");
        };
        pos += 1;
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            if ch != '-' || next != Some('-') {
                return (words, rest_from(pos - 1));
            }
            phase = Phase::Word;
        }
        if ch == '\\' {
            // A `\` escapes the next character; at the very end it is dropped.
            match next {
                None => {
                    phase = Phase::Word;
                    continue;
                }
                Some(escaped) => {
                    pos += 1;
                    ch = escaped;
                }
            }
        } else if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (words, rest_from(pos - 1));
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                continue;
            }
        } else if ch == quote {
            phase = Phase::Word;
            continue;
        }
        word.push(ch);
    }
}

/// BuildKit's `parseWords` (ARG, ENV and LABEL): words separated by spaces outside quotes; the
/// quotes and escapes stay in the words, to be removed later by substitution.
pub(super) fn quoted_words(rest: &str, escape: char) -> Vec<String> {
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    while let Some(&c) = chars.get(pos) {
        let mut ch = c;
        let at_last = pos + 1 == chars.len();
        pos += 1;
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            phase = Phase::Word;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if at_last {
                    continue;
                }
                // Unquoted, the escape and the character it escapes both stay.
                word.push(ch);
                ch = chars.get(pos).copied().unwrap_or(ch);
                pos += 1;
            }
            word.push(ch);
            continue;
        }
        // In quotes.
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if at_last {
                phase = Phase::Word;
                continue;
            }
            word.push(ch);
            ch = chars.get(pos).copied().unwrap_or(ch);
            pos += 1;
        }
        word.push(ch);
    }
    if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

/// The engine's `[\t\v\f\r ]+` split, used for COPY/ADD shell form, FROM and EXPOSE: quotes
/// mean nothing here.
pub(super) fn whitespace_words(rest: &str) -> Vec<String> {
    rest.split(is_separator)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// ENV and LABEL: `name=value ...`, or the legacy `name value with spaces`. Returns the pairs
/// flattened (`[name, value, name, value]`), as the engine's node list does.
pub(super) fn name_values(rest: &str, escape: char, keyword: &str) -> Result<Vec<String>, String> {
    let words = quoted_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        let rest = rest.trim_start_matches(is_separator);
        return match rest.find(is_separator) {
            Some(at) => {
                let (name, value) = rest.split_at(at);
                let value = value.trim_start_matches(is_separator);
                Ok(vec![name.to_string(), value.to_string()])
            }
            None => Err(format!("{keyword} must have two arguments")),
        };
    }
    let mut pairs = Vec::with_capacity(words.len() * 2);
    for word in words {
        let Some((name, value)) = word.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
            ));
        };
        pairs.push(name.to_string());
        pairs.push(value.to_string());
    }
    Ok(pairs)
}

/// A heredoc marker word (`<<EOF`, `<<-EOF`, `2<<"EOF"`): its name and whether it strips
/// leading tabs (`<<-`). None when the word is not one.
pub(super) fn heredoc_marker(word: &str) -> Option<(String, bool)> {
    let after_digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = after_digits.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let name = unquote(rest)?;
    (!name.is_empty()).then_some((name, chomp))
}

/// Removes quotes and `\` escapes from a heredoc name; None for an unterminated quote.
fn unquote(word: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    c => out.push(c),
                }
            },
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => {
                        let next = chars.next()?;
                        if !matches!(next, '"' | '$' | '\\') {
                            out.push('\\');
                        }
                        out.push(next);
                    }
                    c => out.push(c),
                }
            },
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    Some(out)
}

/// The heredoc markers of an instruction line, in order. The engine splits the whole line into
/// shell words (quotes kept) and gives up on heredocs when a quote is left open.
pub(super) fn heredoc_markers(line: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            _ if is_space(c) => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            '\'' | '"' => {
                word.push(c);
                loop {
                    let Some(q) = chars.next() else {
                        return Vec::new();
                    };
                    word.push(q);
                    if q == c {
                        break;
                    }
                    if c == '"' && q == '\\' {
                        word.extend(chars.next());
                    }
                }
            }
            '\\' => {
                word.push(c);
                word.extend(chars.next());
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.iter().filter_map(|w| heredoc_marker(w)).collect()
}
