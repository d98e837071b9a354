//! Issue 4: clean test runs prove their guarantees against the real engine: the exit code passes
//! through, the container is hardened, nothing of the host gets in, and nothing is left behind.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{assert_no_leftovers, bin, TestRepo, BUSYBOX};

/// A repository with a busybox runtime image and a test command from dockwright.toml.
fn repo_with_test(test: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            "dockwright.toml",
            format!("[services.app]\ntest = {test:?}\n"),
        )
        .write(".gitignore", ".env\n")
        .write("tests/check.sh", "#!/bin/sh\necho checking\n");
    repo.commit_all("init");
    repo
}

/// The test containers of the project (not the classic builder's intermediate containers, which
/// carry the image's labels while a build runs).
fn containers(project: &str) -> Vec<String> {
    let label = format!("label=dev.dockwright.project={project}");
    let out = Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            &label,
            "--filter",
            "label=dev.dockwright.run",
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn spawn(repo: &TestRepo, args: &[&str]) -> Child {
    repo.command(bin("dockwright"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The test command of the runs that get interrupted: it says when it runs, then waits.
const STARTED_THEN_SLEEP: &str = "echo test-command-started; sleep 60";

/// Waits until the run's test command prints its start marker (so a signal hits a running
/// container, not one being created), and keeps draining its output so it never blocks.
fn wait_until_started(child: &mut Child) {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("test-command-started") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the test command did not start within 120 s");
}

#[test]
fn passing_and_failing_suites_pass_their_exit_code_through() {
    let repo = repo_with_test("echo suite-ran; exit 0");
    let run = repo.dockwright(&["test"]).ok();
    assert!(run.stdout.contains("suite-ran"), "{}", run.stdout);
    assert!(run.stderr.contains("passed"), "{}", run.stderr);

    let run = repo
        .dockwright(&["test", "--", "sh", "-c", "echo failing >&2; exit 3"])
        .code(3);
    assert!(run.stderr.contains("failing"), "{}", run.stderr);
    assert!(run.stderr.contains("failed (exit 3)"), "{}", run.stderr);
    assert_no_leftovers(&repo.project, "the run");

    let json = repo.dockwright(&["test", "--format", "json"]).ok().json();
    assert_eq!(json[0]["service"], "app");
    assert_eq!(json[0]["exit_code"], 0);
    assert_eq!(json[0]["passed"], true);
    assert_eq!(json[0]["commit"].as_str().unwrap().len(), 40);
}

#[test]
fn the_container_is_hardened() {
    let repo = repo_with_test("true");
    let script = r#"
set -u
echo "uid=$(id -u)"
grep CapEff /proc/self/status
echo "net=$(ls /sys/class/net | tr '\n' ' ')"
if wget -q -T 2 -O /dev/null http://example.invalid/ 2>/dev/null; then echo net-open; else echo net-closed; fi
if touch /etc/evil 2>/dev/null; then echo root-writable; else echo root-readonly; fi
touch /tmp/ok && echo tmp-writable
touch ./ok && echo workdir-writable
"#;
    let run = repo
        .dockwright(&["test", "--verbose", "--", "sh", "-c", script])
        .ok();
    let out = &run.stdout;
    assert!(out.contains("uid=1000"), "{out}");
    assert!(out.contains("CapEff:\t0000000000000000"), "{out}");
    assert!(out.contains("net=lo "), "{out}");
    assert!(out.contains("net-closed"), "{out}");
    assert!(out.contains("root-readonly"), "{out}");
    assert!(
        out.contains("tmp-writable") && out.contains("workdir-writable"),
        "{out}"
    );
    assert!(run.stderr.contains("network: none"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no-new-privileges: true"),
        "{}",
        run.stderr
    );
}

/// The pids limit a container's cgroup enforces (v1 or v2).
const PIDS_MAX: &str =
    "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max";

// Regression (issue 18): relaxations were listed only with `-v`, and not all of them.
#[test]
fn every_relaxation_is_said_on_every_run_and_listed_in_json() {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            "dockwright.toml",
            format!("[services.app]\ntest = \"id -u; {PIDS_MAX}\"\n[services.app.sandbox]\nread_only = false\nuser = \"0:0\"\npids = \"unlimited\"\nmemory = \"3g\"\n"),
        )
        .commit_all("init");
    let run = repo.dockwright(&["test"]).ok();
    assert_eq!(
        run.stdout, "0\nmax\n",
        "root, and no pids limit: {}",
        run.stderr
    );
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("relaxes the sandbox"))
        .collect();
    assert_eq!(
        said,
        [
            "dockwright: service `app` relaxes the sandbox: read_only = false (hardened default: true)",
            "dockwright: service `app` relaxes the sandbox: user = \"0:0\" (hardened default: a non-root user)",
            "dockwright: service `app` relaxes the sandbox: memory = \"3g\" (hardened default: \"2g\")",
            "dockwright: service `app` relaxes the sandbox: pids = \"unlimited\" (hardened default: 512)",
        ],
        "{}",
        run.stderr
    );

    let run = repo.dockwright(&["test", "--format", "json"]).ok();
    assert_eq!(
        run.stderr.matches("relaxes the sandbox").count(),
        4,
        "{}",
        run.stderr
    );
    let json = run.json();
    assert_eq!(
        json[0]["relaxed"],
        serde_json::json!([
            {"key": "read_only", "value": "false", "default": "true"},
            {"key": "user", "value": "\"0:0\"", "default": "a non-root user"},
            {"key": "memory", "value": "\"3g\"", "default": "\"2g\""},
            {"key": "pids", "value": "\"unlimited\"", "default": "512"},
        ])
    );

    // The hardened defaults: nothing said, nothing listed, the limit applied.
    repo.write(
        "dockwright.toml",
        format!("[services.app]\ntest = \"{PIDS_MAX}\"\n"),
    )
    .commit_all("harden");
    let run = repo.dockwright(&["test", "--format", "json"]).ok();
    assert!(!run.stderr.contains("relaxes"), "{}", run.stderr);
    assert_eq!(run.json()[0]["relaxed"], serde_json::json!([]));
    assert!(run.stderr.contains("512\n"), "{}", run.stderr);
}

// Regression (issue 18): `user = ""` ran the tests as root, `pids = 0`/`-1` and `cpus = 0.0`
// lifted the limits, all silently.
#[test]
fn empty_zero_or_negative_sandbox_values_are_refused_with_file_line_and_range() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("init");
    let cases = [
        ("user = \"\"", 8, "`user = \"\"` is empty: the engine would run the tests as the image's default user, often root; the accepted values are a user name or uid[:gid]"),
        ("pids = 0", 8, "`pids = 0` is out of range: the accepted range is 1 to 4194304 processes, or \"unlimited\""),
        ("pids = -1", 8, "`pids = -1` is out of range: the accepted range is 1 to 4194304 processes, or \"unlimited\""),
        ("cpus = 0.0", 8, "`cpus = 0.0` is out of range: the accepted range is 0.01 to 1024 cores, or \"unlimited\""),
        ("memory = \"\"", 10, "`memory = \"\"` is not a size: the accepted range is 6m or more (a number with a unit such as `512m` or `2g`), or \"unlimited\""),
        ("memory = 0", 10, "`memory = 0` is out of range: the accepted range is 6m or more, or \"unlimited\""),
    ];
    let path = repo.path().join("dockwright.toml");
    for (line, column, says) in cases {
        repo.write(
            "dockwright.toml",
            format!("[services.app]\ntest = \"id -u\"\n\n[services.app.sandbox]\n{line}\n"),
        )
        .commit_all(line);
        let run = repo.dockwright(&["test"]);
        assert_ne!(run.code, 0, "{line}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!(
                "`{}` line 5, column {column}: {says}",
                path.display()
            )),
            "{line}: {}",
            run.stderr
        );
        let key = line.split(' ').next().unwrap();
        assert!(
            run.stderr.contains("help: give ") && run.stderr.contains(&format!("`{key} = ")),
            "{line}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{line}: nothing ran: {}", run.stdout);
        assert!(containers(&repo.project).is_empty());
    }
}

