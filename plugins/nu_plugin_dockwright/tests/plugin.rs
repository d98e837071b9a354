//! In-process tests with `nu-plugin-test-support`: every command's examples, and errors labelled
//! on the argument at fault. Nothing here needs a Docker engine.

mod common;

use std::sync::Arc;

use nu_plugin_dockwright::{commands, DockwrightPlugin};
use nu_plugin_test_support::PluginTest;
use nu_protocol::{LabeledError, ShellError, Span, Value};

/// A plugin test whose current directory is `dir`.
fn plugin_in(dir: &std::path::Path) -> PluginTest {
    let mut test = PluginTest::new("dockwright", Arc::new(DockwrightPlugin)).expect("plugin loads");
    test.engine_state_mut().add_env_var(
        "PWD".into(),
        Value::test_string(dir.to_str().expect("utf-8 temp path")),
    );
    test
}

/// What `script` evaluates to. (`ShellError` is what nu returns; boxing it here would only add
/// noise to the test.)
#[allow(clippy::result_large_err)]
fn run(test: &mut PluginTest, script: &str) -> Result<Value, ShellError> {
    test.eval(script)?.into_value(Span::test_data())
}

/// The error of a script that must fail, as the `LabeledError` the plugin returned.
fn failure(test: &mut PluginTest, script: &str) -> LabeledError {
    match run(test, script) {
        Ok(value) => panic!("`{script}` should fail, but returned {value:?}"),
        Err(ShellError::LabeledError(error)) => *error,
        Err(other) => panic!("`{script}` should fail with a LabeledError, got {other:?}"),
    }
}

/// The source text a label points at.
fn labelled<'t>(test: &'t PluginTest, error: &LabeledError) -> &'t str {
    let label = error
        .labels
        .first()
        .unwrap_or_else(|| panic!("no label on {error:?}"));
    std::str::from_utf8(test.engine_state().get_span_contents(label.span)).expect("utf-8 source")
}

fn eval(test: &mut PluginTest, script: &str) -> Value {
    run(test, script).unwrap_or_else(|e| panic!("`{script}` failed: {e:?}"))
}

#[test]
fn examples_with_results_hold() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let results: Vec<(&str, Result<(), ShellError>)> = vec![
        (
            "dockwright",
            test.test_command_examples(&commands::Dockwright),
        ),
        ("status", test.test_command_examples(&commands::Status)),
        ("inputs", test.test_command_examples(&commands::Inputs)),
        ("images", test.test_command_examples(&commands::Images)),
        ("build", test.test_command_examples(&commands::Build)),
        ("test", test.test_command_examples(&commands::Test)),
        ("gc", test.test_command_examples(&commands::Gc)),
        ("hooks", test.test_command_examples(&commands::Hooks)),
        (
            "hooks install",
            test.test_command_examples(&commands::HooksInstall),
        ),
        (
            "hooks uninstall",
            test.test_command_examples(&commands::HooksUninstall),
        ),
        ("init", test.test_command_examples(&commands::Init)),
        ("check", test.test_command_examples(&commands::Check)),
        ("doctor", test.test_command_examples(&commands::Doctor)),
    ];
    for (name, result) in results {
        assert!(
            result.is_ok(),
            "the examples of `dockwright {name}` failed (see stderr): {result:?}"
        );
    }
}

#[test]
fn every_command_is_listed_and_described() {
    let all = commands::all();
    for command in &all {
        assert!(
            command.name().starts_with("dockwright"),
            "{}",
            command.name()
        );
        assert!(
            !command.description().is_empty(),
            "{} has no description",
            command.name()
        );
        assert!(
            !command.examples().is_empty(),
            "{} has no examples",
            command.name()
        );
        if command.name() != "dockwright" {
            assert!(
                !command.search_terms().is_empty(),
                "{} has no search terms",
                command.name()
            );
        }
    }
}

#[test]
fn inputs_lists_the_dockerfile_and_what_it_copies() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    // Only nu-cmd-lang's commands exist in-process (no `get`, `where`): cell paths instead.
    let paths = eval(&mut test, "(dockwright inputs).path");
    assert_eq!(
        paths,
        Value::test_list(vec![
            Value::test_string("Dockerfile.runtime"),
            Value::test_string("requirements.txt")
        ])
    );
    let size = eval(&mut test, "(dockwright inputs app).size.1");
    assert_eq!(size, Value::test_filesize(12));
}

