//! The README's "A day's work", replayed word for word: its `$` lines run in order in a shell
//! (a trailing `&` keeps the command running in its own process group, as a second terminal
//! would), each output line under a command must be among what that command printed, and each
//! `[dev]` line must come from the running command, in order. `…` in a line stands for any
//! text. So the README cannot drift from what dockwright does.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::support::{busybox, path_with_bins, remove_project_objects, require, BUSYBOX};

/// How long a `[dev]` line may take to come (a background build on a loaded machine).
const DEV_WAIT: Duration = Duration::from_secs(240);

/// One `$` line of the transcript and what is expected of it.
#[derive(Debug, Default)]
struct Step {
    command: String,
    background: bool,
    /// Lines the command itself prints (any order, among others).
    prints: Vec<String>,
    /// Lines the running background command prints meanwhile (in order, among others).
    dev: Vec<String>,
}

/// The steps of the README's block between `<!-- day:start -->` and `<!-- day:end -->`.
fn transcript() -> Vec<Step> {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let start = text
        .find("<!-- day:start -->")
        .expect("the README has the day's block");
    let end = text.find("<!-- day:end -->").expect("the day's block ends");
    let mut steps: Vec<Step> = Vec::new();
    for line in text[start..end].lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            let (command, background) = match command.strip_suffix(" &") {
                Some(c) => (c, true),
                None => (command, false),
            };
            steps.push(Step {
                command: command.to_string(),
                background,
                ..Step::default()
            });
        } else if let Some(step) = steps.last_mut() {
            if line.starts_with("```") {
                continue;
            }
            match line.strip_prefix("[dev] ") {
                Some(dev) => step.dev.push(dev.to_string()),
                None => step.prints.push(line.to_string()),
            }
        }
    }
    steps
}

/// Whether `line` is `pattern`, where each `…` stands for any text.
fn matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return line == pattern;
    }
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The environment every transcript command runs in: this build's binaries first, no `nu`
/// (`just init` would register the plugin in the user's nu), colour off, an identity for the
/// teammate's commit.
fn shell(dir: &Path, script: &str, home: &Path) -> Command {
    let path: Vec<PathBuf> = std::env::split_paths(&path_with_bins())
        .filter(|p| !p.join("nu").is_file())
        .collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", std::env::join_paths(path).unwrap())
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Teammate")
        .env("GIT_AUTHOR_EMAIL", "teammate@example.com")
        .env("GIT_COMMITTER_NAME", "Teammate")
        .env("GIT_COMMITTER_EMAIL", "teammate@example.com")
        .stdin(Stdio::null());
    for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] {
        cmd.env_remove(var);
    }
    cmd
}

