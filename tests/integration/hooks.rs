//! Issue 3: the git hooks. Real git runs the installed shims, the shims run the real hook
//! binaries, and the hooks ask the real engine.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{bin, bin_dir, path_with_bins, Run, TestRepo, BUSYBOX};

/// The lines the hooks printed (git's own output is quieted with `-q`).
fn hook_lines(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("dockwright:"))
        .map(str::to_string)
        .collect()
}

/// Runs git with extra environment (the binaries on PATH unless `env` sets PATH).
fn git_env(repo: &TestRepo, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = repo.command("git");
    cmd.current_dir(dir)
        .args(args)
        .env("PATH", path_with_bins());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run git");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A repository with the busybox service on `main` (branch A) and branch `b` whose
/// `requirements.txt` differs; `main` is checked out.
fn two_branches() -> TestRepo {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("A");
    repo.git(&["checkout", "-q", "-b", "b"]);
    repo.write("requirements.txt", "flask==3.0.0\nrequests==2.32.0\n")
        .commit_all("B");
    repo.git(&["checkout", "-q", "main"]);
    repo
}

fn install(repo: &TestRepo) -> Run {
    repo.dockwright(&["hooks", "install"]).ok()
}

fn hooks_dir(repo: &TestRepo) -> PathBuf {
    repo.path().join(".git/hooks")
}

/// Every file in a directory but git's samples, by name, with its bytes and mode.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".sample")
        })
        .map(|e| {
            let e = e.unwrap();
            let mode = std::fs::symlink_metadata(e.path())
                .unwrap()
                .permissions()
                .mode();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
                mode,
            )
        })
        .collect();
    all.sort();
    all
}

fn status_json(repo: &TestRepo) -> serde_json::Value {
    repo.dockwright(&["hooks", "status", "--format", "json"])
        .ok()
        .json()
}

