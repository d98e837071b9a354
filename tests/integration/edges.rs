//! Issue 16: where users already are. Hook managers (the real pre-commit), shell completions
//! loaded in the real bash and nu, the manual page, `doctor`, and Dev Containers.

use std::path::Path;
use std::process::Command;

use crate::support::{bin, bin_dir, path_with_bins, require, Run, TestRepo};

/// A command run in `repo` with the binaries on PATH (as installed) and pre-commit's cache in
/// `home`.
fn with_bins(repo: &TestRepo, program: &str, home: &Path) -> Command {
    let mut cmd = repo.command(program);
    cmd.env("PATH", path_with_bins())
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never");
    cmd
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `.pre-commit-hooks.yaml` of this repository as a `repo: local` entry: the hooks exactly as
/// a user's pre-commit gets them, without a clone of this repository at a commit.
fn local_config() -> String {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        config.push_str("      ");
        config.push_str(line);
        config.push('\n');
    }
    config
}

#[test]
fn pre_commit_runs_the_hooks_a_checkout_says_stale_and_a_push_runs_the_tests() {
    if !require("pre-commit") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // The manifest is one pre-commit accepts.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let mut validate = Command::new("pre-commit");
    validate
        .args(["validate-manifest"])
        .arg(&manifest)
        .env("PRE_COMMIT_HOME", home.path());
    run(validate).ok();

    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            "dockwright.toml",
            "[services.app]\ntest = \"echo suite-passed-$(cat /deps/installed | wc -l)\"\n",
        )
        .write(".pre-commit-config.yaml", local_config())
        .commit_all("A");
    repo.git(&["checkout", "-q", "-b", "b"]);
    repo.write("requirements.txt", "flask==3.0.0\nrequests==2.32.0\n")
        .commit_all("B");
    repo.git(&["checkout", "-q", "main"]);

    // dockwright sees the manager and writes nothing into its hooks.
    let install = repo.dockwright(&["hooks", "install"]).ok();
    assert!(
        install
            .stdout
            .starts_with("this repository's hooks are managed by pre-commit (or prek) (`.pre-commit-config.yaml`): nothing was written."),
        "{}",
        install.stdout
    );
    assert!(
        install.stdout.contains("      - id: dockwright-pre-push\n"),
        "{}",
        install.stdout
    );
    assert!(!repo.path().join(".git/hooks/post-checkout").exists());
    let json = repo
        .dockwright(&["hooks", "install", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["managed"]["manager"], "pre-commit");
    assert_eq!(json["hooks"].as_array().unwrap().len(), 0);

    let mut install = with_bins(&repo, "pre-commit", home.path());
    install.args([
        "install",
        "--hook-type",
        "post-checkout",
        "--hook-type",
        "post-merge",
        "--hook-type",
        "post-rewrite",
        "--hook-type",
        "pre-push",
    ]);
    run(install).ok();
    repo.dockwright(&["build"]).ok();

    // A checkout that changes the manifest: dockwright's stale line, through pre-commit.
    let checkout = repo.git(&["checkout", "-q", "b"]);
    let all = format!("{}{}", checkout.stdout, checkout.stderr);
    assert!(
        all.contains("dockwright: the runtime image of `app` is stale: requirements.txt changed"),
        "{all}"
    );
    assert!(all.contains("dockwright build app"), "{all}");
    // Back on main, the image is fresh: pre-commit shows the hook passing and nothing from it.
    let back = repo.git(&["checkout", "-q", "main"]);
    let all = format!("{}{}", back.stdout, back.stderr);
    assert!(!all.contains("stale"), "{all}");

    // A push runs the clean test of the pushed commit (branch b: two requirements).
    let _remote = repo.add_remote("origin");
    let push = repo.git_run(&["push", "-q", "origin", "b"]);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert_eq!(push.code, 0, "{all}");
    assert!(all.contains("suite-passed-2"), "{all}");

    // A failing suite stops the push, through pre-commit too.
    repo.git(&["checkout", "-q", "b"]);
    repo.write("dockwright.toml", "[services.app]\ntest = \"exit 3\"\n")
        .commit_all("break");
    let push = repo.git_run(&["push", "-q", "origin", "b"]);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert_ne!(push.code, 0, "{all}");
    assert!(all.contains("the push is stopped: tests failed"), "{all}");

    // `--chain` installs anyway, keeping pre-commit's hook and running it first.
    let chained = repo.dockwright(&["hooks", "install", "--chain"]).ok();
    assert!(chained.stdout.contains("kept"), "{}", chained.stdout);
    assert!(repo
        .path()
        .join(".git/hooks/post-checkout.dockwright-chained")
        .exists());
}

