//! What changed between the inputs an image was built from and the inputs now.

use std::collections::{BTreeMap, BTreeSet};

/// What changed between two sets of per-input hashes (older first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The input's path.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
}

/// The differences from `old` (path → hash) to `new`, by path.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let change = match (old.get(path), new.get(path)) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(a), Some(b)) if a != b => "changed",
                _ => return None,
            };
            Some(Change {
                path: path.clone(),
                change,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_each_change() {
        let old: BTreeMap<_, _> = [("a", "1"), ("b", "2")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let new: BTreeMap<_, _> = [("b", "3"), ("c", "4")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            vec![
                Change {
                    path: "a".into(),
                    change: "removed"
                },
                Change {
                    path: "b".into(),
                    change: "changed"
                },
                Change {
                    path: "c".into(),
                    change: "added"
                },
            ]
        );
    }
}
