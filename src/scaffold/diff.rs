//! A line diff for `--dry-run`: what would change in a file that exists, in the unified form
//! people read in code review (`-` old, `+` new, three lines of context).

use similar::TextDiff;

/// The unified diff of `old` and `new`, labelled with `path`; empty when they are equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    // Line endings are not what the reader is shown: a CRLF file diffs by its lines' text.
    let old = old.replace("\r\n", "\n");
    TextDiff::from_lines(old.as_str(), new)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (dockwright)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_files_have_no_diff() {
        assert_eq!(unified("f", "a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn a_changed_line_shows_old_and_new_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let diff = unified("Dockerfile", old, new);
        assert_eq!(diff, "--- Dockerfile\n+++ Dockerfile (dockwright)\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    }

    #[test]
    fn a_missing_last_newline_is_said() {
        let diff = unified("f", "a\nb", "a\nb\n");
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
    }

    #[test]
    fn a_large_file_diffs_quickly_enough_to_not_matter() {
        // The old table was n·m cells: 20 000 lines each way was 400 million of them.
        let old: String = (0..20_000).map(|i| format!("{i}\n")).collect();
        let new = old.replace("10000\n", "ten thousand\n");
        let diff = unified("big", &old, &new);
        assert!(diff.contains("-10000\n+ten thousand\n"), "{diff}");
    }
}
