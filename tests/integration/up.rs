//! Issue 12: `dockwright up` on the real engine and the real Compose v2 (`docker compose`): the
//! dev server runs the fingerprinted runtime image, the watch acts on content only, a change
//! builds in the background and swaps, failures keep the old container, Ctrl-C leaves nothing
//! running. Events are read from `--format json` as they come; the tests wait for them, never
//! for a time.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cleanup::docker_ids;
use crate::support::{bin, busybox, require, TestRepo, BUSYBOX};

/// The longest a test waits for one event (a busybox build takes a second or two; the engine
/// is shared with the other tests).
const EVENT_WAIT: Duration = Duration::from_secs(180);

/// A service on the busybox base whose server prints what its image installed, then waits.
fn project(repo: &TestRepo) {
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!(
            "FROM {BUSYBOX}\nWORKDIR /app\nCOPY requirements.txt /deps/\nRUN cp /deps/requirements.txt /deps/installed\nUSER 1000:1000\n"
        ),
    )
    .write("requirements.txt", "flask==3.0.0\n")
    .write(".dockerignore", "*.log\n")
    .write("app.py", "print('hello')\n")
    .write(
        "compose.yaml",
        format!(
            r#"services:
  app:
    image: ${{DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}}
    pull_policy: never
    labels:
      dev.dockwright.project: "{project}"
    volumes:
      - .:/app:ro
    command: ["sh", "-c", "echo serving $$(cat /deps/installed); trap 'exit 0' TERM; while :; do sleep 1; done"]
"#,
            project = repo.project
        ),
    )
    .commit_all("init");
}

/// `dockwright up` running, its JSON events arriving on a channel.
struct Up {
    child: Child,
    events: Receiver<Value>,
    seen: Vec<Value>,
}

impl Up {
    fn start(repo: &TestRepo, args: &[&str]) -> Up {
        Up::start_env(repo, args, &[])
    }

    fn start_env(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Up {
        let mut cmd = repo.command(bin("dockwright"));
        cmd.envs(env.iter().copied());
        cmd.arg("up")
            .args(["--format", "json"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("start dockwright up");
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, events) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("stdout holds a non-JSON line ({e}): {line}"));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        Up {
            child,
            events,
            seen: Vec::new(),
        }
    }

    /// The next event; fails the test when none comes.
    #[track_caller]
    fn next(&mut self) -> Value {
        match self.events.recv_timeout(EVENT_WAIT) {
            Ok(event) => {
                self.seen.push(event.clone());
                event
            }
            Err(RecvTimeoutError::Timeout) => panic!("no event; so far: {:#?}", self.seen),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("dockwright up ended; events: {:#?}", self.seen)
            }
        }
    }

    /// Events up to and including the first of `kind`.
    #[track_caller]
    fn until(&mut self, kind: &str) -> Vec<Value> {
        let mut got = Vec::new();
        loop {
            let event = self.next();
            let done = event["event"] == kind;
            got.push(event);
            if done {
                return got;
            }
        }
    }

    /// SIGINT, as Ctrl-C sends; the exit code and the remaining events.
    fn interrupt(mut self) -> (i32, Vec<Value>) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        let rest: Vec<Value> = self.events.try_iter().collect();
        (status.code().unwrap_or(-1), rest)
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `docker compose` in the repository, with the environment given.
fn compose(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = repo.command("docker");
    cmd.arg("compose").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Containers of the compose project, running or not.
fn containers(repo: &TestRepo) -> Vec<String> {
    docker_ids(&[
        "ps",
        "-aq",
        "--filter",
        &format!("label=com.docker.compose.project={}", repo.project),
    ])
}

/// The image id the service's running container was created from, and whether it runs.
fn running_image(repo: &TestRepo) -> Option<(String, bool)> {
    let ids = containers(repo);
    let [id] = ids.as_slice() else { return None };
    let out = Command::new("docker")
        .args(["inspect", "--format", "{{.Image}} {{.State.Running}}", id])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (image, running) = text.trim().split_once(' ')?;
    Some((image.to_string(), running == "true"))
}

fn image_id(reference: &str) -> String {
    let out = Command::new("docker")
        .args(["image", "inspect", "--format", "{{.Id}}", reference])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Images dockwright built for the project (tagged).
fn project_images(repo: &TestRepo) -> Vec<String> {
    let out = Command::new("docker")
        .args([
            "images",
            "--format",
            "{{.Repository}}:{{.Tag}}",
            "--filter",
            &format!("label=dev.dockwright.project={}", repo.project),
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.contains("<none>"))
        .map(str::to_string)
        .collect()
}

/// Removes what compose made (containers, network) whatever the test did.
struct Down<'a>(&'a TestRepo);

impl Drop for Down<'_> {
    fn drop(&mut self) {
        compose(
            self.0,
            &["down", "--volumes", "--timeout", "1"],
            &[("DOCKWRIGHT_IMAGE_APP", "unused")],
        );
    }
}

#[test]
fn detach_runs_the_fingerprinted_image_and_compose_by_hand_never_runs_an_old_one() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    project(&repo);
    let _down = Down(&repo);
    assert!(containers(&repo).is_empty());

    let run = repo
        .dockwright(&["up", "--detach", "--format", "json"])
        .ok();
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["building", "built", "started"], "{}", run.stdout);
    let image = events[1]["image"].as_str().unwrap();
    assert!(image.starts_with(&format!("{}-app-runtime:", repo.project)));
    let (running, up) = running_image(&repo).expect("one container");
    assert!(up);
    assert_eq!(
        running,
        image_id(image),
        "the container runs the runtime image"
    );
    // Compose built nothing of its own: the only tagged image is dockwright's.
    assert_eq!(project_images(&repo), [image.to_string()]);