fn states(repo: &TestRepo) -> Vec<String> {
    let json = status_json(repo);
    json["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["state"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn checkout_names_the_changed_manifest_and_is_silent_when_fresh() {
    let repo = two_branches();
    install(&repo);
    repo.dockwright(&["build"]).ok();

    let to_b = repo.git(&["checkout", "-q", "b"]);
    let lines = hook_lines(&to_b);
    assert_eq!(lines.len(), 2, "{}", to_b.stderr);
    assert!(
        lines[0].contains("`app`") && lines[0].contains("requirements.txt changed"),
        "{lines:?}"
    );
    assert!(lines[1].contains("`dockwright build app`"), "{lines:?}");

    // A file checkout (flag 0) on the stale branch says nothing.
    repo.write("requirements.txt", "edited\n");
    let file = repo.git(&["checkout", "--", "requirements.txt"]);
    assert_eq!(hook_lines(&file), Vec::<String>::new(), "{}", file.stderr);
    // Neither does a checkout that does not move HEAD.
    let new_branch = repo.git(&["checkout", "-q", "-b", "c"]);
    assert_eq!(
        hook_lines(&new_branch),
        Vec::<String>::new(),
        "{}",
        new_branch.stderr
    );

    let to_a = repo.git(&["checkout", "-q", "main"]);
    assert_eq!(to_a.stderr, "", "branch A's image exists: nothing to say");
}

#[test]
fn pull_of_a_changed_lockfile_warns_after_the_merge() {
    let upstream = TestRepo::new();
    upstream
        .write(
            "Dockerfile.runtime",
            format!("FROM {BUSYBOX}\nCOPY package.json package-lock.json /deps/\nRUN cat /deps/package-lock.json\n"),
        )
        .write("package.json", "{\"name\": \"web\"}\n")
        .write("package-lock.json", "{\"lockfileVersion\": 3}\n")
        .write("index.js", "console.log(1)\n");
    crate::support::busybox();
    upstream.commit_all("web");

    let local = TestRepo::new();
    let url = upstream.path().to_str().unwrap();
    local.git(&["remote", "add", "origin", url]);
    local.git(&["fetch", "-q", "origin"]);
    local.git(&["checkout", "-q", "-B", "main", "--track", "origin/main"]);
    install(&local);
    local.dockwright(&["build"]).ok();

    upstream
        .write(
            "package-lock.json",
            "{\"lockfileVersion\": 3, \"packages\": {}}\n",
        )
        .commit_all("lock");
    let pull = local.git(&["pull", "-q"]);
    let lines = hook_lines(&pull);
    assert_eq!(lines.len(), 2, "{}", pull.stderr);
    assert!(lines[0].contains("package-lock.json changed"), "{lines:?}");
    assert!(!lines[0].contains("package.json changed"), "{lines:?}");

    // A pull that changes source only says nothing.
    local.dockwright(&["build"]).ok();
    upstream
        .write("index.js", "console.log(2)\n")
        .commit_all("source");
    let pull = local.git(&["pull", "-q"]);
    assert_eq!(hook_lines(&pull), Vec::<String>::new(), "{}", pull.stderr);
}

#[test]
fn pull_rebase_warns_once_after_the_rewrite() {
    let upstream = TestRepo::new();
    upstream.busybox_service().commit_all("A");
    let local = TestRepo::new();
    local.git(&["remote", "add", "origin", upstream.path().to_str().unwrap()]);
    local.git(&["fetch", "-q", "origin"]);
    local.git(&["checkout", "-q", "-B", "main", "--track", "origin/main"]);
    install(&local);
    local.dockwright(&["build"]).ok();

    local
        .write("app.py", "print('local')\n")
        .commit_all("local work");
    upstream
        .write("requirements.txt", "flask==3.1.0\n")
        .commit_all("bump flask");
    let pull = local.git(&["pull", "-q", "--rebase"]);
    // The rebase's own post-checkout stays quiet; post-rewrite speaks once.
    let lines = hook_lines(&pull);
    assert_eq!(lines.len(), 2, "{}", pull.stderr);
    assert!(lines[0].contains("requirements.txt changed"), "{lines:?}");
    assert_eq!(local.read("requirements.txt"), "flask==3.1.0\n");
}

#[test]
fn amend_of_a_manifest_warns() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("A");
    install(&repo);
    repo.dockwright(&["build"]).ok();

    repo.write("app.py", "print('source only')\n");
    let source = repo.git(&["commit", "-q", "--amend", "-a", "--no-edit"]);
    assert_eq!(
        hook_lines(&source),
        Vec::<String>::new(),
        "{}",
        source.stderr
    );

    repo.write("requirements.txt", "flask==3.0.0\nnumpy==2.0.0\n");
    let amend = repo.git(&["commit", "-q", "--amend", "-a", "--no-edit"]);
    let lines = hook_lines(&amend);
    assert_eq!(lines.len(), 2, "{}", amend.stderr);
    assert!(lines[0].contains("requirements.txt changed"), "{lines:?}");
}

/// A small C program standing in for a compiled hook: it logs its arguments and stdin, and
/// fails when `.git/refuse-push` exists.
const BINARY_HOOK: &str = r#"
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    FILE *f = fopen(".git/foreign.log", "a");
    fprintf(f, "binary");
    for (int i = 1; i < argc; i++) fprintf(f, " %s", argv[i]);
    fprintf(f, " stdin=");
    int c;
    while ((c = getchar()) != EOF) fputc(c == '\n' ? ';' : c, f);
    fputc('\n', f);
    fclose(f);
    return access(".git/refuse-push", F_OK) == 0 ? 1 : 0;
}
"#;

