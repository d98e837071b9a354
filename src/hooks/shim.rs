//! The shim: the small POSIX `sh` script that `dockwright hooks install` puts in the hooks
//! directory, one per hook.
//!
//! Its second line is a marker (`# dockwright-hook v1 dockwright <version>`) by which dockwright
//! recognises its own files. It carries the absolute path of the hook binary found at install
//! time (GUI git clients run hooks with a poor PATH), falls back to PATH when that file is gone,
//! and obeys `DOCKWRIGHT_HOOK_BIN` (a binary, or the directory holding the `dockwright-hook-*`
//! binaries). `DOCKWRIGHT_SKIP=1` is tested in the shim itself, so a skipped hook starts no binary.
//! A missing binary costs one line on stderr and exit 0: dockwright vanishing never blocks git,
//! not even a push.
//!
//! A hook that was there before is kept as `<hook>.dockwright-chained` ([`CHAINED_SUFFIX`]) and
//! runs first, with the same arguments and, for post-rewrite and pre-push, the same stdin
//! (buffered in a shell variable, so no temporary file can be left behind). Its exit code is the
//! shim's exit code; for pre-push a non-zero code stops there and the push with it.
//! `DOCKWRIGHT_SKIP` does not skip it: it is not dockwright's to skip.
//!
//! Hook managers find their work from `$0` (husky reads `basename "$0"` and
//! `dirname "$0"`, pre-commit `dirname "$0"`), and the kept file's own name would mislead them.
//! So a kept hook written for `sh`, `dash` or `bash` is sourced by a fresh shell of its own
//! interpreter that is given the shim's path as `$0` (`sh -c '. "$0.dockwright-chained"' "$0" …`);
//! anything else (a binary, a Python script) is run as its own program.
//!
//! Form 2 always starts the binary: form 1 ended post-checkout and post-merge in the shim when
//! no input had changed since the last all-fresh check, and so said nothing after the image
//! was removed (`docker image prune -a`). `hooks install` upgrades a form-1 shim.

use std::path::Path;

use super::Hook;

/// The start of the marker line, the second line of every shim.
pub const MARKER: &str = "# dockwright-hook v";
/// The version of the shim's form; a shim of an older form is upgraded by `hooks install`.
pub const SHIM_VERSION: u32 = 2;
/// Appended to a hook's file name to keep the hook that was there before dockwright.
pub const CHAINED_SUFFIX: &str = ".dockwright-chained";

/// How the shim runs a kept hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chained {
    /// As its own program, `"$0.dockwright-chained" "$@"`.
    Exec,
    /// Sourced by a new shell started as the hook's `#!` line says (its words, such as
    /// `["/usr/bin/env", "bash"]` or `["/bin/sh", "-e"]`), with `$0` the shim's own path.
    Source(Vec<String>),
}

/// Shells whose `-c` sets `$0` from the next argument and whose `.` leaves `$0` alone (zsh
/// sets `$0` to the sourced file, so it is not among them).
const SOURCING_SHELLS: &[&str] = &["sh", "dash", "bash"];

impl Chained {
    /// How to run a hook whose content is `content`, decided from its `#!` line.
    pub fn of(content: &[u8]) -> Chained {
        let first = content.split(|b| *b == b'\n').next().unwrap_or_default();
        let Some(line) = first.strip_prefix(b"#!") else {
            return Chained::Exec;
        };
        let Ok(line) = std::str::from_utf8(line) else {
            return Chained::Exec;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
        let shell = |w: &str| SOURCING_SHELLS.contains(&base(w).as_str());
        let own = |w: &[&str]| Chained::Source(w.iter().map(|s| s.to_string()).collect());
        match words.as_slice() {
            [interp] if shell(interp) => own(&words),
            // Linux passes everything after the interpreter as one argument: one word of flags.
            [interp, flags] if shell(interp) && flags.starts_with('-') => own(&words),
            [env, interp] if base(env) == "env" && shell(interp) => own(&words),
            _ => Chained::Exec,
        }
    }
}

/// What the marker of an installed shim says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The shim's form ([`SHIM_VERSION`] when current).
    pub shim_version: u32,
    /// The dockwright version that wrote it.
    pub dockwright: Option<String>,
    /// The hook binary it runs (as found at install time).
    pub binary: Option<String>,
}