#[test]
fn lefthook_and_husky_are_recognised_and_get_their_entries() {
    let repo = TestRepo::new();
    repo.write("lefthook.yml", "pre-commit:\n  commands: {}\n");
    let out = repo.dockwright(&["hooks", "install", "pre-push"]).ok();
    assert_eq!(
        out.stdout,
        "this repository's hooks are managed by lefthook (`lefthook.yml`): nothing was written.\n\
         add dockwright's entries to its config:\n\n\
         # in lefthook.yml\n\
         pre-push:\n  commands:\n    dockwright:\n      run: dockwright-hook-pre-push {1} {2}\n      use_stdin: true\n\
         # then: lefthook install\n\n\
         (or `dockwright hooks install --chain` to install dockwright's shims anyway, running the manager's hooks first)\n"
    );
    repo.remove("lefthook.yml");
    // husky: only a tracked `.husky/` is husky in charge.
    repo.write(".husky/pre-push", "npm test\n");
    let out = repo.dockwright(&["hooks", "install", "pre-push"]).ok();
    assert!(
        out.stdout.starts_with("hooks in .git/hooks:"),
        "{}",
        out.stdout
    );
    repo.dockwright(&["hooks", "uninstall"]).ok();
    repo.commit_all("husky");
    let out = repo.dockwright(&["hooks", "install", "pre-push"]).ok();
    assert!(
        out.stdout.contains("managed by husky (`.husky`)")
            && out
                .stdout
                .contains("# in .husky/pre-push\ndockwright-hook-pre-push \"$@\"\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn bash_completion_loads_and_completes_a_command() {
    let script = format!(
        "source <('{}' completions bash) && complete -p dockwright && \
         COMP_WORDS=(dockwright sta) COMP_CWORD=1 COMP_LINE='dockwright sta' COMP_POINT=14 && \
         _dockwright dockwright sta dockwright && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin("dockwright").display()
    );
    let out = run({
        let mut cmd = Command::new("bash");
        cmd.args(["--norc", "--noprofile", "-c", &script]);
        cmd
    })
    .ok();
    assert_eq!(
        out.stdout,
        "complete -o bashdefault -o default -o nosort -F _dockwright dockwright\nstatus\n"
    );
}

#[test]
fn nushell_completion_loads_in_nu() {
    if !require("nu") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dockwright.nu");
    let out = run({
        let mut cmd = Command::new(bin("dockwright"));
        cmd.args(["completions", "nushell"]);
        cmd
    })
    .ok();
    std::fs::write(&file, &out.stdout).unwrap();
    let script = format!(
        "source '{}'; scope commands | where name in ['dockwright status' 'dockwright doctor'] | get name | sort | to json -r",
        file.display()
    );
    let out = run({
        let mut cmd = Command::new("nu");
        cmd.args(["-n", "-c", &script]);
        cmd
    })
    .ok();
    assert_eq!(
        out.stdout.trim(),
        r#"["dockwright doctor","dockwright status"]"#
    );
}

#[test]
fn every_shell_gets_a_script_and_the_manual_renders() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell", "nushell"] {
        let out = run({
            let mut cmd = Command::new(bin("dockwright"));
            cmd.args(["completions", shell]);
            cmd
        })
        .ok();
        assert!(out.stdout.contains("doctor"), "{shell}: {}", out.stdout);
    }
    let bad = run({
        let mut cmd = Command::new(bin("dockwright"));
        cmd.args(["completions", "tcsh"]);
        cmd
    });
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("invalid value 'tcsh'"),
        "{}",
        bad.stderr
    );

    let page = run({
        let mut cmd = Command::new(bin("dockwright"));
        cmd.arg("manpage");
        cmd
    })
    .ok();
    assert!(
        page.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        page.stdout
    );
    assert!(page.stdout.contains(".TH dockwright 1"), "{}", page.stdout);
    if Command::new("man").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dockwright.1");
        std::fs::write(&file, &page.stdout).unwrap();
        let shown = run({
            let mut cmd = Command::new("man");
            cmd.arg("-l")
                .arg(&file)
                .env("MANWIDTH", "100")
                .env("MAN_KEEP_FORMATTING", "0");
            cmd
        })
        .ok();
        assert!(
            shown.stdout.contains("Check what dockwright needs"),
            "{}",
            shown.stdout
        );
    }
}