#[test]
fn foreign_hooks_keep_running_and_are_restored_byte_for_byte() {
    let repo = two_branches();
    let hooks = hooks_dir(&repo);
    let remote = repo.add_remote("origin");

    // A plain sh script, with a CR and a byte that is not UTF-8, and an unusual mode.
    let sh_hook = b"#!/bin/sh\n# caf\xe9 \r\necho \"sh-hook $*\" >> .git/foreign.log\n".to_vec();
    repo.write(".git/hooks/post-checkout", &sh_hook);
    std::fs::set_permissions(
        hooks.join("post-checkout"),
        std::fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    // husky (v4) style: the hook's name comes from `basename "$0"`, its helper from `dirname "$0"`.
    repo.write_exec(
        ".git/hooks/post-merge",
        "#!/bin/sh\n# husky\n. \"$(dirname \"$0\")/husky.sh\"\n",
    );
    repo.write(
        ".git/hooks/husky.sh",
        "hookName=$(basename \"$0\")\necho \"husky $hookName $*\" >> .git/foreign.log\n",
    );
    // pre-commit style: bash, finds its directory from "$0", reads stdin.
    repo.write_exec(
        ".git/hooks/post-rewrite",
        "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nHERE=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\nARGS=(hook-impl --hook-type=post-rewrite --hook-dir \"$HERE\" -- \"$@\")\necho \"pre-commit ${ARGS[*]} stdin=$(tr '\\n' ';')\" >> .git/foreign.log\n",
    );
    // A compiled program.
    let source = repo.path().join(".git/binary-hook.c");
    std::fs::write(&source, BINARY_HOOK).unwrap();
    let cc = Command::new("cc")
        .arg("-o")
        .arg(hooks.join("pre-push"))
        .arg(&source)
        .output()
        .expect("run cc");
    assert!(
        cc.status.success(),
        "cc: {}",
        String::from_utf8_lossy(&cc.stderr)
    );
    let before = snapshot(&hooks);

    let out = install(&repo);
    assert_eq!(
        out.stdout.matches("is kept as").count(),
        4,
        "{}",
        out.stdout
    );
    assert_eq!(states(&repo), ["chained"; 4]);
    repo.dockwright(&["build"]).ok();

    // post-checkout: theirs ran with git's arguments, then ours.
    let checkout = repo.git(&["checkout", "-q", "b"]);
    assert!(
        hook_lines(&checkout)[0].contains("requirements.txt changed"),
        "{}",
        checkout.stderr
    );
    // post-merge through husky: the hook's name is still `post-merge`.
    repo.git(&["checkout", "-q", "main"]);
    let merge = repo.git(&["merge", "-q", "--ff-only", "b"]);
    assert!(
        hook_lines(&merge)[0].contains("requirements.txt changed"),
        "{}",
        merge.stderr
    );
    // post-rewrite through pre-commit's script: bash, its own directory, the same stdin.
    let old = repo.git(&["rev-parse", "HEAD"]).stdout.trim().to_string();
    repo.git(&["commit", "-q", "--amend", "-m", "amended"]);
    let new = repo.git(&["rev-parse", "HEAD"]).stdout.trim().to_string();
    // pre-push through the binary: arguments and the same stdin; its failure stops the push.
    // (dockwright's own part, a test run, is skipped: it is not what this test is about.)
    let skip = [("DOCKWRIGHT_SKIP", "1")];
    let push = git_env(&repo, repo.path(), &["push", "-q", "origin", "main"], &skip);
    assert_eq!(push.code, 0, "{}", push.stderr);
    std::fs::write(repo.path().join(".git/refuse-push"), "").unwrap();
    repo.write("app.py", "print(2)\n").commit_all("more");
    let refused = git_env(&repo, repo.path(), &["push", "-q", "origin", "main"], &skip);
    assert_ne!(
        refused.code, 0,
        "a failing pre-push hook must stop the push"
    );

    let log = repo.read(".git/foreign.log");
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[0].starts_with("sh-hook ") && lines[0].ends_with(" 1"),
        "{log}"
    );
    assert!(lines.contains(&"husky post-merge 0"), "{log}");
    let hooks_abs = hooks.canonicalize().unwrap();
    let rewrite = format!(
        "pre-commit hook-impl --hook-type=post-rewrite --hook-dir {} -- amend stdin={old} {new};",
        hooks_abs.display()
    );
    assert!(
        lines.contains(&rewrite.as_str()),
        "{log}\nexpected {rewrite}"
    );
    let url = remote.path().to_str().unwrap();
    let pushes: Vec<&&str> = lines.iter().filter(|l| l.starts_with("binary ")).collect();
    assert_eq!(pushes.len(), 2, "{log}");
    assert!(
        pushes[0].starts_with(&format!(
            "binary origin {url} stdin=refs/heads/main {new} refs/heads/main 0000"
        )),
        "{log}"
    );

    let out = repo.dockwright(&["hooks", "uninstall"]).ok();
    assert_eq!(
        out.stdout.matches("back in place").count(),
        4,
        "{}",
        out.stdout
    );
    assert_eq!(
        snapshot(&hooks),
        before,
        "uninstall must restore every hook byte for byte, with its mode"
    );
    assert!(!repo.path().join(".git/dockwright").exists());
}

