//! What the hook binaries share: git's arguments and stdin in, the core's report out, rendered
//! on stderr. Each `hooks/<name>.rs` is `main` calling [`main`] with its name.
//!
//! A post-* hook never fails: git cannot undo a checkout, and post-checkout's exit code becomes
//! the exit code of `git checkout`. Every problem is one line on stderr, and the code is 0.

use std::io::Read;

use dockwright::engine::connect::process_env;
use dockwright::hooks::freshness::{self, changes, Event, Notice};
use dockwright::hooks::{manager, Hook};
use dockwright::sandbox::pre_push::{self, Tested};
use dockwright::sandbox::short;

#[path = "../src/cli/term.rs"]
mod term;

use term::{paint, Style};

/// The whole of a hook binary: runs hook `name` with this process's arguments and stdin, and
/// returns the exit code. The post-* hooks always return 0.
pub fn main(name: &str) -> i32 {
    // Git never passes `--version` to a hook: `dockwright doctor` asks it which version it is.
    if std::env::args().nth(1).as_deref() == Some("--version") && std::env::args().len() == 2 {
        println!("dockwright-hook-{name} {}", dockwright::project::VERSION);
        return 0;
    }
    // The shim already skipped; this covers a hook binary run by hand or by another manager.
    if dockwright::env::skip() {
        return 0;
    }
    let Some(hook) = Hook::from_name(name) else {
        eprintln!("dockwright: `{name}` is not a hook dockwright knows; skipped");
        return 0;
    };
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // Run by pre-commit or prek: no arguments from git, and its stdin already consumed; the
    // same facts come as `PRE_COMMIT_*` variables.
    let mut stdin = None;
    if args.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        if let Some((a, input)) = manager::pre_commit_args(hook, &process_env, &cwd) {
            args = a;
            stdin = Some(input);
        }
    }
    match hook {
        Hook::PrePush => pre_push(&args, stdin),
        _ => {
            // A panic would exit 101, and post-checkout's code becomes `git checkout`'s: say one
            // line instead and let git go on.
            let name = hook.name();
            std::panic::set_hook(Box::new(move |info| {
                let text = info.to_string().replace('\n', " ");
                eprintln!("dockwright: the {name} hook failed ({text}); please report it");
            }));
            let from_git = stdin.is_none();
            let _ = std::panic::catch_unwind(|| post(hook, &args, from_git));
            0
        }
    }
}

/// post-checkout, post-merge, post-rewrite: what changed, said on stderr; nothing when fresh.
fn post(hook: Hook, args: &[String], from_git: bool) {
    if hook == Hook::PostRewrite && from_git {
        // The `old new` lines are not needed (HEAD is what matters), but git writes them, and a
        // hook that exits without reading could leave git a broken pipe.
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
    }
    let Some(event) = Event::parse(hook, args) else {
        return;
    };
    let Ok(cwd) = std::env::current_dir() else {
        return;
    };
    let colour = term::stderr_colour();
    for notice in freshness::check(&cwd, &event, &process_env) {
        eprintln!("dockwright: {}", describe(&notice, colour));
    }
}

/// One notice, as a line (without the `dockwright: ` prefix).
fn describe(notice: &Notice, colour: bool) -> String {
    let bold = |text: &str| paint(colour, Style::Bold, text);
    let command = |services: &[String]| bold(&format!("dockwright build {}", services.join(" ")));
    match notice {
        Notice::NotChecked { what, reason } => format!("{what} not checked: {reason}"),
        Notice::Missing { service } => format!("`{}` has no runtime image yet", bold(service)),
        Notice::Stale { service, changed } if changed.is_empty() => format!(
            "the runtime image of `{}` is stale: its build settings changed",
            bold(service)
        ),
        Notice::Stale { service, changed } => format!(
            "the runtime image of `{}` is stale: {}",
            bold(service),
            paint(colour, Style::Yellow, &changes(changed))
        ),
        Notice::RunBuild { services } => format!("run `{}`", command(services)),
        Notice::UpWatching => {
            "`dockwright up` is watching: it rebuilds in the background and swaps the container"
                .to_string()
        }
        Notice::BuildStarted { log } => format!("building in the background; log: {log}"),
        Notice::BuildQueued { log } => {
            format!("a background build is running and will build again; log: {log}")
        }
        Notice::BuildNotStarted { reason, services } => {
            format!("{reason}; run `{}`", command(services))
        }
    }
}

/// pre-push: git's `remote url` arguments and the refs git wrote to stdin go to the core, which
/// tests each pushed commit; any failure stops the push. A hook that was here before dockwright
/// has already run (the shim replays the same stdin to it first, and stops the push when it
/// fails), so this is dockwright's part only.
fn pre_push(args: &[String], stdin: Option<String>) -> i32 {
    let remote = args.first().map(String::as_str).unwrap_or("");
    let mut raw = Vec::new();
    match stdin {
        Some(input) => raw = input.into_bytes(),
        None => {
            if let Err(e) = std::io::stdin().read_to_end(&mut raw) {
                eprintln!("dockwright: cannot read what git sent to the pre-push hook: {e}");
            }
        }
    }
    let refs = match pre_push::parse(&String::from_utf8_lossy(&raw)) {
        Ok(refs) => refs,
        Err(message) => {
            eprintln!("dockwright: {message}");
            return 1;
        }
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    // Git's connection stays open: the test output goes to stderr, where git shows it.
    let mut output = term::RunOutput::new(false, true);
    let cancel = term::interrupted();
    tokio::pin!(cancel);
    match pre_push::test_push(&cwd, remote, &refs, &process_env, &mut output, cancel) {
        Ok(tested) => stop_on_failure(&tested),
        Err(e) => {
            eprintln!(
                "dockwright: the tests could not run, so the push is stopped.\n{}",
                e.render()
            );
            eprintln!("help: to push anyway, `git push --no-verify` or DOCKWRIGHT_SKIP=1");
            e.exit().code().max(1)
        }
    }
}

/// 0 when every test passed; otherwise what failed and how to reproduce it, and 1.
fn stop_on_failure(tested: &[Tested]) -> i32 {
    let failed: Vec<(&Tested, _)> = tested
        .iter()
        .flat_map(|t| t.failed().map(move |r| (t, r)))
        .collect();
    if failed.is_empty() {
        return 0;
    }
    eprintln!("dockwright: the push is stopped: tests failed");
    for (t, result) in failed {
        eprintln!(
            "  {} at {} {:?}: service `{}` exited with {}; reproduce with `dockwright test {} --service {}`",
            t.refs.join(", "),
            short(&t.commit),
            t.subject,
            result.service,
            result.exit_code,
            short(&t.commit),
            result.service
        );
    }
    dockwright::exit::Exit::Failure.code()
}