fn doctor(repo: &TestRepo, env: &[(&str, &str)]) -> (Run, serde_json::Value) {
    let json = repo.dockwright_env(&["doctor", "--format", "json"], env);
    let value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {json:?}"));
    (json, value)
}

fn level<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let checks = report["checks"].as_array().unwrap();
    checks
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check `{name}`: {report}"))
}

#[test]
fn doctor_passes_a_healthy_repo_and_names_each_fix() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("A");
    repo.dockwright(&["hooks", "install"]).ok();
    let (run, report) = doctor(&repo, &[]);
    assert_eq!(run.code, 0, "{report:#}");
    assert_eq!(report["passed"], true);
    assert_eq!(level(&report, "engine")["level"], "ok");
    assert!(level(&report, "engine")["detail"]
        .as_str()
        .unwrap()
        .contains("API 1."));
    for hook in ["post-checkout", "post-merge", "post-rewrite", "pre-push"] {
        let c = level(&report, &format!("hook {hook}"));
        assert_eq!(c["level"], "ok", "{c}");
        assert!(c["detail"].as_str().unwrap().ends_with(&format!(
            "dockwright-hook-{hook}` {}",
            env!("CARGO_PKG_VERSION")
        )));
    }
    assert_eq!(level(&report, "registry")["detail"], "not configured");
    assert_eq!(level(&report, "registry")["level"], "skip");

    // The table: one line per check, the level first.
    let table = repo.dockwright(&["doctor"]).ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), report["checks"].as_array().unwrap().len());
    assert!(lines[0].starts_with("ok    engine "), "{}", table.stdout);

    // An unreachable engine fails, naming the fix; the other checks still run.
    let (run, report) = doctor(&repo, &[("DOCKER_HOST", "unix:///nonexistent.sock")]);
    assert_eq!(run.code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
    let engine = level(&report, "engine");
    assert_eq!(engine["level"], "fail");
    assert!(
        engine["detail"]
            .as_str()
            .unwrap()
            .contains("`unix:///nonexistent.sock` (from DOCKER_HOST)"),
        "{engine}"
    );
    assert!(
        engine["fix"].as_str().unwrap().contains("DOCKER_HOST"),
        "{engine}"
    );
    assert_eq!(level(&report, "hook pre-push")["level"], "ok");
    let table = repo.dockwright_env(&["doctor"], &[("DOCKER_HOST", "unix:///nonexistent.sock")]);
    assert_eq!(table.code, 1);
    assert!(
        table
            .stdout
            .lines()
            .next()
            .unwrap()
            .starts_with("fail  engine ")
            && table.stdout.contains("; fix: start the Docker engine"),
        "{}",
        table.stdout
    );
}

