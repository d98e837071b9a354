//! Golden files: each stack's sample project in, the rendered files out, compared file by file.

use std::collections::BTreeSet;

use dockwright::config::Config;

use super::{files_under, golden_dir, sample, CASES};

/// Each stack's sample in, rendered files out, compared file by file; every rendered project
/// parses as dockwright.toml, copies exactly its manifests, and passes `dockwright check`.
#[test]
fn golden_files_per_stack_and_package_manager() {
    let bless = std::env::var_os("DOCKWRIGHT_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for (case, stack) in CASES {
        let repo = sample(case);
        let before = files_under(repo.path());
        let report = repo.dockwright(&["init", "--format", "json"]).ok().json();
        assert_eq!(report["stack"], *stack, "{case}: detected stack");
        let written: BTreeSet<String> = files_under(repo.path())
            .difference(&before)
            .cloned()
            .collect();

        let out = golden_dir().join(case).join("out");
        if bless {
            let _ = std::fs::remove_dir_all(&out);
            for rel in &written {
                let dest = out.join(rel);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(repo.path().join(rel), dest).unwrap();
            }
        }
        let expected = files_under(&out);
        if expected != written {
            failures.push(format!(
                "{case}: wrote {written:?}, golden has {expected:?}"
            ));
        }
        for rel in expected.intersection(&written) {
            let want = std::fs::read_to_string(out.join(rel)).unwrap();
            let got = repo.read(rel);
            if want != got {
                failures.push(format!(
                    "{case}/{rel} differs from the golden file:\n{}",
                    line_diff(&want, &got)
                ));
            }
        }

        // The rendered config is valid and names the stack's test command.
        let config = Config::parse(
            &repo.read("dockwright.toml"),
            &repo.path().join("dockwright.toml"),
        )
        .unwrap_or_else(|e| panic!("{case}: dockwright.toml does not parse: {e}"));
        assert_eq!(config.services.len(), 1, "{case}");
        assert!(config.services[0].test.is_some(), "{case}: no test command");

        // The runtime image's inputs are exactly the manifests (and the Dockerfile itself).
        repo.commit_all("init");
        let manifests: BTreeSet<String> = report["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        if manifests.iter().all(|m| !m.contains('*')) {
            let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
            let paths: BTreeSet<String> = inputs
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["path"].as_str().unwrap().to_string())
                .filter(|p| p != "Dockerfile.runtime")
                .collect();
            assert_eq!(paths, manifests, "{case}: runtime image inputs");
        }

        // A freshly scaffolded project has nothing to fix.
        let check = repo.dockwright(&["check"]);
        if check.code != 0 {
            failures.push(format!(
                "{case}: check found mistakes in a fresh scaffold:\n{}",
                check.stdout
            ));
        }
    }
    assert!(failures.is_empty(), "{}\n\nif the change is intended: DOCKWRIGHT_BLESS=1 cargo test --test integration scaffold", failures.join("\n\n"));
}

fn line_diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut out = String::new();
    for i in 0..w.len().max(g.len()) {
        match (w.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => out.push_str(&format!(
                "line {}: golden {:?}\n         got    {:?}\n",
                i + 1,
                a,
                b
            )),
        }
    }
    out
}