/// The background command: its process group and its lines as they come.
struct Dev {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Dev {
    fn start(mut cmd: Command) -> Dev {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("sh runs");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for stream in [
            Box::new(out) as Box<dyn std::io::Read + Send>,
            Box::new(err) as Box<dyn std::io::Read + Send>,
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Dev {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line that is `pattern`.
    #[track_caller]
    fn expect(&mut self, pattern: &str) {
        let deadline = Instant::now() + DEV_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = matches(pattern, &line);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!(
                    "the dev terminal never printed `{pattern}`; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Ctrl-C, as a terminal sends it to its foreground process group.
    fn interrupt(&mut self) {
        self.signal("INT");
    }

    /// `signal` to the whole process group (its leader's pid is the group's id).
    fn signal(&self, signal: &str) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), "--", &group])
            .status();
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.interrupt();
            let deadline = Instant::now() + Duration::from_secs(30);
            while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            self.signal("KILL");
            let _ = self.child.wait();
        }
    }
}

/// What the transcript's project leaves, removed before and after: compose's containers and
/// network, the images labelled with the project.
struct Cleanup(PathBuf);

impl Cleanup {
    fn run(&self) {
        if self.0.join("compose.yaml").is_file() {
            let _ = Command::new("docker")
                .args(["compose", "down", "--volumes", "--timeout", "1"])
                .current_dir(&self.0)
                .output();
        }
        remove_project_objects("shop");
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.run();
    }
}

/// The teammate's repository, as `dockwright init` scaffolds it, on the busybox base: its
/// runtime image keeps the requirements it was built with, and its server prints them.
fn upstream(dir: &Path, home: &Path) {
    busybox();
    std::fs::create_dir_all(dir).unwrap();
    let run = |script: &str| {
        let out = shell(dir, script, home).output().unwrap();
        assert!(
            out.status.success(),
            "`{script}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("git init -q -b main");
    std::fs::write(
        dir.join("Dockerfile.runtime"),
        format!("FROM {BUSYBOX}\nWORKDIR /app\nCOPY requirements.txt /deps/\nUSER 1000:1000\n"),
    )
    .unwrap();
    std::fs::write(dir.join("requirements.txt"), "flask==3.0.0\n").unwrap();
    std::fs::write(dir.join("app.py"), "print('hello')\n").unwrap();
    // A port of its own, so that parallel runs and the machine's services do not collide.
    let port = 20000 + std::process::id() % 20000;
    let server =
        "sh -c 'echo serving $$(cat /deps/requirements.txt); trap \"exit 0\" TERM; while :; do sleep 1; done'";
    let init = shell(
        dir,
        r#"dockwright init --stack python-pip --var "port=$1" --var "dev_command=$2" >/dev/null"#,
        home,
    )
    .args(["sh", &port.to_string(), server])
    .output()
    .unwrap();
    assert!(
        init.status.success(),
        "init failed:\n{}",
        String::from_utf8_lossy(&init.stderr)
    );
    run("git add -A && git commit -qm 'Runtime containers'");
}

#[test]
fn the_readmes_day_of_work_replays() {
    if !require("compose") || !require("just") {
        return;
    }
    let steps = transcript();
    assert!(steps.len() >= 4, "{steps:?}");
    let home = tempfile::Builder::new().prefix("dwday-").tempdir().unwrap();
    let cleanup = Cleanup(home.path().join("shop"));
    cleanup.run();
    upstream(&home.path().join("upstream"), home.path());

    let mut dir = home.path().to_path_buf();
    let mut dev: Option<Dev> = None;
    let cwd_file = home.path().join("cwd");
    for step in &steps {
        if step.background {
            let script = format!("exec {}", step.command);
            dev = Some(Dev::start(shell(&dir, &script, home.path())));
        } else {
            // The shell's directory after the command, for the next one (`cd shop`).
            let script = format!(
                "{}\nstatus=$?; pwd > '{}'; exit $status",
                step.command,
                cwd_file.display()
            );
            let out = shell(&dir, &script, home.path()).output().unwrap();
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.status.success(),
                "`{}` failed:\n{printed}",
                step.command
            );
            for expected in &step.prints {
                assert!(
                    printed.lines().any(|l| matches(expected, l)),
                    "`{}` did not print `{expected}`; it printed:\n{printed}",
                    step.command
                );
            }
            dir = PathBuf::from(std::fs::read_to_string(&cwd_file).unwrap().trim());
        }
        if !step.dev.is_empty() {
            let dev = dev
                .as_mut()
                .expect("[dev] lines follow a command run with `&`");
            for expected in &step.dev {
                dev.expect(expected);
            }
        }
    }

    // Ctrl-C in the dev terminal stops what `just dev` started.
    let mut dev = dev.expect("the transcript starts the dev server");
    dev.interrupt();
    dev.expect("dockwright: stopped");
    let running = Command::new("docker")
        .args([
            "ps",
            "-q",
            "--filter",
            "label=com.docker.compose.project=shop",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&running.stdout).trim(), "");
}

#[test]
fn ellipsis_stands_for_any_text() {
    assert!(matches("built `a:…` in …s", "built `a:12ab` in 0.6s"));
    assert!(matches("no ellipsis", "no ellipsis"));
    assert!(!matches("no ellipsis", "no ellipsis here"));
    assert!(!matches("built `a:…` in …s", "built `b:12` in 0.6s"));
    assert!(matches("…", ""));
}