#[test]
fn hooks_path_relative_husky_layout_and_absolute() {
    let repo = two_branches();
    // husky v9: core.hooksPath=.husky/_, whose files source `h`, which runs `.husky/<name>`.
    repo.write_exec(".husky/_/h", "n=$(basename \"$0\")\ns=$(dirname \"$(dirname \"$0\")\")/$n\n[ ! -f \"$s\" ] && exit 0\nsh -e \"$s\" \"$@\"\n");
    repo.write_exec(
        ".husky/_/post-checkout",
        "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n",
    );
    repo.write(
        ".husky/post-checkout",
        "echo \"husky9 $*\" >> .git/foreign.log\n",
    );
    repo.git(&["config", "core.hooksPath", ".husky/_"]);
    repo.write("sub/keep", "");

    // From a subdirectory, the relative path is still the root's.
    let out = repo.dockwright(&["-C", "sub", "hooks", "install"]).ok();
    assert!(
        out.stdout.starts_with("hooks in .husky/_:"),
        "{}",
        out.stdout
    );
    assert!(repo.path().join(".husky/_/post-merge").exists());
    assert!(!repo.path().join(".git/hooks/post-merge").exists());
    assert!(!repo.path().join("sub/.husky").exists());
    repo.dockwright(&["build"]).ok();
    let checkout = repo.git(&["checkout", "-q", "b"]);
    assert!(
        hook_lines(&checkout)[0].contains("requirements.txt changed"),
        "{}",
        checkout.stderr
    );
    assert!(
        repo.read(".git/foreign.log").starts_with("husky9 "),
        "the husky hook must still run"
    );
    repo.dockwright(&["hooks", "uninstall"]).ok();
    assert!(!repo.path().join(".husky/_/post-merge").exists());
    assert_eq!(
        repo.read(".husky/_/post-checkout"),
        "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n"
    );

    // Absolute, to a directory that does not exist yet.
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = elsewhere.path().join("hooks");
    repo.git(&["config", "core.hooksPath", abs.to_str().unwrap()]);
    install(&repo);
    assert_eq!(status_json(&repo)["hooks_dir"], abs.to_str().unwrap());
    let checkout = repo.git(&["checkout", "-q", "main"]);
    assert_eq!(hook_lines(&checkout), Vec::<String>::new());
    let checkout = repo.git(&["checkout", "-q", "b"]);
    assert!(
        hook_lines(&checkout)[0].contains("requirements.txt changed"),
        "{}",
        checkout.stderr
    );
    repo.dockwright(&["hooks", "uninstall"]).ok();
    assert_eq!(std::fs::read_dir(&abs).unwrap().count(), 0);
}

