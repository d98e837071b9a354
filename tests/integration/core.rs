//! Issue 2: the project model, inputs, fingerprint, build and status, against real git and the
//! real engine, including the bad input the core must survive.

use std::time::Instant;

use crate::support::{busybox, TestRepo, BUSYBOX};

fn fingerprint_of(repo: &TestRepo, extra: &[&str]) -> String {
    let mut args = vec!["status", "--format", "json"];
    args.extend_from_slice(extra);
    let run = repo.dockwright(&args).ok();
    run.json()[0]["fingerprint"].as_str().unwrap().to_string()
}

#[test]
fn build_then_status_is_fresh_and_a_manifest_change_is_named() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("init");

    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["state"], "missing");

    let build = repo.dockwright(&["build"]).ok();
    assert!(build.stdout.contains("app: built"), "{}", build.stdout);
    let again = repo.dockwright(&["build"]).ok();
    assert!(
        again.stdout.contains("up to date, nothing to build"),
        "{}",
        again.stdout
    );

    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["state"], "fresh");
    assert!(status[0]["size"].as_i64().unwrap() > 0);
    let image = status[0]["image"].as_str().unwrap().to_string();
    assert!(
        image.starts_with(&format!("{}-app-runtime:", repo.project)),
        "{image}"
    );

    // The image carries the labels that make it findable and diffable.
    let labels = std::process::Command::new("docker")
        .args([
            "image",
            "inspect",
            "--format",
            "{{json .Config.Labels}}",
            &image,
        ])
        .output()
        .unwrap();
    let labels: serde_json::Value = serde_json::from_slice(&labels.stdout).unwrap();
    assert_eq!(labels["dev.dockwright.service"], "app");
    assert_eq!(labels["dev.dockwright.project"], repo.project.as_str());
    assert_eq!(
        labels["dev.dockwright.fingerprint"],
        status[0]["fingerprint"]
    );
    let inputs: serde_json::Value =
        serde_json::from_str(labels["dev.dockwright.inputs"].as_str().unwrap()).unwrap();
    assert!(inputs["requirements.txt"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert!(labels["org.opencontainers.image.revision"].is_string());

    // No hook ran: status still sees the edit, and names it.
    repo.write("requirements.txt", "flask==3.0.1\n");
    repo.write("newfile.py", "not an input\n");
    let stale = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(stale[0]["state"], "stale");
    assert_eq!(
        stale[0]["changed"],
        serde_json::json!([{"path": "requirements.txt", "change": "changed"}])
    );
    let table = repo.dockwright(&["status"]).ok();
    assert!(
        table.stdout.contains("changed requirements.txt"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("run: dockwright build app"),
        "{}",
        table.stdout
    );
    // The age and size shown are said to be the older image's, not the missing one's.
    let since = format!("since {}-app-runtime:", repo.project);
    assert!(table.stdout.contains(&since), "{}", table.stdout);
    repo.dockwright(&["status", "--check"]).code(4);

    // Going back costs nothing: the old image is still there.
    repo.write("requirements.txt", "flask==3.0.0\n");
    let back = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(back[0]["state"], "fresh");
    repo.dockwright(&["status", "--check"]).ok();
}

#[test]
fn source_files_outside_the_inputs_do_not_change_the_fingerprint() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("init");
    let before = fingerprint_of(&repo, &[]);
    repo.write("app.py", "print('changed')\n")
        .write("src/more.py", "x = 1\n");
    assert_eq!(before, fingerprint_of(&repo, &[]));
    repo.write("requirements.txt", "django\n");
    assert_ne!(before, fingerprint_of(&repo, &[]));
}

#[test]
fn working_tree_and_commit_give_the_same_fingerprint() {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write("deps/a b/ünïcode.txt", "spaces and non-ASCII\n")
        .write_exec("deps/run.sh", "#!/bin/sh\necho hi\n")
        .write(
            "Dockerfile.runtime",
            format!("FROM {BUSYBOX}\nCOPY requirements.txt deps/ /deps/\nRUN ls -R /deps\n"),
        )
        .commit_all("init");
    let work = fingerprint_of(&repo, &[]);
    let head = fingerprint_of(&repo, &["--rev", "HEAD"]);
    assert_eq!(work, head);
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let paths: Vec<&str> = inputs
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"deps/a b/ünïcode.txt"), "{paths:?}");
    let run_sh = inputs
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "deps/run.sh")
        .unwrap();
    assert_eq!(run_sh["kind"], "executable");

    // The executable bit is part of the fingerprint.
    repo.git(&["update-index", "--chmod=-x", "deps/run.sh"]);
    repo.git(&["commit", "-q", "-m", "not executable"]);
    assert_ne!(head, fingerprint_of(&repo, &["--rev", "HEAD"]));
    // Builds from paths with spaces and non-ASCII names.
    repo.dockwright(&["build"]).ok();
}