#[test]
fn doctor_fails_a_shim_whose_binary_is_missing() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("A");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("bin");
    std::fs::create_dir(&copy).unwrap();
    for name in ["dockwright", "dockwright-hook-post-checkout"] {
        std::fs::copy(bin(name), copy.join(name)).unwrap();
    }
    let mut cmd = repo.command(copy.join("dockwright"));
    cmd.args(["hooks", "install", "post-checkout"]);
    assert!(cmd.status().unwrap().success());
    let missing = copy.join("dockwright-hook-post-checkout");
    std::fs::remove_file(&missing).unwrap();

    let (run, report) = doctor(&repo, &[]);
    assert_eq!(run.code, 1, "{report:#}");
    let c = level(&report, "hook post-checkout");
    assert_eq!(c["level"], "fail", "{c}");
    assert_eq!(
        c["detail"],
        format!("the shim runs `{}`, which is missing", missing.display())
    );
    assert!(c["fix"]
        .as_str()
        .unwrap()
        .contains("dockwright hooks install"));
    // A shim whose binary is another version fails too.
    std::fs::write(
        &missing,
        "#!/bin/sh\necho dockwright-hook-post-checkout 0.0.1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&missing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (_, report) = doctor(&repo, &[]);
    let c = level(&report, "hook post-checkout");
    assert_eq!(c["level"], "fail", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("version 0.0.1; this is dockwright"),
        "{c}"
    );
    let _ = bin_dir();
}