#[test]
fn linked_worktree_uses_the_shared_hooks_and_checks_its_own_head() {
    let repo = two_branches();
    // The worktree's directory name differs; the project name must not.
    repo.write(
        "dockwright.toml",
        format!("project = \"{}\"\n", repo.project),
    )
    .commit_all("name");
    repo.git(&["checkout", "-q", "b"]);
    repo.git(&["merge", "-q", "main"]);
    repo.git(&["checkout", "-q", "main"]);
    install(&repo);
    repo.dockwright(&["build"]).ok();

    let tmp = tempfile::tempdir().unwrap();
    let wt = tmp.path().join("wt");
    // `worktree add` runs post-checkout in the new worktree, with an all-zero old HEAD.
    let add = repo.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "b"]);
    let lines = hook_lines(&add);
    assert_eq!(lines.len(), 2, "{}", add.stderr);
    assert!(lines[0].contains("requirements.txt changed"), "{lines:?}");

    let status = repo
        .dockwright(&[
            "-C",
            wt.to_str().unwrap(),
            "hooks",
            "status",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        Path::new(status["hooks_dir"].as_str().unwrap()),
        hooks_dir(&repo).canonicalize().unwrap()
    );
    let detach = git_env(&repo, &wt, &["checkout", "-q", "--detach", "main"], &[]);
    assert_eq!(detach.code, 0);
    assert_eq!(
        hook_lines(&detach),
        Vec::<String>::new(),
        "{}",
        detach.stderr
    );
}

#[test]
fn unreachable_or_hung_engine_costs_one_line_and_git_goes_on() {
    let repo = two_branches();
    install(&repo);
    // Accepts connections (the kernel does) and never answers.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_host = format!("tcp://{}", hung.local_addr().unwrap());
    let hosts = [
        "tcp://127.0.0.1:1",
        "unix:///nonexistent/docker.sock",
        hung_host.as_str(),
    ];
    for (i, host) in hosts.iter().enumerate() {
        let branch = if i % 2 == 0 { "b" } else { "main" };
        let started = Instant::now();
        let run = git_env(
            &repo,
            repo.path(),
            &["checkout", "-q", branch],
            &[("DOCKER_HOST", host)],
        );
        let took = started.elapsed();
        assert_eq!(run.code, 0, "{}", run.stderr);
        let lines = hook_lines(&run);
        assert_eq!(lines.len(), 1, "{host}: {}", run.stderr);
        assert!(
            lines[0].contains("not checked") && lines[0].contains(host),
            "{lines:?}"
        );
        // Not a timing assertion on speed, a bound on hanging: the hook gives up by itself.
        assert!(took < Duration::from_secs(20), "{host}: {took:?}");
    }
}

#[test]
fn moved_binary_costs_one_line_and_the_path_fallback_works() {
    let repo = two_branches();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("bin");
    std::fs::create_dir(&copy).unwrap();
    for name in [
        "dockwright",
        "dockwright-hook-post-checkout",
        "dockwright-hook-post-merge",
        "dockwright-hook-post-rewrite",
        "dockwright-hook-pre-push",
    ] {
        std::fs::copy(bin(name), copy.join(name)).unwrap();
    }
    let mut cmd = repo.command(copy.join("dockwright"));
    cmd.args(["hooks", "install"]);
    assert!(cmd.status().unwrap().success());
    let status = status_json(&repo);
    let binary = status["hooks"][0]["binary"].as_str().unwrap();
    assert_eq!(
        Path::new(binary),
        copy.join("dockwright-hook-post-checkout")
    );
    repo.dockwright(&["build"]).ok();
    drop(tmp);

    // Not at the installed path, not on PATH: one line, and git succeeds.
    let run = git_env(
        &repo,
        repo.path(),
        &["checkout", "-q", "b"],
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = hook_lines(&run);
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("post-checkout hook skipped") && lines[0].contains(binary),
        "{lines:?}"
    );
    // The same for a push: dockwright vanishing never blocks one.
    let _remote = repo.add_remote("origin");
    let push = git_env(
        &repo,
        repo.path(),
        &["push", "-q", "origin", "b"],
        &[("PATH", "/usr/bin:/bin")],
    );
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert_eq!(hook_lines(&push).len(), 1, "{}", push.stderr);

    // On PATH: the shim finds it there and the hook does its work.
    let run = repo.git(&["checkout", "-q", "main"]);
    assert_eq!(run.stderr, "");
    let run = repo.git(&["checkout", "-q", "b"]);
    assert!(
        hook_lines(&run)[0].contains("requirements.txt changed"),
        "{}",
        run.stderr
    );
    // The env override names a directory of binaries.
    let run = git_env(
        &repo,
        repo.path(),
        &["checkout", "-q", "main"],
        &[
            ("PATH", "/usr/bin:/bin"),
            ("DOCKWRIGHT_HOOK_BIN", bin_dir().to_str().unwrap()),
        ],
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        states(&repo),
        ["outdated"; 4],
        "the shims run a binary that is gone"
    );
    install(&repo);
    assert_eq!(states(&repo), ["ours"; 4]);
}

