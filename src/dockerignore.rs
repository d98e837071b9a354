//! `.dockerignore` matching with the engine's rules, and the glob matching of COPY/ADD sources.
//!
//! The engine decides what the build context holds with the docker CLI's `ReadAll` and
//! moby/patternmatcher; this module copies their quirks on purpose (comments only at column 0,
//! `**` shortcuts, parent-directory matches), because a fingerprint that disagrees with the
//! engine about one ignored file either misses a rebuild or forces a needless one.

use regex::Regex;

/// The compiled patterns of one `.dockerignore` file (or of one COPY's `--exclude` flags).
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

/// A `.dockerignore` line the engine would refuse.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: bad pattern `{pattern}`: {reason}")]
pub struct IgnoreError {
    /// 1-based line of the pattern, so the user can find it.
    pub line: usize,
    /// The pattern as written (trimmed).
    pub pattern: String,
    /// Why the engine rejects it.
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// A `!` pattern: re-includes what earlier patterns excluded.
    exclusion: bool,
    /// The cleaned pattern text, without `!`.
    cleaned: String,
    matcher: Matcher,
}

/// patternmatcher's four match strategies; kept because the shortcuts match differently from
/// the regexp they stand for (`**foo` matches `afoo` as a suffix, not as a regexp).
#[derive(Debug, Clone)]
enum Matcher {
    Exact,
    Prefix(String),
    Suffix(String),
    Regex(Regex),
}

impl DockerIgnore {
    /// Parse a .dockerignore text. Error names the 1-based line and the bad pattern.
    pub fn parse(text: &str) -> Result<DockerIgnore, IgnoreError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut patterns = Vec::new();
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            // The CLI tests for `#` before trimming: an indented `#` is a pattern.
            if line.starts_with('#') {
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let error = |reason: &str| IgnoreError {
                line: index + 1,
                pattern: trimmed.to_string(),
                reason: reason.to_string(),
            };
            // Stage 1, the CLI's ReadAll: clean and make relative, keeping the `!`.
            let (invert, body) = match trimmed.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, trimmed),
            };
            let mut read = String::new();
            if !body.is_empty() {
                read = clean(body);
                if read.len() > 1 {
                    if let Some(rest) = read.strip_prefix('/') {
                        read = rest.to_string();
                    }
                }
            }
            if invert {
                read.insert(0, '!');
            }
            // Stage 2, patternmatcher.New: clean again, then split off the `!`.
            let mut cleaned = clean(read.trim());
            let exclusion = cleaned.starts_with('!');
            if exclusion {
                if cleaned.len() == 1 {
                    return Err(error("illegal exclusion pattern: \"!\""));
                }
                cleaned.remove(0);
            }
            let chars: Vec<char> = cleaned.chars().collect();
            if go_match(&chars, &['.']).is_err() {
                return Err(error("syntax error in pattern"));
            }
            let matcher = compile(&cleaned).map_err(|e| error(&e))?;
            patterns.push(Pattern {
                exclusion,
                cleaned,
                matcher,
            });
        }
        Ok(DockerIgnore { patterns })
    }

    /// Whether a path (relative to the context root, '/'-separated, no leading "./") is excluded
    /// from the build context, as the engine decides (moby/patternmatcher MatchesOrParentMatches:
    /// a pattern that matches a parent directory excludes what is below it; last match wins;
    /// `!` re-includes).
    pub fn is_excluded(&self, path: &str) -> bool {
        let file = clean(path);
        let file = file.trim_start_matches('/');
        if file.is_empty() || file == "." {
            return false;
        }
        // Every proper parent directory, shortest first: "a", "a/b" for "a/b/c".
        let parents: Vec<&str> = file
            .char_indices()
            .filter(|&(_, c)| c == '/')
            .filter_map(|(i, _)| file.get(..i))
            .collect();
        let mut matched = false;
        for pattern in &self.patterns {
            // An include cannot change a path already excluded, nor a `!` one not excluded.
            if pattern.exclusion != matched {
                continue;
            }
            if pattern.matches(file) || parents.iter().any(|parent| pattern.matches(parent)) {
                matched = !pattern.exclusion;
            }
        }
        matched
    }

    /// Whether a walk must descend into directory `dir` even if `dir` itself is excluded
    /// (true when some `!` pattern could re-include a path below it). Used to prune walks.
    ///
    /// Errs towards true: descending needlessly costs time, pruning wrongly loses files.
    pub fn must_descend(&self, dir: &str) -> bool {
        let dir = clean(dir);
        let dir = dir.trim_start_matches('/');
        let segments: Vec<&str> = match dir {
            "" | "." => Vec::new(),
            _ => dir.split('/').collect(),
        };
        self.patterns
            .iter()
            .filter(|p| p.exclusion)
            .any(|p| could_match_below(&p.cleaned, &segments))
    }

    /// Whether there are no patterns at all (nothing is excluded).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.matcher {
            Matcher::Exact => path == self.cleaned,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str()) || suffix.strip_prefix('/') == Some(path)
            }
            Matcher::Regex(re) => re.is_match(path),
        }
    }
}

