//! The components a test needs besides the engine (the stand-in images, `just`, Compose v2,
//! `nu`): a missing one fails the test, so a run without it cannot pass silently. A run opts
//! out by name with `DOCKWRIGHT_TEST_SKIP=images,just` (comma-separated); those tests then say
//! they were skipped and pass.

use std::path::Path;
use std::process::{Command, Stdio};

/// The variable that lists the components a run goes without.
pub const SKIP_VAR: &str = "DOCKWRIGHT_TEST_SKIP";

/// A component a test can require: its name in `DOCKWRIGHT_TEST_SKIP`, what it is, how to
/// install it, and how to tell it is here.
struct Component {
    name: &'static str,
    what: &'static str,
    install: &'static str,
    present: fn() -> bool,
}

const COMPONENTS: &[Component] = &[
    Component {
        name: "images",
        what: "the Debian stand-in base images",
        install: "bash tests/images/debian.sh (or `bash .ci/setup images`)",
        present: standin_images,
    },
    Component {
        name: "just",
        what: "`just`",
        install: "pip install rust-just (or `bash .ci/setup just`)",
        present: || succeeds("just", &["--version"]),
    },
    Component {
        name: "compose",
        what: "Compose v2 (`docker compose`)",
        install: "bash .ci/setup plugins",
        present: || succeeds("docker", &["compose", "version"]),
    },
    Component {
        name: "pre-commit",
        what: "`pre-commit`",
        install: "python3 -m pip install pre-commit (or `bash .ci/setup packages`)",
        present: || succeeds("pre-commit", &["--version"]),
    },
    Component {
        name: "lefthook",
        what: "`lefthook`",
        install: "python3 -m pip install lefthook (or `bash .ci/setup packages`)",
        present: || succeeds("lefthook", &["version"]),
    },
    Component {
        name: "nu",
        what: "`nu`",
        install: "bash .ci/setup nu",
        present: || succeeds("nu", &["--version"]),
    },
];

/// Whether the test may go on: true when `component` is here; false (after saying so) when the
/// run skips it by name; otherwise the test fails with what is missing and how to install it.
#[track_caller]
pub fn require(component: &str) -> bool {
    let Some(found) = COMPONENTS.iter().find(|c| c.name == component) else {
        let known: Vec<_> = COMPONENTS.iter().map(|c| c.name).collect();
        panic!("unknown test component `{component}`; known: {known:?}");
    };
    if skipped(std::env::var(SKIP_VAR).ok().as_deref(), component) {
        eprintln!("skipped ({SKIP_VAR}={component})");
        return false;
    }
    assert!(
        (found.present)(),
        "this test needs {what}, which is missing\nhelp: install it with `{install}`, or skip the tests that need it with {SKIP_VAR}={name}",
        what = found.what,
        install = found.install,
        name = found.name,
    );
    true
}

/// Whether the comma-separated `list` names `component`.
fn skipped(list: Option<&str>, component: &str) -> bool {
    list.is_some_and(|list| list.split(',').any(|name| name.trim() == component))
}

/// Whether `program args` runs and exits 0.
fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether every tag `tests/images/debian.sh --tags` lists is in the engine.
fn standin_images() -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images/debian.sh");
    let tags = Command::new("bash")
        .arg(&script)
        .arg("--tags")
        .output()
        .expect("run debian.sh --tags");
    String::from_utf8_lossy(&tags.stdout)
        .lines()
        .all(|tag| succeeds("docker", &["image", "inspect", tag]))
}

#[test]
fn the_skip_list_is_comma_separated_names() {
    assert!(skipped(Some("images,just"), "just"));
    assert!(skipped(Some("images, just"), "just"));
    assert!(!skipped(Some("images,justice"), "just"));
    assert!(!skipped(Some(""), "just"));
    assert!(!skipped(None, "just"));
}