#[test]
fn skip_variable_skips_every_hook_before_any_binary_starts() {
    let repo = two_branches();
    repo.write_exec(
        ".git/hooks/post-checkout",
        "#!/bin/sh\necho \"theirs $3\" >> .git/foreign.log\n",
    );
    install(&repo);
    repo.dockwright(&["build"]).ok();
    // A stand-in binary that would leave a trace if it were started.
    let tmp = tempfile::tempdir().unwrap();
    let spy = tmp.path().join("spy");
    std::fs::write(
        &spy,
        format!("#!/bin/sh\ntouch '{}/started'\n", tmp.path().display()),
    )
    .unwrap();
    std::fs::set_permissions(&spy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let spy = spy.to_str().unwrap();

    let skipped = git_env(
        &repo,
        repo.path(),
        &["checkout", "-q", "b"],
        &[("DOCKWRIGHT_SKIP", "1"), ("DOCKWRIGHT_HOOK_BIN", spy)],
    );
    assert_eq!(skipped.code, 0);
    assert_eq!(skipped.stderr, "");
    assert!(
        !tmp.path().join("started").exists(),
        "DOCKWRIGHT_SKIP=1 must start no binary"
    );
    assert_eq!(
        repo.read(".git/foreign.log"),
        "theirs 1\n",
        "someone else's hook is not ours to skip"
    );

    // The same checkout without the variable does run the (spy) binary, and then ours speaks.
    git_env(
        &repo,
        repo.path(),
        &["checkout", "-q", "main"],
        &[("DOCKWRIGHT_HOOK_BIN", spy)],
    );
    assert!(tmp.path().join("started").exists());
    let spoken = repo.git(&["checkout", "-q", "b"]);
    assert_eq!(hook_lines(&spoken).len(), 2, "{}", spoken.stderr);
}

#[test]
fn install_is_idempotent_upgrades_old_shims_and_status_tells_each_state() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("A");
    let hooks = hooks_dir(&repo);
    std::fs::create_dir_all(&hooks).unwrap();
    repo.write_exec(".git/hooks/post-merge", "#!/bin/sh\n# dockwright-hook v0 dockwright 0.0.1\nexec dockwright-hook-post-merge \"$@\"\n");
    repo.write_exec(".git/hooks/pre-push", "#!/bin/sh\nexit 0\n");
    let json = status_json(&repo);
    let by_hook = |json: &serde_json::Value, hook: &str| {
        json["hooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["hook"] == hook)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(by_hook(&json, "post-checkout"), "missing");
    assert_eq!(by_hook(&json, "post-merge"), "outdated");
    assert_eq!(by_hook(&json, "pre-push"), "foreign");
    let table = repo.dockwright(&["hooks", "status"]).ok().stdout;
    assert!(
        table.contains("post-merge     outdated  written as dockwright-hook v0"),
        "{table}"
    );

    let first = install(&repo);
    assert!(
        first
            .stdout
            .contains("post-merge     upgraded from dockwright-hook v0"),
        "{}",
        first.stdout
    );
    let files = snapshot(&hooks);
    let second = install(&repo);
    assert_eq!(
        second.stdout.matches("already installed").count(),
        4,
        "{}",
        second.stdout
    );
    assert_eq!(snapshot(&hooks), files, "a second install changes nothing");
    let json = status_json(&repo);
    assert_eq!(by_hook(&json, "post-checkout"), "ours");
    assert_eq!(by_hook(&json, "post-merge"), "ours");
    assert_eq!(by_hook(&json, "pre-push"), "chained");
    // The shim is a marked sh script naming the binary by absolute path.
    let shim = std::fs::read_to_string(hooks.join("post-checkout")).unwrap();
    assert!(
        shim.starts_with("#!/bin/sh\n# dockwright-hook v2 dockwright "),
        "{shim}"
    );
    assert!(
        shim.contains(&format!(
            "installed='{}'",
            bin("dockwright-hook-post-checkout").display()
        )),
        "{shim}"
    );

    repo.dockwright(&["hooks", "uninstall"]).ok();
    assert_eq!(
        snapshot(&hooks),
        vec![(
            "pre-push".to_string(),
            b"#!/bin/sh\nexit 0\n".to_vec(),
            0o100755
        )]
    );
}

#[test]
fn on_stale_build_builds_in_the_background_once() {
    let repo = two_branches();
    repo.write("dockwright.toml", "on_stale = \"build\"\n")
        .commit_all("policy");
    repo.git(&["checkout", "-q", "b"]);
    repo.git(&["merge", "-q", "main"]);
    install(&repo);

    // main was never built; b neither. Checking out main starts a build; checking out b while
    // it runs queues one more instead of starting a second.
    let first = repo.git(&["checkout", "-q", "main"]);
    let lines = hook_lines(&first);
    assert_eq!(lines.len(), 2, "{}", first.stderr);
    assert!(
        lines[1].contains("building in the background; log: .git/dockwright/build.log"),
        "{lines:?}"
    );
    let second = repo.git(&["checkout", "-q", "b"]);
    assert!(
        hook_lines(&second)
            .iter()
            .any(|l| l.contains("will build again")),
        "{}",
        second.stderr
    );

    let lock = repo.path().join(".git/dockwright/build.lock");
    let deadline = Instant::now() + Duration::from_secs(120);
    while lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!lock.exists(), "the background build did not finish");
    let log = repo.read(".git/dockwright/build.log");
    assert_eq!(
        log.matches("background build ended with code 0").count(),
        2,
        "{log}"
    );
    // The last run started after the last checkout: what is checked out now is built.
    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["state"], "fresh", "{log}");
    repo.dockwright(&["hooks", "uninstall"]).ok();
    assert!(!repo.path().join(".git/dockwright").exists());
}

