//! Issue 13: a passing run is proven; the same run (files, image, command, settings) is never
//! run again, by `dockwright test` or by the pre-push hook, and anything that decides the
//! outcome makes another key.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::{assert_no_leftovers, bin, cleanup::remove_images, TestRepo};

/// A busybox service whose test command comes from dockwright.toml; dockwright.toml and
/// .dockerignore are not shipped, so a settings change leaves the payload as it was.
fn repo_with(test: &str, sandbox: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            ".dockerignore",
            "dockwright.toml\n.dockerignore\nnotes.txt\n",
        )
        .write("marker", "one\n");
    write_config(&repo, test, sandbox);
    repo.commit_all("init");
    repo
}

fn write_config(repo: &TestRepo, test: &str, sandbox: &str) {
    repo.write(
        "dockwright.toml",
        format!("[services.app]\ntest = {test:?}\n[services.app.sandbox]\n{sandbox}"),
    );
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Test containers the engine created for the project since `since` (its event log).
fn created_since(project: &str, since: f64) -> usize {
    let out = Command::new("docker")
        .args([
            "events",
            "--since",
            &format!("{since:.3}"),
            "--until",
            &format!("{:.3}", now()),
            "--filter",
            "type=container",
            "--filter",
            "event=create",
            "--filter",
            &format!("label=dev.dockwright.project={project}"),
            "--format",
            "{{.ID}}",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).lines().count()
}

fn head(repo: &TestRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).stdout.trim().to_string()
}

fn proofs_file(repo: &TestRepo) -> PathBuf {
    let common = repo.git(&["rev-parse", "--git-common-dir"]).stdout;
    repo.path()
        .join(common.trim())
        .join("dockwright/proofs.json")
}

fn proofs(repo: &TestRepo) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(proofs_file(repo)).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format"], "dockwright-proofs");
    assert_eq!(doc["version"], 1);
    doc["proofs"].as_object().unwrap().clone()
}