/// devcontainer.json as the Dev Containers tools read it: JSON with comments.
fn read_jsonc(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    json5::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

#[test]
fn init_devcontainer_writes_a_compose_devcontainer_whose_initialize_command_works() {
    if !require("compose") {
        return;
    }
    // The busybox runtime Dockerfile stays (init never overwrites), so the build is quick; the
    // rest is the python template's.
    let repo = TestRepo::new();
    repo.busybox_service();
    let out = repo
        .dockwright(&["init", "--stack", "python", "--devcontainer"])
        .ok();
    assert!(
        out.stdout
            .contains("created  .devcontainer/devcontainer.json"),
        "{}",
        out.stdout
    );
    let path = repo.path().join(".devcontainer/devcontainer.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("// "), "comments are kept: {text}");
    let config = read_jsonc(&path);
    assert_eq!(
        config["dockerComposeFile"],
        serde_json::json!([
            "../compose.yaml",
            "compose.devcontainer.yaml",
            "compose.image.yaml"
        ])
    );
    assert_eq!(config["service"], "app");
    assert_eq!(config["workspaceFolder"], "/app");
    let compose = repo.read("compose.yaml");
    assert!(compose.contains("  app:\n"), "{compose}");
    assert!(
        compose.contains(".:/app:ro"),
        "the template's workdir: {compose}"
    );
    repo.commit_all("init");
    assert_eq!(
        repo.dockwright(&["check", "--format", "json"])
            .json()
            .as_array()
            .map(|a| a
                .iter()
                .filter(|f| f["rule"].as_str().unwrap().starts_with("devcontainer"))
                .count()),
        Some(0)
    );

    // The initializeCommand, on the host, from the project's folder, as the tools run it.
    let command = config["initializeCommand"].as_str().unwrap();
    let mut sh = repo.command("sh");
    sh.args(["-c", command]).env("PATH", path_with_bins());
    let ran = run(sh);
    assert_eq!(ran.code, 0, "{ran:?}");
    let image = repo.path().join(".devcontainer/compose.image.yaml");
    let env = repo.dockwright(&["env"]).ok();
    let expected = env
        .stdout
        .trim()
        .strip_prefix("export DOCKWRIGHT_IMAGE_APP=")
        .unwrap()
        .trim_matches('\'')
        .to_string();
    assert!(
        std::fs::read_to_string(&image)
            .unwrap()
            .contains(&format!("  \"app\":\n    image: \"{expected}\"\n")),
        "{}",
        std::fs::read_to_string(&image).unwrap()
    );
    // Compose, given the files devcontainer.json lists, runs the runtime image with the source
    // writable at the workspace folder.
    let mut config_cmd = repo.command("docker");
    config_cmd
        .current_dir(repo.path().join(".devcontainer"))
        .args([
            "compose",
            "-f",
            "../compose.yaml",
            "-f",
            "compose.devcontainer.yaml",
            "-f",
            "compose.image.yaml",
            "config",
            "--format",
            "json",
        ]);
    let resolved = run(config_cmd).ok().json();
    assert_eq!(resolved["services"]["app"]["image"], expected);
    let volumes = resolved["services"]["app"]["volumes"].as_array().unwrap();
    let source = volumes
        .iter()
        .find(|v| v["target"] == "/app")
        .unwrap_or_else(|| panic!("{volumes:?}"));
    assert_eq!(source["source"], repo.path().to_str().unwrap());
    assert_ne!(source["read_only"], true, "{source}");
    // The generated file is not committed.
    assert!(repo.git(&["status", "--porcelain"]).stdout.is_empty());

    // Never overwritten: a second run keeps the user's file.
    std::fs::write(&path, "// mine\n{ \"image\": \"python:3.12\" }\n").unwrap();
    let again = repo
        .dockwright(&["init", "--stack", "python", "--devcontainer", "--force"])
        .ok();
    assert!(
        again.stdout.lines().any(|l| l.starts_with("skipped ")
            && l.ends_with(" .devcontainer/devcontainer.json (exists and differs; kept)")),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "// mine\n{ \"image\": \"python:3.12\" }\n"
    );
    // And `check` knows it.
    let findings = repo.dockwright(&["check", "--format", "json"]).json();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .filter(|r| r.starts_with("devcontainer"))
        .collect();
    assert_eq!(rules, ["devcontainer-own-image"], "{findings:#}");
}

#[test]
fn lefthook_runs_the_entry_install_prints() {
    if !require("lefthook") {
        return;
    }
    let repo = TestRepo::new();
    repo.busybox_service()
        .write(
            "dockwright.toml",
            "[services.app]\ntest = \"echo suite-passed-$(cat /deps/installed | wc -l)\"\n",
        )
        .write("lefthook.yml", "# the team's hooks\n");
    // The entry exactly as `hooks install` prints it goes into lefthook's config.
    let json = repo
        .dockwright(&["hooks", "install", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["managed"]["manager"], "lefthook");
    let entry = json["entry"].as_str().unwrap();
    repo.write("lefthook.yml", format!("# the team's hooks\n{entry}"))
        .commit_all("A");
    repo.git(&["checkout", "-q", "-b", "b"]);
    repo.write("requirements.txt", "flask==3.0.0\nrequests==2.32.0\n")
        .commit_all("B");
    repo.git(&["checkout", "-q", "main"]);
    let home = tempfile::tempdir().unwrap();
    let mut install = with_bins(&repo, "lefthook", home.path());
    install.arg("install");
    run(install).ok();
    assert!(
        std::fs::read_to_string(repo.path().join(".git/hooks/post-checkout"))
            .unwrap()
            .contains("lefthook")
    );
    repo.dockwright(&["build"]).ok();

    let checkout = repo.git(&["checkout", "-q", "b"]);
    let all = format!("{}{}", checkout.stdout, checkout.stderr);
    assert!(
        all.contains("dockwright: the runtime image of `app` is stale: requirements.txt changed"),
        "{all}"
    );

    let _remote = repo.add_remote("origin");
    let push = repo.git_run(&["push", "-q", "origin", "b"]);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert_eq!(push.code, 0, "{all}");
    assert!(all.contains("suite-passed-2"), "{all}");

    repo.git(&["checkout", "-q", "b"]);
    repo.write("dockwright.toml", "[services.app]\ntest = \"exit 3\"\n")
        .commit_all("break");
    let push = repo.git_run(&["push", "-q", "origin", "b"]);
    let all = format!("{}{}", push.stdout, push.stderr);
    assert_ne!(push.code, 0, "{all}");
    assert!(all.contains("the push is stopped: tests failed"), "{all}");
}
