//! `.dockerignore` matching with the engine's rules; the glob matching of COPY/ADD sources and
//! Go's `filepath.Clean` are in filepath.rs.
//!
//! The engine decides what the build context holds with the docker CLI's `ReadAll` and
//! moby/patternmatcher; this module copies their quirks on purpose (comments only at column 0,
//! `**` shortcuts, parent-directory matches), because a fingerprint that disagrees with the
//! engine about one ignored file either misses a rebuild or forces a needless one.

mod filepath;

use regex::Regex;

use filepath::{clean, go_match, Class};
pub use filepath::{glob_match, has_glob};

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