    // Again: fresh, nothing built, the same container.
    let again = repo
        .dockwright(&["up", "--detach", "--format", "json"])
        .ok();
    assert!(
        again.stdout.contains(r#""event":"fresh""#),
        "{}",
        again.stdout
    );

    // By hand, without the image from dockwright, compose stops on a reference that exists
    // nowhere and says what to run; the running container is left as it was.
    let by_hand = compose(&repo, &["up", "-d"], &[]);
    assert!(!by_hand.status.success());
    let err = String::from_utf8_lossy(&by_hand.stderr);
    assert!(err.contains("app-runtime-image:run-dockwright-up"), "{err}");
    assert_eq!(running_image(&repo), Some((image_id(image), true)));
    // Commands that start nothing need no variable.
    assert!(compose(&repo, &["ps"], &[]).status.success());

    // `dockwright env` names the current image for compose by hand, as `export` lines.
    let env = repo.dockwright(&["env"]).ok();
    assert_eq!(
        env.stdout,
        format!("export DOCKWRIGHT_IMAGE_APP='{image}'\n")
    );
    // A changed manifest: no image is named, the change is, and so is the fix.
    repo.write("requirements.txt", "flask==3.1.0\n");
    let stale = repo.dockwright(&["env"]).code(4);
    assert_eq!(stale.stdout, "");
    assert!(
        stale
            .stderr
            .contains("`app` is stale (requirements.txt changed)")
            && stale.stderr.contains("run `dockwright build app` first"),
        "{}",
        stale.stderr
    );
    let built = repo.dockwright(&["build", "--format", "json"]).ok().json();
    let new_image = built[0]["image"].as_str().unwrap().to_string();
    let vars = repo.dockwright(&["env", "--format", "json"]).ok().json();
    assert_eq!(vars[0]["name"], "DOCKWRIGHT_IMAGE_APP");
    assert_eq!(vars[0]["image"], new_image.as_str());
    // By hand with the variable, compose runs the new runtime image and builds nothing.
    let by_hand = compose(
        &repo,
        &["up", "-d"],
        &[("DOCKWRIGHT_IMAGE_APP", new_image.as_str())],
    );
    assert!(
        by_hand.status.success(),
        "{}",
        String::from_utf8_lossy(&by_hand.stderr)
    );
    assert_eq!(running_image(&repo), Some((image_id(&new_image), true)));
    let mut images = project_images(&repo);
    images.sort();
    let mut expected = vec![image.to_string(), new_image];
    expected.sort();
    assert_eq!(images, expected, "compose built nothing of its own");

    drop(_down);
    assert!(containers(&repo).is_empty());
}

#[test]
fn watch_acts_on_content_swaps_on_success_and_keeps_the_old_container_on_failure() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    project(&repo);
    let _down = Down(&repo);
    let mut up = Up::start(&repo, &[]);
    let start = up.until("watching");
    let first = start
        .iter()
        .find(|e| e["event"] == "built")
        .expect("built at start")["image"]
        .as_str()
        .unwrap()
        .to_string();
    let watched: Vec<&str> = start.last().unwrap()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        watched.contains(&"requirements.txt") && watched.contains(&"Dockerfile.runtime"),
        "{watched:?}"
    );
    assert_eq!(running_image(&repo).unwrap().0, image_id(&first));

    // Events whose content changes nothing: a touch, the same bytes saved, an editor's swap
    // file, a file the .dockerignore hides, a source file.
    let now = std::time::SystemTime::now();
    std::fs::File::options()
        .write(true)
        .open(repo.path().join("requirements.txt"))
        .unwrap()
        .set_modified(now)
        .unwrap();
    repo.write("requirements.txt", "flask==3.0.0\n")
        .write(".requirements.txt.swp", "swap")
        .write("debug.log", "noise")
        .write("app.py", "print('edited')\n");
    // Then a real change. Every event after all of that is about it alone (a slow disk may
    // show the write in two steps, so there can be two `changed` events, never another input).
    repo.write("requirements.txt", "flask==3.1.0\n");
    let events = up.until("swapped");
    let changed: Vec<&Value> = events.iter().filter(|e| e["event"] == "changed").collect();
    assert!(!changed.is_empty(), "{events:?}");
    for event in &changed {
        assert_eq!(
            event["inputs"],
            serde_json::json!([{"path": "requirements.txt", "change": "changed"}]),
            "{events:?}"
        );
    }
    assert_eq!(events[0]["event"], "changed", "{events:?}");
    let building = events.iter().find(|e| e["event"] == "building").unwrap();
    assert!(building["log"].as_str().unwrap().ends_with("up-app.log"));
    let swapped = events.last().unwrap();
    let second = swapped["image"].as_str().unwrap().to_string();
    assert_eq!(second, changed.last().unwrap()["image"].as_str().unwrap());
    assert!(swapped["duration"].as_f64().unwrap() >= 0.0);
    assert_eq!(running_image(&repo).unwrap(), (image_id(&second), true));
    assert_eq!(
        project_images(&repo).len(),
        2,
        "one image per content, whatever the events"
    );

    // A Dockerfile that no longer builds: the old container keeps serving.
    let dockerfile = repo.read("Dockerfile.runtime");
    repo.write(
        "Dockerfile.runtime",
        format!("{dockerfile}RUN echo broken-step && false\n"),
    );
    let events = up.until("failed");
    assert!(events.iter().any(|e| e["event"] == "changed"), "{events:?}");
    let failed = events.last().unwrap();
    let log = repo.path().join(failed["log"].as_str().unwrap());
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("broken-step"),
        "the log holds the failing step"
    );
    assert_eq!(running_image(&repo).unwrap(), (image_id(&second), true));

    // An invalid dockwright.toml: said once, and the next valid save resumes.
    repo.write("Dockerfile.runtime", &dockerfile);
    repo.write("dockwright.toml", "[services.app\n");
    let invalid = up.until("invalid");
    assert!(
        invalid.last().unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("dockwright.toml"),
        "{invalid:?}"
    );
    repo.write(
        "dockwright.toml",
        "[services.app]\ndockerfile = \"Dockerfile.runtime\"\n",
    );
    assert_eq!(up.next()["event"], "recovered");

    let (code, rest) = up.interrupt();
    assert_eq!(code, 130);
    assert!(rest.iter().any(|e| e["event"] == "stopped"), "{rest:?}");
    // Stopped as `docker compose up` stops: nothing runs any more.
    let (_, running) = running_image(&repo).unwrap();
    assert!(!running);
    // Two runtime images, no third: the failed build tagged nothing.
    let mut images = project_images(&repo);
    images.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(images, expected);
}

