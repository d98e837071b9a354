//! End to end: the real `nu` of the pinned version loads the plugin binary (`plugin add`, then
//! `plugin use`) and runs pipelines against a real git repository and the real Docker engine.
//! Results cross back as JSON (`| to json`); the plugin's progress goes to stderr.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The `nu` on PATH, else the one `cargo install` put in `~/.cargo/bin`.
fn nu_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("nu"))
            .find(|candidate| candidate.is_file())
    });
    let in_cargo = std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo/bin/nu"));
    on_path.or(in_cargo.filter(|p| p.is_file())).unwrap_or_else(|| {
        panic!(
            "`nu` is neither on PATH nor in ~/.cargo/bin: run `.ci/setup` (it installs nu {} with `cargo install nu --version {} --locked`)",
            pinned(),
            pinned()
        )
    })
}

/// The `nu-plugin` version the plugin is built against, as the workspace's Cargo.lock says.
fn pinned() -> String {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let text = std::fs::read_to_string(&lock)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", lock.display()));
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"nu-plugin\"" {
            let version = lines.next().unwrap_or_default();
            return version
                .trim_start_matches("version = ")
                .trim_matches('"')
                .to_string();
        }
    }
    panic!("`{}` has no nu-plugin package", lock.display())
}

/// The base image the fixture's Dockerfile starts from, made once per test binary.
fn base_image() {
    static MADE: Once = Once::new();
    MADE.call_once(|| {
        let present = Command::new("docker")
            .args(["image", "inspect", common::BASE_IMAGE])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !present {
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/images/busybox.sh");
            let status = Command::new("bash")
                .arg(&script)
                .status()
                .expect("bash runs");
            assert!(
                status.success(),
                "`{}` could not make {}",
                script.display(),
                common::BASE_IMAGE
            );
        }
    });
}

/// A fixture repository with the plugin registered in a plugin registry of its own.
struct Nu {
    repo: common::Repo,
    config: tempfile::TempDir,
}