/// The marker of a shim, or None when `content` is not a dockwright shim.
pub fn parse(content: &[u8]) -> Option<Marker> {
    let head = &content[..content.len().min(16 * 1024)];
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    if !lines.next()?.starts_with("#!") {
        return None;
    }
    let mut words = lines.next()?.strip_prefix(MARKER)?.split_whitespace();
    let shim_version = words.next()?.parse().ok()?;
    let dockwright = match words.next() {
        Some("dockwright") => words.next().map(str::to_string),
        _ => None,
    };
    let binary = text
        .lines()
        .find_map(|l| l.strip_prefix("installed="))
        .and_then(unquote);
    Some(Marker {
        shim_version,
        dockwright,
        binary,
    })
}

/// The shim for `hook`, running `binary`, and first the kept hook when `chained` says how.
pub fn render(hook: Hook, binary: &Path, chained: Option<&Chained>) -> String {
    render_version(hook, binary, chained, crate::project::VERSION)
}

fn render_version(hook: Hook, binary: &Path, chained: Option<&Chained>, version: &str) -> String {
    let name = hook.name();
    let bin_name = hook.binary_name();
    let mut s = String::new();
    let mut line = |text: &str| {
        s.push_str(text);
        s.push('\n');
    };
    line("#!/bin/sh");
    line(&format!("{MARKER}{SHIM_VERSION} dockwright {version}"));
    line("# Written by `dockwright hooks install`; `dockwright hooks uninstall` removes it.");
    line("# DOCKWRIGHT_SKIP=1 skips dockwright. DOCKWRIGHT_HOOK_BIN names the hook binary to run");
    line("# instead, or the directory that holds it.");
    let status = if let Some(chained) = chained {
        line(&format!(
            "# The hook that was here before is kept as {name}{CHAINED_SUFFIX} and runs first,"
        ));
        if hook.reads_stdin() {
            line("# with the same arguments and input; its exit code is this hook's.");
            // `echo .` keeps trailing newlines that command substitution would strip.
            line("input=$(cat; echo .)");
            line("input=${input%.}");
        } else {
            line("# with the same arguments; its exit code is this hook's.");
        }
        line("status=0");
        line(&format!("if [ -x \"$0{CHAINED_SUFFIX}\" ]; then"));
        let run = match chained {
            Chained::Exec => format!("\"$0{CHAINED_SUFFIX}\" \"$@\""),
            // Sourced with the shim's path as `$0`, because hook managers find their work from it.
            Chained::Source(words) => {
                let interp: Vec<String> = words.iter().map(|w| quote(w)).collect();
                format!(
                    "{} -c '. \"$0{CHAINED_SUFFIX}\"' \"$0\" \"$@\"",
                    interp.join(" ")
                )
            }
        };
        if hook.reads_stdin() {
            line(&format!("  printf '%s' \"$input\" | {run}"));
        } else {
            line(&format!("  {run}"));
        }
        line("  status=$?");
        line("fi");
        if hook.can_block() {
            line("[ \"$status\" -eq 0 ] || exit \"$status\"");
            "0"
        } else {
            "\"$status\""
        }
    } else {
        "0"
    };
    line(&format!(
        "case \"$DOCKWRIGHT_SKIP\" in ''|0) ;; *) exit {status} ;; esac"
    ));
    line(&format!("installed={}", quote(&binary.to_string_lossy())));
    line("bin=$installed");
    line("if [ -n \"$DOCKWRIGHT_HOOK_BIN\" ]; then");
    line("  bin=$DOCKWRIGHT_HOOK_BIN");
    line(&format!(
        "  if [ -d \"$bin\" ]; then bin=$bin/{bin_name}; fi"
    ));
    line("elif [ ! -x \"$bin\" ]; then");
    line(&format!("  bin=$(command -v {bin_name}) || bin="));
    line("fi");
    line("if [ ! -x \"$bin\" ]; then");
    line(&format!(
        "  echo \"dockwright: {name} hook skipped: \\`${{bin:-$installed}}\\` is missing and \\`{bin_name}\\` is not on PATH (help: run \\`dockwright hooks install\\` again)\" >&2"
    ));
    line(&format!("  exit {status}"));
    line("fi");
    match (chained.is_some(), hook.reads_stdin(), hook.can_block()) {
        (false, _, _) => line("exec \"$bin\" \"$@\""),
        // pre-push: dockwright's code is the hook's code.
        (true, true, true) => line("printf '%s' \"$input\" | \"$bin\" \"$@\""),
        (true, true, false) => {
            line("printf '%s' \"$input\" | \"$bin\" \"$@\"");
            line("exit \"$status\"");
        }
        (true, false, _) => {
            line("\"$bin\" \"$@\"");
            line("exit \"$status\"");
        }
    }
    s
}

