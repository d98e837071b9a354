//! Issue 5: `dockwright init` (golden files per stack, never overwriting), `dockwright check`,
//! real builds of the scaffolded runtime images on stand-in base images, and `just init`.
//!
//! Refresh the golden files after a template change with
//! `DOCKWRIGHT_BLESS=1 cargo test --test integration scaffold`, then review `git diff tests/golden`.

mod builds;
mod check;
mod check_compose;
mod golden;
mod init;
mod projects;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::TestRepo;

/// Every golden case and the stack `init` must detect for it.
pub(super) const CASES: &[(&str, &str)] = &[
    ("python-pip", "python-pip"),
    ("python-poetry", "python-poetry"),
    ("python-uv", "python-uv"),
    ("node-npm", "node-npm"),
    ("node-yarn", "node-yarn"),
    ("node-pnpm", "node-pnpm"),
    ("go", "go"),
    ("rust", "rust"),
    ("ruby", "ruby"),
    ("java-maven", "java-maven"),
    ("java-gradle", "java-gradle"),
    ("php", "php"),
    ("dotnet", "dotnet"),
    ("existing-justfile", "python-pip"),
];

pub(super) fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Every file under `dir`, relative, sorted.
pub(super) fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out
}

/// A test repository holding the golden case's sample project.
pub(super) fn sample(case: &str) -> TestRepo {
    let repo = TestRepo::new();
    let input = golden_dir().join(case).join("in");
    for rel in files_under(&input) {
        repo.write(&rel, std::fs::read(input.join(&rel)).unwrap());
    }
    repo
}

/// Every file of the repository with its bytes.
pub(super) fn snapshot(repo: &TestRepo) -> Vec<(String, Vec<u8>)> {
    files_under(repo.path())
        .into_iter()
        .map(|rel| (rel.clone(), std::fs::read(repo.path().join(rel)).unwrap()))
        .collect()
}
