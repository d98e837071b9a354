//! The `.dockerignore` matcher: patterns × paths. The input is the patterns, a NUL byte, then
//! one path per line. Nothing may panic; `./path` is the same path as `path`; a pattern without
//! glob characters matches itself.
#![no_main]

use dockwright::dockerignore::{glob_match, has_glob, DockerIgnore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (patterns, paths) = text.split_once('\0').unwrap_or((text, ""));
    let lines: Vec<&str> = patterns.lines().take(64).collect();
    let paths: Vec<&str> = paths.lines().take(64).collect();
    for line in &lines {
        let _ = has_glob(line);
        if !line.contains(['*', '?', '[', '\\']) {
            assert!(
                glob_match(line, line),
                "literal pattern `{line}` does not match itself"
            );
        }
        for path in &paths {
            let _ = glob_match(line, path);
        }
    }
    let ignore = match DockerIgnore::parse(patterns) {
        Ok(ignore) => ignore,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = ignore.is_empty();
    for path in &paths {
        let excluded = ignore.is_excluded(path);
        let dotted = format!("./{path}");
        assert_eq!(
            excluded,
            ignore.is_excluded(&dotted),
            "`{path}` and `{dotted}` disagree"
        );
        let _ = ignore.must_descend(path);
        assert_eq!(ignore.must_descend(path), ignore.must_descend(&dotted));
    }
});