/// `text` as one `sh` word in single quotes.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The text of a word that [`quote`] wrote.
fn unquote(word: &str) -> Option<String> {
    let inner = word.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace(r"'\''", "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Refreshes the golden files instead of comparing with them:
    /// `DOCKWRIGHT_BLESS=1 cargo test --lib hooks::shim`.
    const BLESS: &str = "DOCKWRIGHT_BLESS";

    fn golden(name: &str, actual: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/hooks/golden")
            .join(name);
        if std::env::var_os(BLESS).is_some() {
            std::fs::write(&path, actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == actual,
            "{} differs from the shim rendered now; if the change is meant, refresh with \
             `{BLESS}=1 cargo test --lib hooks::shim`\n--- rendered:\n{actual}",
            path.display()
        );
    }

    fn bin(hook: Hook) -> std::path::PathBuf {
        Path::new("/opt/dock'wright/bin").join(hook.binary_name())
    }

    #[test]
    fn golden_post_checkout_alone() {
        let hook = Hook::PostCheckout;
        golden(
            "post-checkout.sh",
            &render_version(hook, &bin(hook), None, "0.0.0"),
        );
    }

    #[test]
    fn golden_post_rewrite_chained_sourced() {
        let hook = Hook::PostRewrite;
        let chained = Chained::of(b"#!/usr/bin/env bash\necho hi\n");
        golden(
            "post-rewrite-chained.sh",
            &render_version(hook, &bin(hook), Some(&chained), "0.0.0"),
        );
    }

    #[test]
    fn golden_pre_push_chained_binary() {
        let hook = Hook::PrePush;
        let chained = Chained::of(b"\x7fELF\x02\x01\x01");
        golden(
            "pre-push-chained.sh",
            &render_version(hook, &bin(hook), Some(&chained), "0.0.0"),
        );
    }

    #[test]
    fn golden_post_merge_chained_sh_with_flags() {
        let hook = Hook::PostMerge;
        let chained = Chained::of(b"#!/bin/sh -e\n. \"$(dirname \"$0\")/husky.sh\"\n");
        golden(
            "post-merge-chained.sh",
            &render_version(hook, &bin(hook), Some(&chained), "0.0.0"),
        );
    }

    #[test]
    fn shebangs_decide_how_a_kept_hook_runs() {
        let src = |w: &[&str]| Chained::Source(w.iter().map(|s| s.to_string()).collect());
        assert_eq!(Chained::of(b"#!/bin/sh\n"), src(&["/bin/sh"]));
        assert_eq!(Chained::of(b"#! /bin/bash -e\n"), src(&["/bin/bash", "-e"]));
        assert_eq!(
            Chained::of(b"#!/usr/bin/env sh\n"),
            src(&["/usr/bin/env", "sh"])
        );
        assert_eq!(Chained::of(b"#!/usr/bin/env python3\n"), Chained::Exec);
        assert_eq!(Chained::of(b"#!/bin/zsh\n"), Chained::Exec);
        assert_eq!(Chained::of(b"#!/bin/bash -e -x\n"), Chained::Exec);
        assert_eq!(Chained::of(b"\x7fELF"), Chained::Exec);
        assert_eq!(Chained::of(b""), Chained::Exec);
    }

    #[test]
    fn marker_round_trips_and_foreign_files_have_none() {
        let path = bin(Hook::PrePush);
        let text = render(Hook::PrePush, &path, None);
        let marker = parse(text.as_bytes()).unwrap();
        assert_eq!(marker.shim_version, SHIM_VERSION);
        assert_eq!(marker.dockwright.as_deref(), Some(crate::project::VERSION));
        assert_eq!(marker.binary.as_deref(), Some(path.to_str().unwrap()));
        assert_eq!(parse(b"#!/bin/sh\n# husky\n"), None);
        assert_eq!(parse(b"#!/bin/sh\necho '# dockwright-hook v1'\n"), None);
        assert_eq!(parse(b"\x7fELF\n# dockwright-hook v1\n"), None);
    }
}