#[test]
fn ctrl_c_during_a_background_build_leaves_no_image_and_no_container() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    project(&repo);
    let _down = Down(&repo);
    let mut up = Up::start(&repo, &[]);
    up.until("watching");
    let before = project_images(&repo);
    // A step that runs until the build is abandoned; the marker names this test's project.
    let marker = format!("slow-{}", repo.project);
    let dockerfile = repo.read("Dockerfile.runtime");
    repo.write(
        "Dockerfile.runtime",
        // The marker after the sleep: busybox's sh execs the last command of `-c` in its own
        // place, so only a shell still waiting to run the marker's echo shows it.
        format!("{dockerfile}RUN sleep 600 && echo {marker}\n"),
    );
    let building = up.until("building");
    let log = building
        .last()
        .and_then(|e| e["log"].as_str())
        .map(|l| repo.path().join(l))
        .expect("the background build names its log");
    // Wait until the step runs, so the interrupt hits a running build. BuildKit runs a step as a
    // process of the engine's, not as a container `docker ps` lists: look for the step's process
    // on this host (the engine is local), which both builders have while the step runs.
    let step = || {
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(&marker) && cmdline.contains("sleep 600 &&") {
                found.push(cmdline);
            }
        }
        found
    };
    let deadline = Instant::now() + EVENT_WAIT;
    while step().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the slow step never started; build log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, rest) = up.interrupt();
    assert_eq!(code, 130);
    assert!(rest.iter().any(|e| e["event"] == "stopped"), "{rest:?}");
    // The engine cancels the abandoned build and ends its step.
    let deadline = Instant::now() + EVENT_WAIT;
    while !step().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the build's step is left running: {:?}",
            step()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        project_images(&repo),
        before,
        "no image for the abandoned build"
    );
    assert!(!running_image(&repo).unwrap().1);
}