/// Issue 12 item 5: after `docker image prune -a` (here: the image removed), a checkout that
/// changes no input must not stay silent: the hook asks the engine every time.
#[test]
fn checkout_after_the_image_was_removed_says_so() {
    let repo = two_branches();
    repo.git(&["checkout", "-q", "-b", "src", "main"]);
    repo.write("app.py", "print('other')\n")
        .commit_all("source only");
    install(&repo);
    let built = repo.dockwright(&["build", "--format", "json"]).ok().json();
    let image = built[0]["image"].as_str().unwrap().to_string();

    // Fresh: nothing to say, as before.
    let first = repo.git(&["checkout", "-q", "main"]);
    assert_eq!(first.stderr, "");
    let removed = Command::new("docker")
        .args(["rmi", "-f", &image])
        .output()
        .unwrap();
    assert!(removed.status.success(), "{removed:?}");
    // Only app.py differs, and the image of that fingerprint is gone.
    let run = repo.git(&["checkout", "-q", "src"]);
    let lines = hook_lines(&run);
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].contains("has no runtime image yet"), "{lines:?}");
    // Nothing is left that a shim of the first form would trust.
    assert!(!repo.path().join(".git/dockwright/quiet").exists());
    assert!(!repo.path().join(".git/dockwright/fresh").exists());
}
