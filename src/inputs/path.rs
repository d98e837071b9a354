//! Repository-relative paths, decided from their text alone.

/// Whether a link at `link` (repository-relative) with `target` resolves outside the repository.
/// Decided from the text alone: the target is never read.
pub fn escapes(link: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return true;
    }
    let mut depth: Vec<&str> = link.split('/').collect();
    depth.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if depth.pop().is_none() {
                    return true;
                }
            }
            p => depth.push(p),
        }
    }
    false
}

/// `a` joined with `b` by `/`, where "" is the root.
pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_escape_is_decided_from_text() {
        assert!(escapes("a/link", "/etc/passwd"));
        assert!(escapes("a/link", "../../outside"));
        assert!(!escapes("a/link", "../inside"));
        assert!(!escapes("a/b/link", "./../c"));
    }
}