#[test]
fn without_compose_file_or_with_an_unknown_service_up_says_what_to_do() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    repo.busybox_service().commit_all("init");
    let run = repo.dockwright(&["up", "--no-watch"]).code(1);
    assert!(run.stderr.contains("no compose file"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);

    let repo = TestRepo::new();
    project(&repo);
    let run = repo.dockwright(&["up", "--detach", "ap"]).code(1);
    assert!(
        run.stderr.contains("no compose service named `ap`") && run.stderr.contains("`app`"),
        "{}",
        run.stderr
    );
    assert!(containers(&repo).is_empty());
}

/// Issue 12 item 4: no dockwright.toml, a compose file whose services build: those are the
/// services, and `up` runs them on the runtime images (compose builds nothing of its own).
#[test]
fn a_compose_project_without_dockwright_toml_gets_its_build_services() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "backend/Dockerfile",
        format!("FROM {BUSYBOX}\nCOPY requirements.txt /deps/\nRUN cp /deps/requirements.txt /deps/installed\n"),
    )
    .write("backend/requirements.txt", "flask==3.0.0\n")
    .write(
        "compose.yaml",
        format!(
            r#"services:
  backend:
    build:
      context: ./backend
    labels:
      dev.dockwright.project: "{project}"
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
  sidecar:
    image: {BUSYBOX}
    labels:
      dev.dockwright.project: "{project}"
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
"#,
            project = repo.project
        ),
    )
    .commit_all("init");
    let _down = Down(&repo);
    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    let names: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["backend"]);
    let run = repo
        .dockwright(&["up", "--detach", "--format", "json"])
        .ok();
    assert!(run.stdout.contains(r#""event":"built""#), "{}", run.stdout);
    let image = format!("{}-backend-runtime:", repo.project);
    let images = project_images(&repo);
    assert_eq!(images.len(), 1, "{images:?}");
    assert!(images[0].starts_with(&image), "{images:?}");
    assert_eq!(containers(&repo).len(), 2);
}

/// Issue 19: a service scaffolded in a subfolder has its compose file there; `up` run from the
/// folder (as its `just dev` does) uses that compose file and runs the service's runtime image.
#[test]
fn up_from_a_scaffolded_subfolder_runs_its_runtime_image() {
    if !require("compose") {
        return;
    }
    busybox();
    let repo = TestRepo::new();
    repo.write(
        "api/Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nWORKDIR /app\nCOPY requirements.txt /deps/\nUSER 1000:1000\n"),
    )
    .write("api/requirements.txt", "flask==3.0.0\n")
    .write("api/app.py", "print('hello')\n")
    .commit_all("an api in a subfolder");
    let port = (21000 + std::process::id() % 20000).to_string();
    let mut init = repo.command(bin("dockwright"));
    init.current_dir(repo.path().join("api")).args([
        "init",
        "--stack",
        "python-pip",
        "--var",
        &format!("port={port}"),
        "--var",
        "dev_command=sh -c 'trap \"exit 0\" TERM; while :; do sleep 1; done'",
    ]);
    assert!(init.output().unwrap().status.success());
    // The compose project is the folder's: its containers are removed whatever happens.
    struct Down<'a>(&'a TestRepo);
    impl Drop for Down<'_> {
        fn drop(&mut self) {
            let _ = self
                .0
                .command("docker")
                .current_dir(self.0.path().join("api"))
                .args(["compose", "down", "--volumes", "--timeout", "1"])
                .output();
        }
    }
    let _down = Down(&repo);

    let mut up = repo.command(bin("dockwright"));
    up.current_dir(repo.path().join("api"))
        .args(["up", "--detach", "--format", "json"]);
    let out = up.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built: Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["event"] == "built")
        .expect("the runtime image was built");
    assert_eq!(built["service"], "api");
    let image = built["image"].as_str().unwrap();
    let running = docker_ids(&[
        "ps",
        "-q",
        "--filter",
        "label=com.docker.compose.project=api",
        "--filter",
        &format!("ancestor={image}"),
    ]);
    assert_eq!(running.len(), 1, "the api container runs {image}");
}