#[test]
fn dockerignore_filters_directory_sources() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nCOPY deps /deps\n"),
    )
    .write("deps/requirements.txt", "x\n")
    .write("deps/__pycache__/junk.pyc", "junk")
    .write("deps/notes.md", "notes")
    .write("deps/README.md", "readme")
    .write(".dockerignore", "**/__pycache__\n*/*.md\n!deps/README.md\n");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let paths: Vec<&str> = inputs
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "Dockerfile.runtime",
            "deps/README.md",
            "deps/requirements.txt"
        ]
    );

    // `<Dockerfile>.dockerignore` wins over `.dockerignore`.
    repo.write("Dockerfile.runtime.dockerignore", "deps/requirements.txt\n");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let paths: Vec<&str> = inputs
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"deps/notes.md") && !paths.contains(&"deps/requirements.txt"),
        "{paths:?}"
    );
}

#[test]
fn works_from_a_subdirectory_a_linked_worktree_and_a_detached_head() {
    let repo = TestRepo::new();
    repo.busybox_service()
        .write("src/pkg/mod.py", "")
        .commit_all("init");
    let top = fingerprint_of(&repo, &[]);
    let sub = repo
        .dockwright(&["-C", "src/pkg", "status", "--format", "json"])
        .ok()
        .json();
    assert_eq!(sub[0]["fingerprint"], top.as_str());

    let wt = repo.path().join("wt");
    repo.git(&["worktree", "add", "-q", "--detach", wt.to_str().unwrap()]);
    let in_wt = repo
        .dockwright(&["-C", "wt", "status", "--format", "json"])
        .ok()
        .json();
    assert_eq!(in_wt[0]["fingerprint"], top.as_str());

    repo.git(&["checkout", "-q", "--detach", "HEAD"]);
    assert_eq!(fingerprint_of(&repo, &[]), top);
}

#[test]
fn monorepo_services_from_dockwright_toml() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "dockwright.toml",
        "[services.backend]\ncontext = \"backend\"\ntest = \"true\"\n\n[services.frontend]\ncontext = \"frontend\"\ndockerfile = \"docker/Dockerfile\"\ntarget = \"runtime\"\n",
    )
    .write("backend/Dockerfile.runtime", format!("FROM {BUSYBOX}\nCOPY requirements.txt /deps/\n"))
    .write("backend/requirements.txt", "flask\n")
    .write(
        "frontend/docker/Dockerfile",
        format!("FROM {BUSYBOX} AS runtime\nCOPY package.json package-lock.json /deps/\nFROM runtime AS production\nCOPY . /app\n"),
    )
    .write("frontend/package.json", "{}\n")
    .write("frontend/package-lock.json", "{}\n")
    .write("frontend/src/index.js", "");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let mut rows: Vec<String> = inputs
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                i["service"].as_str().unwrap(),
                i["path"].as_str().unwrap()
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            "backend backend/Dockerfile.runtime",
            "backend backend/requirements.txt",
            "frontend frontend/docker/Dockerfile",
            "frontend frontend/package-lock.json",
            "frontend frontend/package.json",
        ]
    );
    repo.dockwright(&["build", "frontend"]).ok();
    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["service"], "backend");
    assert_eq!(status[0]["state"], "missing");
    assert_eq!(status[1]["state"], "fresh");
    let unknown = repo.dockwright(&["status", "frontnd"]).code(1);
    assert!(
        unknown.stderr.contains("did you mean `frontend`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn outside_a_repository_and_in_a_bare_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(crate::support::bin("dockwright"))
        .args(["status"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("is not inside a git repository") && stderr.contains("help: "),
        "{stderr}"
    );

    let bare = dir.path().join("bare.git");
    std::process::Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&bare)
        .status()
        .unwrap();
    let run = std::process::Command::new(crate::support::bin("dockwright"))
        .args(["status"])
        .current_dir(&bare)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("bare repository"));
}

