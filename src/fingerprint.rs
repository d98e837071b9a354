//! The fingerprint of a runtime image: SHA-256 over a versioned, canonical encoding of its
//! inputs (path, kind, content hash), its build arguments and its target stage.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::inputs::{Input, InputKind};

/// Bumped whenever the encoding changes, so that old and new fingerprints never collide.
pub const VERSION: &str = "dockwright-fingerprint-v1";
/// Hex digits of the fingerprint used as the image tag.
pub const TAG_LEN: usize = 16;

/// Computes the fingerprint (64 hex digits).
///
/// The encoding is one line per item, each field JSON-quoted so that no path can forge a line:
/// the version, the target, each build argument, then each input sorted by path.
pub fn compute(
    inputs: &[Input],
    build_args: &BTreeMap<String, String>,
    target: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    hasher.update(VERSION.as_bytes());
    hasher.update(b"\n");
    hasher.update(format!("target {}\n", quote(target.unwrap_or(""))).as_bytes());
    for (key, value) in build_args {
        hasher.update(format!("arg {} {}\n", quote(key), quote(value)).as_bytes());
    }
    let mut sorted: Vec<&Input> = inputs.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for input in sorted {
        let kind = match input.kind {
            InputKind::File => "file",
            InputKind::Executable => "exec",
            InputKind::Symlink => "link",
            InputKind::Url => "url",
        };
        hasher.update(format!("input {kind} {} {}\n", input.hash, quote(&input.path)).as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The image tag for a fingerprint.
pub fn tag(fingerprint: &str) -> &str {
    fingerprint.get(..TAG_LEN).unwrap_or(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &str, kind: InputKind, hash: &str) -> Input {
        Input {
            path: path.into(),
            kind,
            hash: hash.into(),
            size: 1,
        }
    }

    #[test]
    fn order_of_inputs_does_not_matter() {
        let a = input("a", InputKind::File, "sha256:1");
        let b = input("b", InputKind::File, "sha256:2");
        let none = BTreeMap::new();
        assert_eq!(
            compute(&[a.clone(), b.clone()], &none, None),
            compute(&[b, a], &none, None)
        );
    }

    #[test]
    fn executable_bit_args_and_target_change_it() {
        let none = BTreeMap::new();
        let base = compute(&[input("a", InputKind::File, "sha256:1")], &none, None);
        assert_ne!(
            base,
            compute(
                &[input("a", InputKind::Executable, "sha256:1")],
                &none,
                None
            )
        );
        let args: BTreeMap<_, _> = [("V".to_string(), "1".to_string())].into();
        assert_ne!(
            base,
            compute(&[input("a", InputKind::File, "sha256:1")], &args, None)
        );
        assert_ne!(
            base,
            compute(
                &[input("a", InputKind::File, "sha256:1")],
                &none,
                Some("dev")
            )
        );
    }

    #[test]
    fn a_path_cannot_forge_another_line() {
        let none = BTreeMap::new();
        let one = compute(
            &[input(
                "a\ninput file sha256:2 \"b\"",
                InputKind::File,
                "sha256:1",
            )],
            &none,
            None,
        );
        let two = compute(
            &[
                input("a", InputKind::File, "sha256:1"),
                input("b", InputKind::File, "sha256:2"),
            ],
            &none,
            None,
        );
        assert_ne!(one, two);
    }
}