/// Issue 12, faults: a port already taken is compose's error, passed through with its exit
/// code; nothing keeps running, and the runtime image stays (it is still the right one).
#[test]
fn a_port_already_taken_is_composes_error_and_nothing_keeps_running() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    project(&repo);
    let listener = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let compose_file = repo.read("compose.yaml").replace(
        "    volumes:\n",
        &format!("    ports:\n      - \"{port}:8000\"\n    volumes:\n"),
    );
    repo.write("compose.yaml", compose_file);
    let _down = Down(&repo);
    let run = repo.dockwright(&["up", "--detach", "--format", "json"]);
    assert_ne!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("address already in use")
            || run.stderr.contains("port is already allocated"),
        "compose's error is not passed through:\n{}",
        run.stderr
    );
    let running = docker_ids(&[
        "ps",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={}", repo.project),
    ]);
    assert!(running.is_empty(), "still running: {running:?}");
    // The runtime image was built before compose ran, and is what the next `up` reuses.
    assert_eq!(project_images(&repo).len(), 1);
    drop(listener);
}

/// The engine's socket behind a socket of the test's own, so that the test can "stop the
/// engine" for one `dockwright up` (and its compose) without touching anyone else's.
struct EngineProxy {
    path: std::path::PathBuf,
    /// Set to stop: the accept loop ends, and every connection through it is shut down.
    stopped: std::sync::Arc<std::sync::atomic::AtomicBool>,
    streams: std::sync::Arc<std::sync::Mutex<Vec<std::os::unix::net::UnixStream>>>,
}

impl EngineProxy {
    fn new(path: std::path::PathBuf) -> EngineProxy {
        let proxy = EngineProxy {
            path,
            stopped: Default::default(),
            streams: Default::default(),
        };
        proxy.start();
        proxy
    }

    fn start(&self) {
        use std::os::unix::net::{UnixListener, UnixStream};
        use std::sync::atomic::Ordering;
        let _ = std::fs::remove_file(&self.path);
        let listener = UnixListener::bind(&self.path).unwrap();
        listener.set_nonblocking(true).unwrap();
        self.stopped.store(false, Ordering::SeqCst);
        let (stopped, streams) = (self.stopped.clone(), self.streams.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                let client = match listener.accept() {
                    Ok((client, _)) => client,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                };
                client.set_nonblocking(false).unwrap();
                let Ok(engine) = UnixStream::connect("/var/run/docker.sock") else {
                    continue;
                };
                let mut held = streams.lock().unwrap();
                held.push(client.try_clone().unwrap());
                held.push(engine.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), engine.try_clone().unwrap()),
                    (engine, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                }
            }
        });
    }

    /// As if the engine stopped: no connection is accepted, every open one is cut.
    fn stop(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(100));
        let _ = std::fs::remove_file(&self.path);
        for stream in self.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Issue 12, faults: the engine stops while `up` watches. A change then says the engine is
/// lost (the old container is left as it is); when the engine answers again, the build runs
/// and the container is swapped.
#[test]
fn the_engine_stopping_while_watching_is_said_and_the_watch_resumes() {
    if !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    project(&repo);
    let _down = Down(&repo);
    let sockets = tempfile::tempdir().unwrap();
    let proxy = EngineProxy::new(sockets.path().join("engine.sock"));
    let host = format!("unix://{}", sockets.path().join("engine.sock").display());
    let mut up = Up::start_env(&repo, &[], &[("DOCKER_HOST", host.as_str())]);
    up.until("watching");

    proxy.stop();
    repo.write("requirements.txt", "flask==3.1.0\n");
    let events = up.until("engine-lost");
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"changed"), "{kinds:?}");
    assert!(
        events.last().unwrap()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("engine"),
        "{events:?}"
    );

    proxy.start();
    up.until("engine-back");
    let swapped = up.until("swapped");
    let image = swapped.last().unwrap()["image"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(running_image(&repo), Some((image_id(&image), true)));
    let (code, _) = up.interrupt();
    assert_eq!(code, 130);
    proxy.stop();
}