#[test]
fn empty_repository_with_no_commits() {
    let repo = TestRepo::new();
    repo.busybox_service();
    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["state"], "missing");
    let head = repo.dockwright(&["status", "--rev", "HEAD"]).code(1);
    assert!(head.stderr.contains("no commits yet"), "{}", head.stderr);
}

#[test]
fn missing_dockerfile_and_missing_copy_source_are_named() {
    let repo = TestRepo::new();
    repo.write("README.md", "hi\n");
    let run = repo.dockwright(&["status"]).code(1);
    assert!(
        run.stderr.contains("`Dockerfile.runtime` does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: create it with `dockwright init`"),
        "{}",
        run.stderr
    );

    repo.write(
        "Dockerfile.runtime",
        "FROM scratch\n# deps\nCOPY requirements.txt \\\n     poetry.lock /deps/\n",
    );
    repo.write("requirements.txt", "");
    let run = repo.dockwright(&["status"]).code(1);
    assert!(
        run.stderr
            .contains("`Dockerfile.runtime` line 3: COPY source `poetry.lock` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_and_mistyped_config_name_line_and_column() {
    let repo = TestRepo::new();
    repo.busybox_service();
    repo.write("dockwright.toml", "[services.app]\ntest = [\"pytest\"\n");
    let run = repo.dockwright(&["status"]).code(1);
    assert!(
        run.stderr.contains("dockwright.toml` line 2"),
        "{}",
        run.stderr
    );

    repo.write("dockwright.toml", "[services.app]\nbuild_args = \"X=1\"\n");
    let run = repo.dockwright(&["status"]).code(1);
    assert!(run.stderr.contains("line 2, column 14"), "{}", run.stderr);
    assert!(
        run.stderr.contains("invalid type") && run.stderr.contains("help:"),
        "{}",
        run.stderr
    );

    repo.write("dockwright.toml", "[services.app]\ndokerfile = \"x\"\n");
    let run = repo.dockwright(&["status"]).code(1);
    assert!(
        run.stderr.contains("unknown field `dokerfile`"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlink_pointing_outside_the_repository_is_refused() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nCOPY deps /deps\n"),
    )
    .write("deps/requirements.txt", "x\n");
    std::os::unix::fs::symlink("/etc/shadow", repo.path().join("deps/secret")).unwrap();
    let run = repo.dockwright(&["inputs"]).code(1);
    assert!(
        run.stderr
            .contains("`deps/secret` is a symlink to `/etc/shadow`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refused"), "{}", run.stderr);

    // A link that stays inside is an input like any other.
    std::fs::remove_file(repo.path().join("deps/secret")).unwrap();
    std::os::unix::fs::symlink("requirements.txt", repo.path().join("deps/alias")).unwrap();
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let alias = inputs
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "deps/alias")
        .unwrap();
    assert_eq!(alias["kind"], "symlink");
}

#[test]
fn a_50_mb_input_is_hashed_and_built() {
    let repo = TestRepo::new();
    busybox();
    let big: Vec<u8> = (0..50 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nCOPY model.bin /deps/\n"),
    )
    .write("model.bin", &big)
    .commit_all("big");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    let model = inputs
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "model.bin")
        .unwrap();
    assert_eq!(model["size"], 50 * 1024 * 1024);
    assert_eq!(
        fingerprint_of(&repo, &[]),
        fingerprint_of(&repo, &["--rev", "HEAD"])
    );
    repo.dockwright(&["build"]).ok();
}

#[test]
fn unreachable_engine_is_one_line_fast_with_its_own_exit_code() {
    let repo = TestRepo::new();
    repo.busybox_service();
    // A listener that accepts and never answers: a hung engine.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_host = format!("tcp://{}", hung.local_addr().unwrap());
    for host in [
        "unix:///nonexistent/docker.sock",
        "tcp://127.0.0.1:1",
        hung_host.as_str(),
    ] {
        let started = Instant::now();
        let run = repo
            .dockwright_env(&["status"], &[("DOCKER_HOST", host)])
            .code(3);
        // Bounded, not timed: the bound is 1.5 s by default; this only guards against a hang.
        assert!(
            started.elapsed().as_secs() < 10,
            "{host} took {:?}",
            started.elapsed()
        );
        assert!(
            run.stderr
                .starts_with("error: cannot reach the Docker engine"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(host), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    }
}

#[test]
fn a_failing_run_step_names_the_step_and_its_output() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!(
            "FROM {BUSYBOX}\nCOPY requirements.txt /deps/\nRUN echo installing-things && false\n"
        ),
    )
    .write("requirements.txt", "x\n");
    let run = repo.dockwright(&["build"]).code(5);
    assert!(run.stderr.contains("installing-things"), "{}", run.stderr);
    // BuildKit names the step by its position among the stage's instructions.
    assert!(
        run.stderr
            .contains("the build failed at `[3/3] RUN echo installing-things && false`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: fix the failing step in `Dockerfile.runtime`"),
        "{}",
        run.stderr
    );
    // No intermediate container is left behind.
    let left = std::process::Command::new("docker")
        .args([
            "ps",
            "-a",
            "--filter",
            "status=exited",
            "--format",
            "{{.Command}}",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&left.stdout).contains("installing-things"));
}

#[test]
fn add_of_a_url_is_reported_and_its_text_fingerprinted() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nADD https://example.com/tool.tgz /opt/\n"),
    );
    let run = repo.dockwright(&["inputs", "--format", "json"]).ok();
    assert!(
        run.stderr.contains("only its URL is fingerprinted"),
        "{}",
        run.stderr
    );
    let url = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "url")
        .cloned()
        .unwrap();
    assert_eq!(url["path"], "https://example.com/tool.tgz");
}