impl Nu {
    fn new() -> Nu {
        base_image();
        let nu = Nu {
            repo: common::Repo::new(),
            config: tempfile::tempdir().expect("temp dir"),
        };
        let add = format!(
            "plugin add --plugin-config {} {}",
            nu.registry(),
            env!("CARGO_BIN_EXE_nu_plugin_dockwright")
        );
        let out = Command::new(nu_binary())
            .args(["-n", "-c", &add])
            .output()
            .expect("nu runs");
        assert!(
            out.status.success(),
            "`{add}` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        nu
    }

    fn registry(&self) -> String {
        self.config
            .path()
            .join("plugins.msgpackz")
            .display()
            .to_string()
    }

    /// `nu` running `script` in the repository, with the plugin in scope.
    fn command(&self, script: &str) -> Command {
        let registry = self.registry();
        let mut command = Command::new(nu_binary());
        command
            .args(["-n", "--plugin-config", &registry, "-c"])
            .arg(format!(
                "plugin use --plugin-config {registry} dockwright; {script}"
            ))
            .current_dir(self.repo.path());
        command
    }

    fn output(&self, script: &str) -> Output {
        let out = self.command(script).output().expect("nu runs");
        eprintln!("--- {script}\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// The JSON that `script | to json` prints; the script must succeed.
    fn json(&self, script: &str) -> Value {
        let out = self.output(&format!("{script} | to json --raw"));
        assert!(
            out.status.success(),
            "`{script}` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`{script}` printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Containers of this project (test runs), running or not.
    fn containers(&self) -> Vec<String> {
        let label = format!("label=dev.dockwright.project={}", self.repo.project());
        let out = Command::new("docker")
            .args(["ps", "-aq", "--filter", &label])
            .output()
            .expect("docker runs");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }
}

#[test]
fn nu_is_the_version_the_plugin_is_built_for() {
    let out = Command::new(nu_binary())
        .arg("--version")
        .output()
        .expect("nu runs");
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let pinned = pinned();
    assert_eq!(
        found, pinned,
        "`nu` is {found} but the plugin is built against nu-plugin {pinned}; nu refuses a plugin of another minor. \
         Fix: `cargo install nu --version {pinned} --locked` (or `.ci/setup`), or pin nu-plugin, nu-protocol and \
         nu-plugin-test-support to ={found} in the workspace Cargo.toml"
    );
}

#[test]
fn status_build_images_inputs_as_tables() {
    let nu = Nu::new();
    assert_eq!(
        nu.json("dockwright status | where state == missing | get service"),
        json!(["app"])
    );
    assert_eq!(nu.json("dockwright inputs | length"), json!(2));
    assert_eq!(
        nu.json("dockwright inputs | get path"),
        json!(["Dockerfile.runtime", "requirements.txt"])
    );
    assert_eq!(nu.json("dockwright images | length"), json!(0));

    let built = nu.json("dockwright build");
    assert_eq!(built[0]["service"], json!("app"));
    assert_eq!(built[0]["built"], json!(true));
    assert_eq!(
        nu.json("dockwright status | where state == fresh | length"),
        json!(1)
    );
    assert_eq!(
        nu.json("dockwright status | first | [($in.built | describe) ($in.size | describe)]"),
        json!(["datetime", "filesize"])
    );
    assert_eq!(
        nu.json("dockwright build | get built"),
        json!([false]),
        "a fresh image is reused"
    );

    let images = nu.json("dockwright images");
    assert_eq!(images.as_array().map(Vec::len), Some(1));
    assert_eq!(
        images[0]["dev.dockwright.project"],
        json!(nu.repo.project()),
        "labels are columns"
    );
    assert_eq!(images[0]["fingerprint"], built[0]["fingerprint"]);
    // The variable compose reads names the fresh image, for `load-env`.
    assert_eq!(
        nu.json("dockwright env"),
        json!({ "DOCKWRIGHT_IMAGE_APP": built[0]["image"] })
    );
    assert_eq!(
        nu.json("dockwright env | load-env; $env.DOCKWRIGHT_IMAGE_APP"),
        built[0]["image"]
    );

    // A dependency changes: the image is stale, and the change is named.
    nu.repo.write("requirements.txt", "six==1.17.0\n");
    assert_eq!(
        nu.json("dockwright status | where state == stale | get service"),
        json!(["app"])
    );
    assert_eq!(
        nu.json("dockwright status | get changed.0"),
        json!([{ "path": "requirements.txt", "change": "changed" }])
    );
    // A stale image is never named: the error says what changed and what to run.
    let out = nu.output("dockwright env");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        // (miette wraps the message: only parts that fit on one line are looked for)
        err.contains("`app` is stale (requirements.txt") && err.contains("dockwright build app"),
        "{err}"
    );
}

#[test]
fn test_runs_the_commit_and_returns_a_record() {
    let nu = Nu::new();
    let result = nu.json("dockwright test");
    assert_eq!(result["passed"], json!(true), "{result}");
    assert_eq!(result["exit_code"], json!(0));
    assert_eq!(result["service"], json!("app"));
    assert_eq!(
        result["commit"].as_str().map(str::len),
        Some(40),
        "{result}"
    );
    assert_eq!(result["cached"], json!(false), "{result}");

    // The same run again: proven, nothing runs; `--rerun` runs it.
    let again = nu.json("dockwright test");
    assert_eq!(
        (again["cached"].clone(), again["passed"].clone()),
        (json!(true), json!(true)),
        "{again}"
    );
    assert_eq!(again["proven_commit"], result["commit"], "{again}");
    assert!(again["proven_at"].is_string(), "{again}");
    let rerun = nu.json("dockwright test --rerun");
    assert_eq!(rerun["cached"], json!(false), "{rerun}");

    let failed = nu.json("dockwright test --command 'exit 3'");
    assert_eq!(
        (failed["passed"].clone(), failed["exit_code"].clone()),
        (json!(false), json!(3))
    );
    assert!(
        nu.containers().is_empty(),
        "a test run left containers: {:?}",
        nu.containers()
    );
}

#[test]
fn ctrl_c_in_nu_stops_the_run_and_leaves_nothing() {
    let nu = Nu::new();
    // Build first, so that the run reaches its container quickly.
    nu.json("dockwright build");
    let child = nu
        .command("dockwright test --command 'sleep 120' | to json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nu runs");
    let started = Instant::now();
    while nu.containers().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the test container never appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // What a terminal's Ctrl-C does to nu; nu forwards it to the plugin as a signal message.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("nu ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "an interrupted run must fail:\n{stderr}"
    );
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        nu.containers().is_empty(),
        "the interrupted run left containers: {:?}",
        nu.containers()
    );
}

#[test]
fn docker_host_comes_from_nu_not_the_plugin_process() {
    let nu = Nu::new();
    let out = nu.output(r#"$env.DOCKER_HOST = "unix:///nonexistent.sock"; dockwright status"#);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "status succeeded against a socket that does not exist"
    );
    assert!(
        stderr.contains("/nonexistent.sock"),
        "the error does not name nu's DOCKER_HOST:\n{stderr}"
    );
}

#[test]
fn errors_are_labelled_on_the_argument() {
    let nu = Nu::new();
    let out = nu.output("dockwright status nope");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no service named `nope`"), "{stderr}");
    assert!(
        stderr.contains("unknown service"),
        "the label is missing:\n{stderr}"
    );
    assert!(stderr.contains("help: the services are: app"), "{stderr}");
}

#[test]
fn hooks_install_keeps_a_foreign_hook_and_uninstall_puts_it_back() {
    use std::os::unix::fs::PermissionsExt;
    let nu = Nu::new();
    let hooks = nu.repo.path().join(".git/hooks");
    let foreign =
        "#!/bin/sh\necho foreign post-merge ran >> \"$(git rev-parse --git-dir)/foreign.log\"\n";
    std::fs::write(hooks.join("post-merge"), foreign).expect("write foreign hook");
    std::fs::set_permissions(
        hooks.join("post-merge"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");

    let installed = nu.json("dockwright hooks install | select hook result kept");
    let result = |table: &Value, hook: &str, column: &str| -> String {
        table
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["hook"] == hook))
            .and_then(|r| r[column].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        result(&installed, "post-merge", "result"),
        "kept",
        "{installed}"
    );
    assert!(
        result(&installed, "post-merge", "kept").ends_with("post-merge.dockwright-chained"),
        "{installed}"
    );
    for hook in ["post-checkout", "post-rewrite", "pre-push"] {
        assert_eq!(result(&installed, hook, "result"), "written", "{installed}");
    }
    assert_eq!(
        std::fs::read_to_string(hooks.join("post-merge.dockwright-chained")).expect("kept hook"),
        foreign
    );
    // What `dockwright hooks` says now, and that installing again changes nothing.
    let states = nu.json("dockwright hooks | select hook state");
    assert_eq!(
        result(&states, "post-merge", "state"),
        "chained",
        "{states}"
    );
    assert_eq!(result(&states, "pre-push", "state"), "ours", "{states}");
    let again = nu.json("dockwright hooks install | get result | uniq");
    assert_eq!(again, serde_json::json!(["unchanged"]));

    // Real git runs the chained hook through our shim.
    nu.repo.git(&["checkout", "-q", "-b", "side"]);
    nu.repo.write("notes.txt", "side\n");
    nu.repo.git(&["add", "notes.txt"]);
    nu.repo.git(&["commit", "-q", "-m", "side"]);
    nu.repo.git(&["checkout", "-q", "main"]);
    nu.repo.git(&["merge", "-q", "--no-edit", "side"]);
    let log = std::fs::read_to_string(nu.repo.path().join(".git/foreign.log")).unwrap_or_default();
    assert_eq!(
        log, "foreign post-merge ran\n",
        "the kept hook did not run on merge"
    );

    let removed = nu.json("dockwright hooks uninstall | select hook result");
    assert_eq!(
        result(&removed, "post-merge", "result"),
        "restored",
        "{removed}"
    );
    for hook in ["post-checkout", "post-rewrite", "pre-push"] {
        assert_eq!(result(&removed, hook, "result"), "removed", "{removed}");
        assert!(!hooks.join(hook).exists(), "{hook} is still there");
    }
    assert_eq!(
        std::fs::read_to_string(hooks.join("post-merge")).expect("restored hook"),
        foreign,
        "the foreign hook did not come back byte for byte"
    );
    assert!(!hooks.join("post-merge.dockwright-chained").exists());
}

/// `docker compose down` in the fixture, whatever the test did (containers and network).
struct ComposeDown<'a>(&'a Nu);

impl Drop for ComposeDown<'_> {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["compose", "down", "--volumes", "--timeout", "1"])
            .current_dir(self.0.repo.path())
            .output();
    }
}