fn image(repo: &TestRepo) -> String {
    repo.dockwright(&["status", "--format", "json"]).ok().json()[0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Asserts the run ran its command (`ran-…` on stdout) or not, and returns stdout.
#[track_caller]
fn ran(run: &crate::support::Run, expected: bool) -> bool {
    let did = run.stdout.contains("ran-");
    assert_eq!(
        did,
        expected,
        "expected the command to {}run\nstdout:\n{}\nstderr:\n{}",
        if expected { "" } else { "not " },
        run.stdout,
        run.stderr
    );
    did
}

#[test]
fn a_pass_is_proven_and_the_same_run_is_not_run_again() {
    let repo = repo_with("echo ran-suite", "");
    ran(&repo.dockwright(&["test"]).ok(), true);
    let commit = head(&repo);
    let short = &commit[..12];
    let image = image(&repo);

    let since = now();
    let again = repo.dockwright(&["test"]).ok();
    ran(&again, false);
    assert_eq!(
        again.stderr,
        format!("dockwright: app at {short} in {image}: passed: proven just now at {short} (`--rerun` runs it again)\n")
    );
    assert_eq!(
        created_since(&repo.project, since),
        0,
        "a proven run creates no container"
    );

    let json = repo.dockwright(&["test", "--format", "json"]).ok().json();
    assert_eq!(json[0]["cached"], true, "{json}");
    assert_eq!(json[0]["passed"], true);
    assert_eq!(json[0]["exit_code"], 0);
    assert_eq!(json[0]["proven"]["commit"], commit.as_str());

    let since = now();
    let rerun = repo
        .dockwright(&["test", "--rerun", "--format", "json"])
        .ok();
    assert!(rerun.stderr.contains("ran-suite"), "{}", rerun.stderr);
    assert_eq!(rerun.json()[0]["cached"], false);
    assert_eq!(created_since(&repo.project, since), 1);

    // Only passes are proven: a failing command runs every time.
    for _ in 0..2 {
        let failed = repo
            .dockwright(&["test", "--", "sh", "-c", "echo ran-failing; exit 3"])
            .code(3);
        ran(&failed, true);
    }
    assert_eq!(proofs(&repo).len(), 1, "{:?}", proofs(&repo));
    assert_no_leftovers(&repo.project, "the run");
}

#[test]
fn the_key_changes_with_the_payload_the_command_the_network_and_the_image_id() {
    let online =
        "if [ -e /sys/class/net/eth0 ]; then echo ran-online; else echo ran-offline; exit 1; fi";
    let repo = repo_with(online, "network = \"bridge\"\n");
    ran(&repo.dockwright(&["test"]).ok(), true);
    ran(&repo.dockwright(&["test"]).ok(), false);

    // The same files under `network = "none"`: not proven, and it fails there.
    write_config(&repo, online, "");
    repo.commit_all("no network");
    let offline = repo.dockwright(&["test"]).code(1);
    assert!(offline.stdout.contains("ran-offline"), "{}", offline.stdout);

    // And the other way: a pass without network is not proven with it.
    let cmd = ["test", "--", "sh", "-c", "echo ran-command"];
    ran(&repo.dockwright(&cmd).ok(), true);
    ran(&repo.dockwright(&cmd).ok(), false);
    write_config(&repo, online, "network = \"bridge\"\n");
    repo.commit_all("network again");
    ran(&repo.dockwright(&cmd).ok(), true);
    ran(&repo.dockwright(&cmd).ok(), false);

    // Another command.
    ran(
        &repo
            .dockwright(&["test", "--", "sh", "-c", "echo ran-command; true"])
            .ok(),
        true,
    );

    // One file of the payload differs.
    repo.write("marker", "two\n").commit_all("marker");
    ran(&repo.dockwright(&cmd).ok(), true);
    ran(&repo.dockwright(&cmd).ok(), false);
    // A commit that changes only what .dockerignore leaves out ships the same payload: proven.
    repo.write("notes.txt", "not shipped\n").commit_all("notes");
    ran(&repo.dockwright(&cmd).ok(), false);

    // --worktree is proven by its payload: an untracked file makes another one, and so does
    // its content.
    let wt = ["test", "--worktree", "--", "sh", "-c", "echo ran-command"];
    repo.write("untracked.txt", "a\n");
    ran(&repo.dockwright(&wt).ok(), true);
    ran(&repo.dockwright(&wt).ok(), false);
    repo.write("untracked.txt", "b\n");
    ran(&repo.dockwright(&wt).ok(), true);
    repo.remove("untracked.txt");
    // The working tree's files are now exactly the commit's: the same payload, proven.
    ran(&repo.dockwright(&wt).ok(), false);

    // The image rebuilt under the same tag (a new id).
    let tag = image(&repo);
    let ctx = tempfile::tempdir().unwrap();
    std::fs::write(
        ctx.path().join("Dockerfile"),
        format!("FROM {tag}\nLABEL rebuilt=yes\n"),
    )
    .unwrap();
    let built = Command::new("docker")
        .args(["build", "-q", "-t", &tag])
        .arg(ctx.path())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    ran(&repo.dockwright(&cmd).ok(), true);
    ran(&repo.dockwright(&cmd).ok(), false);
    assert_no_leftovers(&repo.project, "the run");
}

#[test]
fn a_corrupt_truncated_or_foreign_proof_file_is_ignored_with_one_warning() {
    let repo = repo_with("echo ran-suite", "");
    ran(&repo.dockwright(&["test"]).ok(), true);
    let path = proofs_file(&repo);
    let valid = std::fs::read(&path).unwrap();
    for (what, bad) in [
        ("truncated", valid[..valid.len() / 2].to_vec()),
        ("garbage", b"\x00\xff not json at all".to_vec()),
        (
            "foreign",
            br#"{"format":"something-else","version":7}"#.to_vec(),
        ),
        (
            "newer",
            br#"{"format":"dockwright-proofs","version":2,"proofs":{}}"#.to_vec(),
        ),
    ] {
        std::fs::write(&path, &bad).unwrap();
        let run = repo.dockwright(&["test"]).ok();
        ran(&run, true);
        let warnings: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains("warning"))
            .collect();
        assert_eq!(warnings.len(), 1, "{what}: {}", run.stderr);
        assert!(
            warnings[0].starts_with(&format!(
                "dockwright: warning: ignoring the proofs file `{}`: ",
                path.display()
            )) && warnings[0].ends_with("every test runs, and the next pass replaces it"),
            "{what}: {}",
            warnings[0]
        );
        // The pass replaced it with a good file, which the next run uses.
        assert_eq!(proofs(&repo).len(), 1, "{what}");
        ran(&repo.dockwright(&["test"]).ok(), false);
    }
}

#[test]
fn two_worktrees_testing_at_once_share_the_proofs_and_lose_none() {
    let repo = repo_with("echo ran-suite; sleep 1", "");
    let other = tempfile::Builder::new()
        .prefix("dwt-wt-")
        .tempdir()
        .unwrap();
    let other_dir = other.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        other_dir.to_str().unwrap(),
        "-b",
        "other",
    ]);
    std::fs::write(other_dir.join("marker"), "other\n").unwrap();
    let git_other = |args: &[&str]| {
        let out = repo
            .command("git")
            .current_dir(&other_dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git_other(&["commit", "-q", "-am", "other"]);
    // The image exists first, so both runs reach their containers together.
    repo.dockwright(&["build"]).ok();
    let spawn = |dir: &Path| {
        repo.command(bin("dockwright"))
            .current_dir(dir)
            .arg("test")
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn(repo.path()));
        let b = s.spawn(|| spawn(&other_dir));
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(proofs(&repo).len(), 2, "{:?}", proofs(&repo));
    // Each is proven from the other worktree too: the proofs live in the common git dir.
    let run = repo.dockwright(&["test", "other"]).ok();
    ran(&run, false);
    assert!(run.stderr.contains("passed: proven"), "{}", run.stderr);
    let out = repo
        .command(bin("dockwright"))
        .current_dir(&other_dir)
        .args(["test", "main"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ran-"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("passed: proven"));
}

#[test]
fn pre_push_skips_proven_commits_and_says_how_many() {
    let repo = repo_with("echo ran-suite-$(cat marker)", "");
    let _remote = repo.add_remote("origin");
    repo.dockwright(&["hooks", "install"]).ok();

    ran(&repo.dockwright(&["test"]).ok(), true);
    let push = repo.git_run(&["push", "-q", "origin", "main"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert!(!all.contains("ran-suite"), "{all}");
    assert!(all.contains("passed: proven"), "{all}");
    assert!(
        all.contains("skipped 1 of 1 commit: proven by an earlier pass"),
        "{all}"
    );

    // A new commit on one branch, a proven one on another: one runs, one is skipped.
    repo.git(&["checkout", "-q", "-b", "b"]);
    repo.write("marker", "b\n").commit_all("b");
    repo.git(&["branch", "c", "main"]);
    let push = repo.git_run(&["push", "origin", "b", "c"]);
    assert_eq!(push.code, 0, "{}", push.stderr);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert_eq!(all.matches("ran-suite-b").count(), 1, "{all}");
    assert!(!all.contains("ran-suite-one"), "{all}");
    assert!(all.contains("skipped 1 of 2 commits"), "{all}");
    assert_no_leftovers(&repo.project, "the run");
}

#[test]
fn gc_prunes_the_proofs_whose_image_is_gone() {
    let repo = repo_with("echo ran-suite", "");
    ran(&repo.dockwright(&["test"]).ok(), true);
    let commit = head(&repo);
    let gc = repo.dockwright(&["gc"]).ok();
    assert_eq!(gc.stdout, "removed 0 containers and 0 volumes\n");
    assert_eq!(proofs(&repo).len(), 1);

    // The runtime image and its derived workdir image are deleted.
    remove_images(&format!("label=dev.dockwright.project={}", repo.project));
    let json = repo.dockwright(&["gc", "--format", "json"]).ok().json();
    let pruned: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "proof")
        .collect();
    assert_eq!(pruned.len(), 1, "{json}");
    assert_eq!(pruned[0]["action"], "pruned");
    assert_eq!(pruned[0]["service"], "app");
    assert_eq!(pruned[0]["commit"], commit.as_str());
    assert!(proofs(&repo).is_empty());
    // The next run builds the image again and runs.
    ran(&repo.dockwright(&["test"]).ok(), true);
    let key = proofs(&repo).keys().next().unwrap().clone();
    let tag = image(&repo);

    // The same, as a person reads it.
    remove_images(&format!("label=dev.dockwright.project={}", repo.project));
    let gc = repo.dockwright(&["gc"]).ok();
    assert_eq!(
        gc.stdout,
        format!(
            "pruned   proof {} of app at {}: image {tag} is gone\nremoved 0 containers and 0 volumes, pruned 1 proof\n",
            &key[..12],
            &commit[..12]
        )
    );
    assert!(proofs(&repo).is_empty());
}