#[test]
fn only_tracked_files_of_the_commit_get_in() {
    let repo = repo_with_test("true");
    repo.write(".env", "SECRET=1\n")
        .write("untracked.txt", "u\n")
        .write("app.py", "print('edited, not committed')\n");
    let script = "test ! -e .env && echo no-env; test -e untracked.txt && echo has-untracked; cat app.py; ls -l tests/check.sh";
    let run = repo.dockwright(&["test", "--", "sh", "-c", script]).ok();
    assert!(run.stdout.contains("no-env"), "{}", run.stdout);
    assert!(!run.stdout.contains("has-untracked"), "{}", run.stdout);
    assert!(run.stdout.contains("print('hello')"), "{}", run.stdout);
    // Modes kept, owned by the container's user.
    assert!(
        run.stdout.contains("-rw-r--r--") && run.stdout.contains("app"),
        "{}",
        run.stdout
    );

    // --worktree: tracked plus untracked-but-not-ignored, still never `.env`.
    let run = repo
        .dockwright(&["test", "--worktree", "--", "sh", "-c", script])
        .ok();
    assert!(
        run.stdout.contains("no-env") && run.stdout.contains("has-untracked"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("edited, not committed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dependency_change_is_tested_with_an_image_built_for_it() {
    let repo = repo_with_test("cat /deps/installed");
    let first = repo.dockwright(&["test"]).ok();
    assert!(first.stdout.contains("flask==3.0.0"), "{}", first.stdout);
    repo.write("requirements.txt", "flask==3.0.0\nrequests==2.32.0\n")
        .commit_all("add requests");
    let second = repo.dockwright(&["test"]).ok();
    assert!(
        second.stdout.contains("requests==2.32.0"),
        "{}",
        second.stdout
    );
    assert!(
        second.stderr.contains("built runtime image"),
        "{}",
        second.stderr
    );
    // The older commit is still tested with its own image.
    let old = repo.dockwright(&["test", "--rerun", "HEAD~1"]).ok();
    assert!(old.stdout.contains("flask==3.0.0"), "{}", old.stdout);
    assert!(!old.stdout.contains("requests"), "{}", old.stdout);
}

#[test]
fn a_symlink_escaping_the_repository_is_refused() {
    let repo = repo_with_test("true");
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("passwd-link")).unwrap();
    repo.commit_all("link");
    let run = repo.dockwright(&["test"]).code(1);
    assert!(
        run.stderr
            .contains("`passwd-link` is a symlink to `/etc/passwd`"),
        "{}",
        run.stderr
    );
    assert!(containers(&repo.project).is_empty());
}

#[test]
fn sigint_sigterm_and_timeout_leave_nothing_behind() {
    let repo = repo_with_test(STARTED_THEN_SLEEP);
    for signal in ["-INT", "-TERM"] {
        let mut child = spawn(&repo, &["test"]);
        wait_until_started(&mut child);
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "{signal}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_leftovers(&repo.project, signal);
    }
    let run = repo.dockwright(&["test", "--timeout", "2s"]).code(124);
    assert!(
        run.stderr.contains("did not finish within 2s"),
        "{}",
        run.stderr
    );
    assert_no_leftovers(&repo.project, "timeout");
}

/// The volumes of the project's test runs.
fn volumes(project: &str) -> Vec<String> {
    let label = format!("label=dev.dockwright.project={project}");
    crate::support::cleanup::docker_ids(&[
        "volume",
        "ls",
        "-q",
        "--filter",
        &label,
        "--filter",
        "label=dev.dockwright.run",
    ])
}

// Regression (issue 18): SIGHUP (the terminal closed) ended the process at once and left the
// container running; its workdir volume carried no label, so nothing could find it.
#[test]
fn sighup_is_handled_like_sigterm_and_the_workdir_volume_is_labelled() {
    let repo = repo_with_test(STARTED_THEN_SLEEP);
    assert!(containers(&repo.project).is_empty() && volumes(&repo.project).is_empty());
    let mut child = spawn(&repo, &["test"]);
    wait_until_started(&mut child);
    assert_eq!(containers(&repo.project).len(), 1);
    assert_eq!(
        volumes(&repo.project).len(),
        1,
        "the running test's workdir volume carries the project and run labels"
    );
    Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: removing the test container of `app`"),
        "{stderr}"
    );
    assert!(containers(&repo.project).is_empty(), "{stderr}");
    assert!(volumes(&repo.project).is_empty(), "{stderr}");
    assert_no_leftovers(&repo.project, "SIGHUP");
}

#[test]
fn gc_removes_a_run_volume_whose_container_went_without_it() {
    let repo = repo_with_test(STARTED_THEN_SLEEP);
    let mut child = spawn(&repo, &["test"]);
    wait_until_started(&mut child);
    child.kill().unwrap(); // SIGKILL: no cleanup can run.
    child.wait().unwrap();
    // Removed by hand without `-v`: the volume stays, dangling.
    let ids = containers(&repo.project);
    assert_eq!(ids.len(), 1);
    let rm = Command::new("docker")
        .args(["rm", "-f", &ids[0]])
        .output()
        .unwrap();
    assert!(rm.status.success());
    let left = volumes(&repo.project);
    assert_eq!(left.len(), 1);
    let json = repo.dockwright(&["gc", "--format", "json"]).ok().json();
    assert_eq!(json.as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json[0]["kind"], "volume", "{json}");
    assert_eq!(json[0]["name"], left[0].as_str(), "{json}");
    assert_eq!(json[0]["action"], "removed", "{json}");
    assert_eq!(json[0]["service"], "app", "{json}");
    assert_no_leftovers(&repo.project, "the run");
    let run = repo.dockwright(&["gc"]).ok();
    assert_eq!(run.stdout, "removed 0 containers and 0 volumes\n");
}

#[test]
fn gc_cleans_up_after_a_crash() {
    let repo = repo_with_test(STARTED_THEN_SLEEP);
    let mut child = spawn(&repo, &["test"]);
    wait_until_started(&mut child);
    child.kill().unwrap(); // SIGKILL: no cleanup can run.
    child.wait().unwrap();
    assert_eq!(containers(&repo.project).len(), 1);
    let json = repo.dockwright(&["gc", "--format", "json"]).ok().json();
    assert_eq!(json[0]["action"], "removed", "{json}");
    assert_eq!(json[0]["service"], "app");
    assert_no_leftovers(&repo.project, "the run");
}

#[test]
fn keep_leaves_the_container_and_says_how_to_enter_it() {
    let repo = repo_with_test("true");
    let run = repo.dockwright(&["test", "--keep"]).ok();
    assert!(run.stderr.contains("kept container"), "{}", run.stderr);
    assert_eq!(containers(&repo.project).len(), 1);
    let json = repo.dockwright(&["gc", "--format", "json"]).ok().json();
    assert_eq!(json[0]["action"], "kept");
    repo.dockwright(&["gc", "--all"]).ok();
    assert!(containers(&repo.project).is_empty());
}

#[test]
fn the_test_command_comes_from_the_stack_or_an_error_says_how_to_set_it() {
    let repo = TestRepo::new();
    repo.write("Dockerfile.runtime", format!("FROM {BUSYBOX}\n"))
        .write("README", "x")
        .commit_all("init");
    crate::support::busybox();
    let run = repo.dockwright(&["test"]).code(1);
    assert!(run.stderr.contains("has no test command"), "{}", run.stderr);
    assert!(
        run.stderr.contains("test = \"make test\""),
        "{}",
        run.stderr
    );

    // requirements.txt means pytest, which the busybox image does not have: the error is the
    // container's own (127), passed through.
    repo.write("requirements.txt", "").commit_all("python");
    let run = repo.dockwright(&["test", "--verbose"]).code(127);
    assert!(
        run.stderr
            .contains("command `pytest` (from `requirements.txt`)"),
        "{}",
        run.stderr
    );
}

#[test]
fn target_builds_a_stage_with_the_code_baked_in() {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            "Dockerfile",
            format!("FROM {BUSYBOX} AS base\nWORKDIR /app\nFROM base AS ci\nCOPY . /app/\nUSER 1000:1000\n"),
        )
        .write(".dockerignore", ".git\n")
        .commit_all("init");
    let run = repo
        .dockwright(&[
            "test",
            "--target",
            "ci",
            "--",
            "sh",
            "-c",
            "cat app.py && touch new",
        ])
        .ok();
    assert!(run.stdout.contains("print('hello')"), "{}", run.stdout);
    assert!(run.stderr.contains("stage `ci`"), "{}", run.stderr);
}