/// Whether the `!` pattern `pattern` could match `dir` itself, a path below it, or a parent of it
/// (a parent match re-includes everything below).
fn could_match_below(pattern: &str, dir: &[&str]) -> bool {
    // `**`, classes (`[^x]` matches '/') and escapes do not split cleanly on '/'.
    if pattern.contains("**") || pattern.contains('[') || pattern.contains('\\') {
        return true;
    }
    let segments: Vec<&str> = pattern.split('/').collect();
    for (index, name) in dir.iter().enumerate() {
        match segments.get(index) {
            None => return true,
            Some(segment) if !glob_match(segment, name) => return false,
            Some(_) => {}
        }
    }
    true
}

/// patternmatcher's `compile`: literal patterns become exact, prefix or suffix tests, anything
/// else a regexp where `*` and `?` stop at '/' and `**` spans directories.
fn compile(pattern: &str) -> Result<Matcher, String> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("^");
    let mut kind = Kind::Exact;
    let mut pos = 0;
    let mut first = true;
    while let Some(&ch) = chars.get(pos) {
        pos += 1;
        match ch {
            '*' if chars.get(pos) == Some(&'*') => {
                pos += 1;
                // `**/` is `**`: eat the slash.
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos >= chars.len() {
                    // Trailing `**` accepts everything, as in .gitignore.
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    // Any number of directories, even none.
                    re.push_str("(.*/)?");
                    kind = Kind::Regex;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = Kind::Regex;
            }
            '\\' => match chars.get(pos) {
                Some(&next) => {
                    pos += 1;
                    re.push_str(&regex::escape(next.encode_utf8(&mut [0; 4])));
                    kind = Kind::Regex;
                }
                None => re.push_str(r"\\"),
            },
            '[' => {
                let body = chars.get(pos..).unwrap_or_default();
                let (class, rest) = Class::parse(body).map_err(|_| "syntax error in pattern")?;
                pos = chars.len() - rest.len();
                re.push_str(&class.regex()?);
                kind = Kind::Regex;
            }
            ']' => {
                re.push_str(r"\]");
                kind = Kind::Regex;
            }
            _ => re.push_str(&regex::escape(ch.encode_utf8(&mut [0; 4]))),
        }
        first = false;
    }
    let strip = |range: std::ops::Range<usize>| pattern.get(range).unwrap_or("").to_string();
    Ok(match kind {
        Kind::Exact => Matcher::Exact,
        Kind::Prefix => Matcher::Prefix(strip(0..pattern.len().saturating_sub(2))),
        Kind::Suffix => Matcher::Suffix(strip(2.min(pattern.len())..pattern.len())),
        Kind::Regex => {
            re.push('$');
            Matcher::Regex(Regex::new(&re).map_err(|e| e.to_string())?)
        }
    })
}

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
fn clean(path: &str) -> String {
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
struct BadPattern;

/// A port of Go's `filepath.Match`, including its check that the unmatched rest of the pattern
/// is well formed.
fn go_match(mut pattern: &[char], mut name: &[char]) -> Result<bool, BadPattern> {
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
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl Class {
    /// Parses the class body after `[` with Go's rules (at least one range; `-` and `]` only
    /// escaped or in their places); returns it and the text after its `]`.
    fn parse(body: &[char]) -> Result<(Class, &[char]), BadPattern> {
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
    fn regex(&self) -> Result<String, String> {
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

    fn parsed(text: &str) -> DockerIgnore {
        match DockerIgnore::parse(text) {
            Ok(ignore) => ignore,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn check(text: &str, cases: &[(&str, bool)]) {
        let ignore = parsed(text);
        for &(path, excluded) in cases {
            assert_eq!(ignore.is_excluded(path), excluded, "{text:?} on {path:?}");
        }
    }

    #[test]
    fn plain_name_excludes_dir_and_contents() {
        check(
            "node_modules",
            &[
                ("node_modules", true),
                ("node_modules/a/b.js", true),
                ("src/node_modules", false),
            ],
        );
    }

    #[test]
    fn double_star_matches_any_depth() {
        check(
            "**/__pycache__",
            &[
                ("__pycache__", true),
                ("a/b/__pycache__/x.pyc", true),
                ("a/__pycache__x", false),
            ],
        );
        check(
            "**/*.pyc",
            &[("x.pyc", true), ("a/b/x.pyc", true), ("a/b/x.py", false)],
        );
        check(
            "a/**/b",
            &[("a/b", true), ("a/x/y/b", true), ("a/x/c", false)],
        );
        check("a/**", &[("a/x", true), ("a/x/y", true), ("b/x", false)]);
        check("**", &[("anything", true), ("a/b", true)]);
    }

    #[test]
    fn star_matches_top_level_only() {
        check("*.pyc", &[("x.pyc", true), ("a/x.pyc", false)]);
    }

    #[test]
    fn exclamation_reincludes_last_match_wins() {
        check(
            "*.md\n!README.md",
            &[("a.md", true), ("README.md", false), ("x.txt", false)],
        );
        check("!README.md\n*.md", &[("README.md", true)]);
    }

    #[test]
    fn exclamation_reincludes_inside_excluded_dir() {
        let text = "docs\n!docs/keep.md";
        check(
            text,
            &[("docs/a.md", true), ("docs/keep.md", false), ("docs", true)],
        );
        let ignore = parsed(text);
        assert!(ignore.must_descend("docs"));
        assert!(!ignore.must_descend("other"));
        assert!(!ignore.must_descend("docs/sub"));
    }

    #[test]
    fn must_descend_is_conservative_for_wildcards() {
        let ignore = parsed("build\n!**/keep");
        assert!(ignore.must_descend("build"));
        let ignore = parsed("build\n!build/*/keep");
        assert!(ignore.must_descend("build"));
        assert!(ignore.must_descend("build/x"));
        assert!(!ignore.must_descend("src"));
        assert!(!super::DockerIgnore::default().must_descend("x"));
        let parent = parsed("a/b\n!a");
        assert!(parent.must_descend("a/b"));
    }

    #[test]
    fn leading_slash_is_relative() {
        check("/abs", &[("abs", true), ("x/abs", false)]);
    }

    #[test]
    fn dot_slash_and_double_slash_are_cleaned() {
        check("./rel", &[("rel", true), ("rel/x", true)]);
        check("a//b/", &[("a/b", true), ("a/b/c", true), ("a", false)]);
        check("a/../b", &[("b", true), ("a", false)]);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let ignore = parsed("# a comment\n\n   \n#*\nx");
        assert!(ignore.is_excluded("x"));
        assert!(!ignore.is_excluded("y"));
        // Only column 0 starts a comment: the CLI tests before trimming.
        check("  #x", &[("#x", true)]);
    }

    #[test]
    fn trailing_spaces_and_crlf_are_trimmed() {
        check(
            "secret.txt   \r\nother\t",
            &[("secret.txt", true), ("other", true)],
        );
        check("\u{feff}bom", &[("bom", true)]);
    }

    #[test]
    fn docker_docs_examples() {
        check(
            "*/temp*",
            &[("a/temporary.txt", true), ("a/temp", true), ("temp", false)],
        );
        check(
            "*/*/temp*",
            &[("a/b/temp.txt", true), ("a/temp.txt", false)],
        );
        check(
            "temp?",
            &[
                ("temp1", true),
                ("tempa/x", true),
                ("temp", false),
                ("temp12", false),
            ],
        );
    }

    #[test]
    fn classes_and_escapes() {
        check("[abc].txt", &[("a.txt", true), ("d.txt", false)]);
        check("[^a].txt", &[("b.txt", true), ("a.txt", false)]);
        check("[a-c]x", &[("bx", true), ("dx", false)]);
        check(r"\*.txt", &[("*.txt", true), ("a.txt", false)]);
    }

    #[test]
    fn suffix_shortcut_matches_like_the_engine() {
        // patternmatcher tests `**foo` as a plain suffix.
        check(
            "**foo",
            &[
                ("afoo", true),
                ("a/b/xfoo", true),
                ("foo", true),
                ("fo", false),
            ],
        );
    }

    #[test]
    fn bad_patterns_are_errors_with_line() {
        for (text, line) in [
            ("ok\n[", 2),
            ("!", 1),
            ("a\n\n  !  ", 3),
            ("x\\", 1),
            ("[]a]", 1),
            ("ok\n[b-a]", 2),
        ] {
            let err = DockerIgnore::parse(text).expect_err(text);
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.to_string().contains("bad pattern"));
        }
    }

    #[test]
    fn empty_file_excludes_nothing() {
        let ignore = parsed("");
        assert!(ignore.is_empty());
        assert!(!ignore.is_excluded("x"));
        assert!(!DockerIgnore::parse("x")
            .map(|i| i.is_empty())
            .unwrap_or(true));
    }

    #[test]
    fn root_is_never_excluded() {
        check("*\n**", &[("", false), (".", false), ("a", true)]);
    }

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
        fn never_panics(text in "[a-z*?\\[\\]!/.\\\\^ \n#-]{0,40}", path in "[a-z*?/.\\[\\]-]{0,20}") {
            if let Ok(ignore) = DockerIgnore::parse(&text) {
                let _ = ignore.is_excluded(&path);
                let _ = ignore.must_descend(&path);
            }
            let _ = glob_match(&text, &path);
            let _ = has_glob(&text);
        }

        #[test]
        fn never_panics_on_any_text(text in any::<String>(), path in any::<String>()) {
            if let Ok(ignore) = DockerIgnore::parse(&text) {
                let _ = ignore.is_excluded(&path);
                let _ = ignore.must_descend(&path);
            }
            let _ = glob_match(&text, &path);
        }
    }
}