#[test]
fn watch_streams_the_events_of_up_and_its_end_stops_the_services() {
    let nu = Nu::new();
    nu.repo.write(
        "compose.yaml",
        &format!(
            r#"services:
  app:
    image: ${{DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}}
    pull_policy: never
    labels:
      dev.dockwright.project: "{}"
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
"#,
            nu.repo.project()
        ),
    );
    let _down = ComposeDown(&nu);
    // The stream until the watch begins: the image built, compose started on it.
    let events = nu.json(
        "dockwright watch | take until {|e| $e.event == watching } | select event service image",
    );
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["building", "built", "started"], "{events}");
    assert_eq!(events[1]["service"], json!("app"));
    let image = events[1]["image"].as_str().unwrap().to_string();
    assert!(
        image.starts_with(&format!("{}-app-runtime:", nu.repo.project())),
        "{image}"
    );
    // The container ran the runtime image; the stream's end stopped it.
    let ids = nu.containers();
    assert_eq!(ids.len(), 1, "one compose container: {ids:?}");
    let inspect = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{.Config.Image}} {{.State.Running}}",
            &ids[0],
        ])
        .output()
        .expect("docker runs");
    assert_eq!(
        String::from_utf8_lossy(&inspect.stdout).trim(),
        format!("{image} false")
    );
}

#[test]
fn doctor_is_a_table_and_its_engine_is_nus() {
    let nu = Nu::new();
    assert_eq!(
        nu.json("dockwright doctor | describe"),
        json!("table<name: string, level: string, detail: string, fix: oneof<nothing, string>>")
    );
    assert_eq!(
        nu.json("dockwright doctor | where name == engine | get level"),
        json!(["ok"])
    );
    assert_eq!(
        nu.json(r#"$env.DOCKER_HOST = "unix:///nonexistent.sock"; dockwright doctor | where name == engine | get level.0"#),
        json!("fail")
    );
    assert_eq!(
        nu.json("dockwright doctor | where name == registry | get detail.0"),
        json!("not configured")
    );
}

#[test]
fn init_says_what_it_read_and_what_it_guessed() {
    let nu = Nu::new();
    let out = nu.output("dockwright init --dry-run --stack python-pip | length");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "test command: `python -m unittest discover` (no pytest in the dependencies); a guess"
        ),
        "{stderr}"
    );
}
