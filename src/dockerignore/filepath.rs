//! Ports of Go's `path/filepath` functions that the engine's code relies on: `Match` (the
//! glob of COPY/ADD sources, and of each segment of a `.dockerignore` pattern) and `Clean` (the
//! canonical spelling that paths are compared in).
//!
//! Ported rather than taken from a glob crate because globset and glob differ from Go on
//! classes, escapes, `/` and malformed patterns, and a fingerprint must agree with the engine.

/// Go filepath.Match semantics (`*` and `?` never match '/', `[...]`/`[^...]` classes, `\`
/// escape), used for COPY/ADD source globs. A malformed pattern matches nothing.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let path: Vec<char> = path.chars().collect();
    go_match(&pattern, &path).unwrap_or(false)
}

/// Whether `s` contains glob metacharacters (`*`, `?`, `[`).
///
/// An escaped metacharacter (`\*`) does not count, as in BuildKit's `containsWildcards`: such a
/// source names one literal path.
pub fn has_glob(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Go's `filepath.Clean` for '/'-separated paths: the canonical spelling engine code compares.
pub(super) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Err means a malformed pattern (Go's `ErrBadPattern`).
pub(super) struct BadPattern;

/// A port of Go's `filepath.Match`, including its check that the unmatched rest of the pattern
/// is well formed.
pub(super) fn go_match(mut pattern: &[char], mut name: &[char]) -> Result<bool, BadPattern> {
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest unless it has a '/'.
            return Ok(!name.contains(&'/'));
        }
        let result = match_chunk(chunk, name);
        if let Ok(Some(tail)) = result {
            // The last chunk must use up the name; otherwise a star could still match.
            if tail.is_empty() || !pattern.is_empty() {
                name = tail;
                continue;
            }
        }
        result?;
        if star {
            // Let the star eat one more character at a time, never a '/'.
            let mut skip = 0;
            while skip < name.len() && name.get(skip) != Some(&'/') {
                skip += 1;
                match match_chunk(chunk, name.get(skip..).unwrap_or(&[]))? {
                    Some(tail) if pattern.is_empty() && !tail.is_empty() => {}
                    Some(tail) => {
                        name = tail;
                        continue 'chunks;
                    }
                    None => {}
                }
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, &[])?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the leading stars and the literal/class run up to the next unbracketed `*`.
fn scan_chunk(pattern: &[char]) -> (bool, &[char], &[char]) {
    let mut star = false;
    let mut pattern = pattern;
    while let Some(('*', rest)) = pattern.split_first() {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut end = 0;
    while let Some(&c) = pattern.get(end) {
        match c {
            '\\' if end + 1 < pattern.len() => end += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        end += 1;
    }
    let (chunk, rest) = pattern.split_at(end.min(pattern.len()));
    (star, chunk, rest)
}

/// Matches `chunk` (no `*`) at the start of `s`: Ok(Some(rest of s)), Ok(None) for no match.
/// Keeps parsing the chunk after a mismatch so a malformed tail is still reported.
fn match_chunk<'a>(
    mut chunk: &[char],
    mut s: &'a [char],
) -> Result<Option<&'a [char]>, BadPattern> {
    let mut failed = false;
    while let Some((&c, after)) = chunk.split_first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let (class, rest) = Class::parse(after)?;
                chunk = rest;
                if !failed {
                    match s.split_first() {
                        Some((&r, tail)) if class.matches(r) => s = tail,
                        _ => failed = true,
                    }
                }
            }
            '?' => {
                if !failed {
                    match s.split_first() {
                        Some((&'/', tail)) => {
                            failed = true;
                            s = tail;
                        }
                        Some((_, tail)) => s = tail,
                        None => failed = true,
                    }
                }
                chunk = after;
            }
            _ => {
                let (literal, rest) = if c == '\\' {
                    match after.split_first() {
                        Some((&escaped, rest)) => (escaped, rest),
                        None => return Err(BadPattern),
                    }
                } else {
                    (c, after)
                };
                if !failed {
                    match s.split_first() {
                        Some((&first, tail)) if first == literal => s = tail,
                        _ => failed = true,
                    }
                }
                chunk = rest;
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// A `[...]` character class of a glob.
pub(super) struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl Class {
    /// Parses the class body after `[` with Go's rules (at least one range; `-` and `]` only
    /// escaped or in their places); returns it and the text after its `]`.
    pub(super) fn parse(body: &[char]) -> Result<(Class, &[char]), BadPattern> {
        let (negated, mut rest) = match body.split_first() {
            Some((&'^', rest)) => (true, rest),
            _ => (false, body),
        };
        let mut ranges = Vec::new();
        loop {
            if let Some((&']', after)) = rest.split_first() {
                if !ranges.is_empty() {
                    return Ok((Class { negated, ranges }, after));
                }
            }
            let (lo, after) = class_char(rest)?;
            rest = after;
            let mut hi = lo;
            if let Some((&'-', after)) = rest.split_first() {
                (hi, rest) = class_char(after)?;
            }
            ranges.push((lo, hi));
        }
    }

    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }

    /// The class as a regex, every character written as `\x{..}` so no class syntax of the
    /// regex crate leaks in.
    pub(super) fn regex(&self) -> Result<String, String> {
        let mut out = String::from(if self.negated { "[^" } else { "[" });
        for &(lo, hi) in &self.ranges {
            // Go's regexp refuses `[b-a]`, so the engine fails on such a pattern.
            if lo > hi {
                return Err("invalid character class range".into());
            }
            out.push_str(&format!("\\x{{{:x}}}-\\x{{{:x}}}", lo as u32, hi as u32));
        }
        out.push(']');
        Ok(out)
    }
}

/// One possibly escaped character of a class; the class must go on after it.
fn class_char(chunk: &[char]) -> Result<(char, &[char]), BadPattern> {
    let chunk = match chunk.split_first() {
        None | Some((&'-', _)) | Some((&']', _)) => return Err(BadPattern),
        Some((&'\\', rest)) => rest,
        Some(_) => chunk,
    };
    match chunk.split_first() {
        Some((&c, rest)) if !rest.is_empty() => Ok((c, rest)),
        _ => Err(BadPattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn glob_match_follows_filepath_match() {
        assert!(glob_match("*.go", "main.go"));
        assert!(!glob_match("*.go", "cmd/main.go"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "a/c"));
        assert!(glob_match("[a-c]*", "bob"));
        assert!(glob_match("[^a-c]*", "dan"));
        assert!(glob_match(r"a\*", "a*"));
        assert!(!glob_match(r"a\*", "ab"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("[", "["));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b", "a/b"));
    }

    #[test]
    fn has_glob_detects_metacharacters() {
        assert!(has_glob("*.txt"));
        assert!(has_glob("a?"));
        assert!(has_glob("[ab]"));
        assert!(!has_glob("plain/path.txt"));
        assert!(!has_glob(r"a\*b"));
    }

    #[test]
    fn clean_follows_go() {
        for (input, want) in [
            ("", "."),
            ("./a", "a"),
            ("a//b/", "a/b"),
            ("/../x", "/x"),
            ("../a/..", ".."),
            ("a/./b/..", "a"),
            ("/", "/"),
        ] {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>(), path in any::<String>()) {
            let _ = glob_match(&text, &path);
            let _ = has_glob(&text);
            let _ = clean(&text);
        }
    }
}