/// A repository with the hooks installed and a local bare remote called `origin`.
fn repo_with_remote(test: &str) -> (TestRepo, tempfile::TempDir) {
    let repo = repo_with_test(test);
    let remote = repo.add_remote("origin");
    repo.dockwright(&["hooks", "install"]).ok();
    (repo, remote)
}

fn remote_has(remote: &tempfile::TempDir, branch: &str) -> bool {
    Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "-q",
            &format!("refs/heads/{branch}"),
        ])
        .current_dir(remote.path())
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn pre_push_lets_a_passing_push_through_and_blocks_a_failing_one() {
    // The suite fails when the committed file `fail` exists.
    let (repo, remote) =
        repo_with_remote("if [ -e fail ]; then echo suite-failed; exit 1; fi; echo suite-passed");
    let push = repo.git_run(&["push", "-q", "origin", "main"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(
        push.stderr.contains("git holds the connection open"),
        "{}",
        push.stderr
    );
    assert!(
        push.stdout.contains("suite-passed") || push.stderr.contains("suite-passed"),
        "{push:?}"
    );
    assert!(remote_has(&remote, "main"));

    repo.write("fail", "").commit_all("break the suite");
    let head = repo.git(&["rev-parse", "HEAD"]).stdout.trim().to_string();
    let push = repo.git_run(&["push", "-q", "origin", "main"]);
    assert_ne!(
        push.code, 0,
        "a failing suite must stop the push\n{}",
        push.stderr
    );
    assert!(
        push.stderr.contains("the push is stopped"),
        "{}",
        push.stderr
    );
    assert!(
        push.stderr.contains("refs/heads/main"),
        "the summary names the ref: {}",
        push.stderr
    );
    assert!(
        push.stderr
            .contains(&format!("dockwright test {}", &head[..12])),
        "{}",
        push.stderr
    );
    let remote_main = Command::new("git")
        .args(["rev-parse", "main"])
        .current_dir(remote.path())
        .output()
        .unwrap();
    assert_ne!(
        String::from_utf8_lossy(&remote_main.stdout).trim(),
        head,
        "the remote must not have the failing commit"
    );

    // The ways around it still work.
    repo.git_run(&["push", "-q", "--no-verify", "origin", "main"])
        .ok();
    assert_no_leftovers(&repo.project, "the run");
}

#[test]
fn pre_push_skip_two_refs_a_deleted_ref_and_an_empty_push() {
    let (repo, remote) = repo_with_remote("echo ran-on-$(cat marker 2>/dev/null || echo none)");
    // DOCKWRIGHT_SKIP=1: the hook does nothing, the push goes.
    let mut cmd = repo.command("git");
    cmd.args(["push", "-q", "origin", "main"])
        .env("PATH", crate::support::path_with_bins())
        .env("DOCKWRIGHT_SKIP", "1");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("testing"),
        "skipped hooks say nothing"
    );

    // Two refs at two commits: each is tested once.
    repo.git(&["checkout", "-q", "-b", "a"]);
    repo.write("marker", "A").commit_all("a");
    repo.git(&["checkout", "-q", "-b", "b", "main"]);
    repo.write("marker", "B").commit_all("b");
    // And a third ref at the same commit as `b`: not tested twice.
    repo.git(&["branch", "c", "b"]);
    let push = repo.git_run(&["push", "origin", "a", "b", "c"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert!(
        all.contains("testing the tip of each pushed ref (pre_push = \"tip\"): 2 commits before pushing to `origin`"),
        "{all}"
    );
    assert_eq!(all.matches("ran-on-A").count(), 1, "{all}");
    assert_eq!(all.matches("ran-on-B").count(), 1, "{all}");
    assert!(remote_has(&remote, "a") && remote_has(&remote, "b") && remote_has(&remote, "c"));

    // A push that only deletes a ref tests nothing and goes through.
    let push = repo.git_run(&["push", "origin", "--delete", "a"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(!push.stderr.contains("testing"), "{}", push.stderr);
    assert!(!remote_has(&remote, "a"));

    // An empty push (everything up to date): nothing to test.
    let push = repo.git_run(&["push", "origin", "b"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(
        push.stderr.contains("Everything up-to-date"),
        "{}",
        push.stderr
    );
    assert!(!push.stderr.contains("testing"), "{}", push.stderr);
    assert_no_leftovers(&repo.project, "the run");
}

/// The lines the hooks wrote (dockwright's own, not the test's output).
fn hook_lines(run: &crate::support::Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("dockwright: "))
        .collect()
}

fn rev(repo: &TestRepo, rev: &str) -> String {
    repo.git(&["rev-parse", rev]).stdout.trim().to_string()
}

fn remote_rev(remote: &tempfile::TempDir, rev: &str) -> String {
    let out = Command::new("git")
        .args(["rev-parse", rev])
        .current_dir(remote.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The suite of the pre-push mode tests: fails when the committed file `fail` exists, and says
/// which commit it ran on (the committed file `n`).
const NUMBERED_SUITE: &str =
    "if [ -e fail ]; then echo suite-failed-$(cat n); exit 1; fi; echo suite-passed-$(cat n)";

// Regression (issue 18): a push of three commits tested only the tip, so a failing commit under
// a passing tip was pushed, and nothing said so.
#[test]
fn pre_push_tests_the_tip_or_each_new_commit_as_configured() {
    let (repo, remote) = repo_with_remote(NUMBERED_SUITE);
    repo.write("n", "0").commit_all("zero");
    repo.git_run(&["push", "-q", "origin", "main"]).ok();
    let pushed = rev(&repo, "HEAD");
    repo.write("n", "1").commit_all("one");
    repo.write("n", "2")
        .write("fail", "")
        .commit_all("two breaks the suite");
    let middle = rev(&repo, "HEAD");
    repo.write("n", "3")
        .remove("fail")
        .commit_all("three fixes it");
    let tip = rev(&repo, "HEAD");

    // each (set in the working tree's dockwright.toml): oldest first, stops at the middle one.
    let toml = repo.read("dockwright.toml");
    repo.write("dockwright.toml", format!("pre_push = \"each\"\n{toml}"));
    let push = repo.git_run(&["push", "-q", "origin", "main"]);
    assert_ne!(
        push.code, 0,
        "the failing middle commit must stop the push\n{}",
        push.stderr
    );
    let lines = hook_lines(&push);
    assert_eq!(
        lines[0],
        "dockwright: testing each new commit (pre_push = \"each\"): 3 commits, oldest first, before pushing to `origin`; git holds the connection open meanwhile (skip with `git push --no-verify`)",
        "{}",
        push.stderr
    );
    let one = push
        .stderr
        .find("suite-passed-1")
        .expect("commit one tested");
    let two = push
        .stderr
        .find("suite-failed-2")
        .expect("commit two tested");
    assert!(one < two, "oldest first: {}", push.stderr);
    assert!(!push.stderr.contains("suite-passed-3"), "{}", push.stderr);
    assert!(
        lines.contains(
            &"dockwright: stopped at the first failing commit: 1 commit after it not tested"
        ),
        "{}",
        push.stderr
    );
    let short = &middle[..12];
    assert!(
        push.stderr.contains(&format!(
            "  refs/heads/main at {short} \"two breaks the suite\": service `app` exited with 1; reproduce with `dockwright test {short} --service app`"
        )),
        "{}",
        push.stderr
    );
    assert_eq!(remote_rev(&remote, "main"), pushed, "nothing was pushed");

    // tip (the default): only the tip runs, it passes, and the hook says what it skipped.
    repo.git(&["checkout", "-q", "--", "dockwright.toml"]);
    let push = repo.git_run(&["push", "-q", "origin", "main"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    let lines = hook_lines(&push);
    assert_eq!(
        lines[0],
        "dockwright: testing the tip of each pushed ref (pre_push = \"tip\"): 1 commit before pushing to `origin`; git holds the connection open meanwhile (skip with `git push --no-verify`)",
        "{}",
        push.stderr
    );
    assert_eq!(
        lines[1],
        "dockwright: tested the tip only: 2 earlier new commits under it are not tested (set `pre_push = \"each\"` in dockwright.toml to test each)",
        "{}",
        push.stderr
    );
    assert_eq!(push.stderr.matches("suite-").count(), 1, "{}", push.stderr);
    assert!(push.stderr.contains("suite-passed-3"), "{}", push.stderr);
    assert_eq!(remote_rev(&remote, "main"), tip);
    assert_no_leftovers(&repo.project, "the run");
}

// Regression (issue 18): an annotated tag pushed with its branch was not peeled, so the same
// commit was tested twice.
#[test]
fn pre_push_peels_an_annotated_tag_pushed_with_its_branch() {
    let (repo, remote) = repo_with_remote(NUMBERED_SUITE);
    repo.write("n", "0").commit_all("zero");
    repo.git_run(&["push", "-q", "origin", "main"]).ok();
    let toml = repo.read("dockwright.toml");
    for (mode, n) in [("tip", "1"), ("each", "2")] {
        repo.write("dockwright.toml", &toml);
        repo.write("n", n).commit_all(&format!("release {n}"));
        let tag = format!("v{n}");
        repo.git(&["tag", "-a", &tag, "-m", &format!("release {n}")]);
        repo.write("dockwright.toml", format!("pre_push = \"{mode}\"\n{toml}"));
        let push = repo.git_run(&["push", "-q", "origin", "main", &tag]);
        assert_eq!(push.code, 0, "{mode}: {}", push.stderr);
        assert!(
            hook_lines(&push)[0].contains(&format!("(pre_push = \"{mode}\"): 1 commit")),
            "{mode}: {}",
            push.stderr
        );
        assert_eq!(
            push.stderr.matches(&format!("suite-passed-{n}")).count(),
            1,
            "{mode}: tested once: {}",
            push.stderr
        );
        assert_eq!(
            remote_rev(&remote, &format!("{tag}^{{commit}}")),
            rev(&repo, "HEAD")
        );
        repo.git(&["checkout", "-q", "--", "dockwright.toml"]);
    }
}

// Regression (issue 18): a hung engine made `test` and `gc` wait 30 s in silence before saying
// anything; an engine that never answered is now said to be not answering after the short bound.
#[test]
fn a_hung_engine_is_said_to_be_not_answering_after_the_quick_bound() {
    let repo = repo_with_test("true");
    // Accepts connections (the kernel does) and never answers.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = format!("tcp://{}", hung.local_addr().unwrap());
    for args in [&["test"][..], &["gc"][..]] {
        let started = std::time::Instant::now();
        let run = repo
            .dockwright_env(args, &[("DOCKER_HOST", host.as_str())])
            .code(3);
        let took = started.elapsed();
        assert_eq!(
            run.stderr.lines().next().unwrap_or(""),
            format!("error: cannot reach the Docker engine at `{host}` (from DOCKER_HOST): the engine is not answering (no reply within 3.0s)"),
            "{args:?}: {}",
            run.stderr
        );
        // A bound on hanging, not a timing: the old behaviour waited 30 s.
        assert!(took < Duration::from_secs(20), "{args:?} took {took:?}");
    }
    assert!(containers(&repo.project).is_empty());
}

/// Issue 13's bug: a Flask app creating `instance/` next to its code got `Permission denied`,
/// because the image's `WORKDIR` is root's and already holds files (the manifests are copied
/// there, as in every template), so the volume at the workdir kept a root-owned top level.
#[test]
fn the_workdir_is_writable_at_its_top_level_when_the_image_holds_root_owned_files_there() {
    let repo = TestRepo::new();
    crate::support::busybox();
    // The base image gives /app to its user; a real `WORKDIR` is made by root.
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nRUN chown 0:0 /app\nWORKDIR /app\nCOPY requirements.txt ./\nUSER 1000:1000\n"),
    )
    .write("requirements.txt", "flask==3.0.0\n")
    .write("pkg/module.py", "x = 1\n")
    .write(
        "dockwright.toml",
        "[services.app]\ntest = \"touch ./x && mkdir ./db && touch pkg/y && mkdir pkg/d && stat -c '%u %n' . x db pkg/y pkg/d && echo all-writable\"\n",
    )
    .commit_all("init");
    let run = repo.dockwright(&["test", "--rerun"]).ok();
    assert!(run.stdout.contains("all-writable"), "{}", run.stdout);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("1000 "))
            .count(),
        5,
        "{}",
        run.stdout
    );
    let image_owner = std::process::Command::new("docker")
        .args(["run", "--rm", "--user", "0:0", "--entrypoint", "stat"])
        .arg(
            repo.dockwright(&["status", "--format", "json"]).ok().json()[0]["image"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_default(),
        )
        .args(["-c", "%u", "/app", "/app/requirements.txt"])
        .output()
        .unwrap();
    // The image itself is unchanged: its workdir and files are still root's.
    assert_eq!(
        String::from_utf8_lossy(&image_owner.stdout),
        "0\n0\n",
        "{}",
        String::from_utf8_lossy(&image_owner.stderr)
    );
    // Twice: the second run reuses the derived image, and neither is listed as a runtime image.
    let again = repo.dockwright(&["test", "--rerun"]).ok();
    assert!(again.stdout.contains("all-writable"), "{}", again.stdout);
    let images = repo.dockwright(&["images", "--format", "json"]).ok().json();
    assert_eq!(images.as_array().map(Vec::len), Some(1), "{images}");
    assert_no_leftovers(&repo.project, "the run");
}

/// The project's images, tagged or not, as `id tags` lines.
fn project_images(repo: &TestRepo) -> Vec<String> {
    let out = Command::new("docker")
        .args([
            "images",
            "--no-trunc",
            "--format",
            "{{.ID}} {{.Repository}}:{{.Tag}}",
            "--filter",
            &format!("label=dev.dockwright.project={}", repo.project),
        ])
        .output()
        .unwrap();
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// Issue 18 item 5 and issue 13's workdir images: gc removes the project's images that nothing
/// names (a workdir image whose runtime image lost its tag, the runtime image it kept alive, the
/// loser of a second build under one tag) and never a tagged runtime image.
#[test]
fn gc_removes_the_images_nothing_names_and_keeps_the_tagged_ones() {
    let repo = repo_with_test("true");
    repo.dockwright(&["test"]).ok();
    let made = project_images(&repo);
    assert_eq!(made.len(), 2, "the runtime and the workdir image: {made:?}");
    let runtime = made
        .iter()
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .find(|tag| tag.contains("-runtime:"))
        .expect("a runtime image");
    // Everything is named: gc leaves the images alone.
    let gc = repo.dockwright(&["gc"]).ok();
    assert_eq!(gc.stdout, "removed 0 containers and 0 volumes\n");
    assert_eq!(project_images(&repo), made);

    // The runtime image loses its tag (as `docker rmi` by hand): the workdir image derived
    // from it keeps it alive, untagged. gc removes both.
    let rmi = Command::new("docker")
        .args(["rmi", &runtime])
        .output()
        .unwrap();
    assert!(
        rmi.status.success(),
        "{}",
        String::from_utf8_lossy(&rmi.stderr)
    );
    let gc = repo.dockwright(&["gc", "--format", "json"]).ok().json();
    let images: Vec<&serde_json::Value> = gc
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "image")
        .collect();
    // The workdir image is removed, and the engine prunes its untagged parent with it.
    assert_eq!(images.len(), 1, "{gc}");
    assert_eq!(images[0]["action"], "removed", "{gc}");
    assert!(
        images[0]["name"].as_str().unwrap().contains("-workdir:"),
        "{gc}"
    );
    assert_eq!(project_images(&repo), Vec::<String>::new());

    // Two builds under one tag: the first is left untagged, and only it goes.
    repo.dockwright(&["build"]).ok();
    let dockerfile = repo.read("Dockerfile.runtime");
    repo.write("Dockerfile.other", format!("{dockerfile}LABEL other=1\n"));
    let label = format!("dev.dockwright.project={}", repo.project);
    let loser = Command::new("docker")
        .args([
            "build",
            "-q",
            "-f",
            "Dockerfile.other",
            "--label",
            &label,
            "-t",
            &runtime,
            ".",
        ])
        .env("DOCKER_BUILDKIT", "0")
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(
        loser.status.success(),
        "{}",
        String::from_utf8_lossy(&loser.stderr)
    );
    assert_eq!(project_images(&repo).len(), 2);
    let gc = repo.dockwright(&["gc"]).ok();
    assert_eq!(
        gc.stdout.lines().last().unwrap(),
        "removed 0 containers and 0 volumes, and 1 image nothing names any more",
        "{}",
        gc.stdout
    );
    let left = project_images(&repo);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with(&format!(" {runtime}")), "{left:?}");
}