#[test]
fn external_subcommands_pass_arguments_and_exit_code() {
    let repo = TestRepo::new();
    let bin = tempfile::tempdir().unwrap();
    let script = bin.path().join("dockwright-hello");
    std::fs::write(&script, "#!/bin/sh\necho \"hello $*\"\nexit 7\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    // As cargo runs `cargo-foo foo …`: the name first, so one program can serve several names.
    let run = repo
        .dockwright_env(&["hello", "a", "b c"], &[("PATH", &path)])
        .code(7);
    assert_eq!(run.stdout, "hello hello a b c\n");

    let run = repo.dockwright_env(&["stauts"], &[("PATH", &path)]).code(2);
    assert!(
        run.stderr.contains("no such command: `stauts`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `status`"),
        "{}",
        run.stderr
    );
    let run = repo.dockwright_env(&["helo"], &[("PATH", &path)]).code(2);
    assert!(
        run.stderr.contains("did you mean `hello`"),
        "{}",
        run.stderr
    );
}

#[test]
fn hook_binaries_are_not_offered_as_subcommands() {
    let repo = TestRepo::new();
    let bin = tempfile::tempdir().unwrap();
    let hook = bin.path().join("dockwright-hook-post-merge");
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    let run = repo
        .dockwright_env(&["hook-post-merg"], &[("PATH", &path)])
        .code(2);
    assert!(
        run.stderr.contains("no such command: `hook-post-merg`"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("did you mean `hook-post-merge`"),
        "{}",
        run.stderr
    );
}

#[test]
fn images_lists_what_was_built_for_the_project() {
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("init");
    assert_eq!(
        repo.dockwright(&["images", "--format", "json"]).ok().json(),
        serde_json::json!([])
    );
    repo.dockwright(&["build"]).ok();
    repo.write("requirements.txt", "other\n");
    repo.dockwright(&["build"]).ok();
    let images = repo.dockwright(&["images", "--format", "json"]).ok().json();
    assert_eq!(images.as_array().unwrap().len(), 2);
    assert_eq!(images[0]["service"], "app");
    assert_eq!(
        images[0]["labels"]["dev.dockwright.project"],
        repo.project.as_str()
    );
    let current = repo.dockwright(&["status", "--format", "json"]).ok().json();
    // Both were built within a second or so: the order may tie, the set may not.
    assert!(images
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["fingerprint"] == current[0]["fingerprint"]));
}
