//! Issue 11: durations a user writes are read within a named range; a huge one is an error
//! naming the value and the range, never a panic (`Duration::from_secs_f64` panicked on each).

use crate::support::TestRepo;

/// A project whose commands get as far as the engine, without building anything.
fn project() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "Dockerfile.runtime",
        "FROM scratch\nCOPY requirements.txt /deps/\n",
    )
    .write("requirements.txt", "flask==3.0.0\n")
    .commit_all("init");
    repo
}

#[test]
fn test_timeout_too_large_is_a_usage_error_naming_value_and_range() {
    let repo = project();
    let run = repo
        .dockwright(&["test", "--timeout", "99999999999999999999s"])
        .code(2);
    assert!(
        run.stderr.contains("`99999999999999999999s`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("from 1s to 7days"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn test_timeout_of_zero_is_a_usage_error_not_an_instant_timeout() {
    let repo = project();
    let run = repo.dockwright(&["test", "--timeout", "0s"]).code(2);
    assert!(
        run.stderr.contains("`0s` is out of range"),
        "{}",
        run.stderr
    );
}

#[test]
fn engine_timeout_env_too_large_is_a_usage_error_naming_value_and_range() {
    let repo = project();
    let run = repo
        .dockwright_env(&["status"], &[("DOCKWRIGHT_ENGINE_TIMEOUT", "1e30")])
        .code(2);
    assert!(
        run.stderr
            .contains("DOCKWRIGHT_ENGINE_TIMEOUT: `1e30` is out of range"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("from 1ms to 1h"), "{}", run.stderr);
    assert!(run.stderr.contains("help: "), "{}", run.stderr);
}

#[test]
fn sandbox_timeout_too_large_names_the_file_line_and_range() {
    let repo = project();
    repo.write(
        "dockwright.toml",
        "[services.app.sandbox]\ntimeout = \"99999999999999999999s\"\n",
    );
    let run = repo.dockwright(&["status"]).code(1);
    assert!(
        run.stderr.contains("dockwright.toml` line 2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`99999999999999999999s`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("from 1s to 7days"), "{}", run.stderr);
}