#[test]
fn unknown_service_is_labelled_on_its_argument() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let error = failure(&mut test, "dockwright inputs app aap");
    assert_eq!(error.msg, "no service named `aap`");
    assert_eq!(labelled(&test, &error), "aap");
    assert!(
        error
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `app`"),
        "{error:?}"
    );
}

#[test]
fn unknown_service_flag_of_test_is_labelled_on_its_value() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let error = failure(&mut test, "dockwright test --service [app nope]");
    assert_eq!(error.msg, "no service named `nope`");
    assert_eq!(labelled(&test, &error), "nope");
}

#[test]
fn unknown_revision_is_labelled_on_its_argument() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let error = failure(&mut test, "dockwright inputs --rev no-such-branch");
    assert!(error.msg.contains("no-such-branch"), "{error:?}");
    // nu gives a plugin the span of the whole named argument, flag included.
    assert_eq!(labelled(&test, &error), "--rev no-such-branch");
}

#[test]
fn revision_and_worktree_together_is_an_error() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let error = failure(&mut test, "dockwright test HEAD --worktree");
    assert_eq!(labelled(&test, &error), "HEAD");
    assert!(error.help.is_some());
}

#[test]
fn outside_a_git_repository_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut test = plugin_in(dir.path());
    for command in ["dockwright status", "dockwright inputs", "dockwright hooks"] {
        let error = failure(&mut test, command);
        assert!(error.msg.contains("git"), "`{command}`: {error:?}");
        assert!(error.help.is_some(), "`{command}` says no fix: {error:?}");
    }
}

#[test]
fn init_dry_run_lists_files_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("requirements.txt"), "six\n").unwrap();
    let mut test = plugin_in(dir.path());
    let Value::List { vals: actions, .. } = eval(&mut test, "(dockwright init --dry-run).action")
    else {
        panic!("init returns a table");
    };
    assert!(!actions.is_empty());
    assert!(
        actions
            .iter()
            .all(|a| a.as_str().ok() == Some("would create")),
        "{actions:?}"
    );
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(written, ["requirements.txt"], "a dry run wrote files");
}

#[test]
fn init_unknown_stack_is_labelled_on_the_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut test = plugin_in(dir.path());
    let error = failure(&mut test, "dockwright init --stack cobol");
    assert_eq!(labelled(&test, &error), "--stack cobol");
    assert!(
        error.help.as_deref().unwrap_or_default().contains("python"),
        "{error:?}"
    );
}

#[test]
fn init_missing_directory_is_labelled_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut test = plugin_in(dir.path());
    let error = failure(&mut test, "dockwright init no-such-dir --dry-run");
    assert!(error.msg.contains("no-such-dir"), "{error:?}");
    assert_eq!(labelled(&test, &error), "no-such-dir");
}

#[test]
fn check_finds_source_copied_into_the_runtime_image() {
    let repo = common::Repo::new();
    repo.write(
        "Dockerfile.runtime",
        &format!("FROM {}\nCOPY . .\n", common::BASE_IMAGE),
    );
    let mut test = plugin_in(repo.path());
    let Value::List { vals: findings, .. } = eval(&mut test, "dockwright check") else {
        panic!("check returns a table");
    };
    let copy = findings
        .iter()
        .find(|f| {
            f.get_data_by_key("rule")
                .and_then(|r| r.as_str().ok().map(str::to_string))
                .as_deref()
                == Some("source-in-runtime-image")
        })
        .unwrap_or_else(|| panic!("no source-in-runtime-image finding in {findings:?}"));
    assert_eq!(
        copy.get_data_by_key("file"),
        Some(Value::test_string("Dockerfile.runtime"))
    );
    assert_eq!(copy.get_data_by_key("line"), Some(Value::test_int(2)));
}

#[test]
fn unknown_hook_is_labelled_on_its_argument() {
    let repo = common::Repo::new();
    let mut test = plugin_in(repo.path());
    let error = failure(&mut test, "dockwright hooks install pre-push post-merj");
    assert_eq!(error.msg, "`post-merj` is not a hook dockwright installs");
    assert_eq!(labelled(&test, &error), "post-merj");
    assert!(
        error
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("post-merge"),
        "{error:?}"
    );
    // Nothing was installed: the arguments are checked before anything is written.
    assert!(!repo.path().join(".git/hooks/pre-push").exists());
}
