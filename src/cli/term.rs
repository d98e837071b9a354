//! Output for people on a terminal (colour, a spinner) and for programs otherwise: how every
//! face (the CLI, the hook binaries, the Nushell plugin) renders the core's events.
//!
//! It is a face's module, never the core's: the CLI declares it, and the hook binaries and the
//! plugin include this same file (`#[path]`), so the three render alike while the core library
//! cannot reach it.

// Each face uses a part: the hooks never draw a table, the plugin never colours stdout.
#![allow(dead_code)]

use std::io::{IsTerminal, Write};

use dockwright::build::Progress;
use dockwright::sandbox::{short, RunResult};
use indicatif::{ProgressBar, ProgressStyle};

use dockwright::engine::build::BuildEvent;

/// Whether colour may be used on a stream that is (or is not) a terminal.
pub fn colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os(dockwright::env::NO_COLOR).is_none_or(|v| v.is_empty())
}

/// Whether stderr gets colour.
pub fn stderr_colour() -> bool {
    colour(std::io::stderr().is_terminal())
}

/// Whether stdout gets colour.
pub fn stdout_colour() -> bool {
    colour(std::io::stdout().is_terminal())
}

/// Paints `text` with an ANSI style when `on`.
pub fn paint(on: bool, style: Style, text: &str) -> String {
    if !on {
        return text.to_string();
    }
    let code = match style {
        Style::Green => "32",
        Style::Yellow => "33",
        Style::Red => "31",
        Style::Bold => "1",
        Style::Dim => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The few styles dockwright uses.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// Good news.
    Green,
    /// Something to act on.
    Yellow,
    /// Failure.
    Red,
    /// Emphasis.
    Bold,
    /// Less important.
    Dim,
}

/// Build progress on stderr. On a terminal with colour: a spinner line per running step and,
/// as each ends, one line with its time or `CACHED` (as `docker buildx` shows them); the
/// failing step's output when it fails. Otherwise plain lines without escapes
/// (`service | #3 [2/5] RUN …`, its output indented, `service | #3 DONE 1.2s`).
pub struct BuildProgress {
    bars: Option<indicatif::MultiProgress>,
    running: std::collections::HashMap<String, ProgressBar>,
    /// Step numbers by step id, in the order the steps started (`#1`, `#2`, …).
    numbers: std::collections::HashMap<String, usize>,
    /// Output of each step so far, to show the failing one's.
    outputs: std::collections::HashMap<String, Vec<String>>,
    /// The last step started (the legacy builder says no more).
    last: Option<String>,
    verbose: bool,
}

impl BuildProgress {
    /// Progress for stderr; `verbose` prints every output line even on a terminal.
    pub fn new(verbose: bool) -> BuildProgress {
        BuildProgress {
            bars: stderr_colour().then(indicatif::MultiProgress::new),
            running: Default::default(),
            numbers: Default::default(),
            outputs: Default::default(),
            last: None,
            verbose,
        }
    }

    fn number(&mut self, id: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(id.to_string()).or_insert(next)
    }

    /// A line above the spinners (or on stderr when there are none).
    fn line(&self, text: String) {
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(text);
            }
            None => eprintln!("{}", console::strip_ansi_codes(&text)),
        }
    }

    fn started(&mut self, service: &str, id: &str, name: &str) {
        let number = self.number(id);
        self.last = Some(id.to_string());
        match &self.bars {
            Some(bars) => {
                let bar = bars.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {elapsed:>4}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(format!("{service} #{number}"));
                bar.set_message(name.to_string());
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                self.running.insert(id.to_string(), bar);
            }
            None => eprintln!("{service} | #{number} {}", console::strip_ansi_codes(name)),
        }
    }

    fn done(
        &mut self,
        service: &str,
        id: &str,
        name: &str,
        cached: bool,
        duration: Option<std::time::Duration>,
        error: Option<&str>,
    ) {
        let number = self.number(id);
        let colour = self.bars.is_some();
        if let Some(bar) = self.running.remove(id) {
            bar.finish_and_clear();
            if let Some(bars) = &self.bars {
                bars.remove(&bar);
            }
        }
        let time = duration
            .map(|d| format!("{:.1}s", d.as_secs_f64()))
            .unwrap_or_default();
        match (colour, error) {
            (true, Some(error)) => {
                if !self.verbose {
                    for line in self.outputs.get(id).into_iter().flatten() {
                        self.line(format!("{service} |   {line}"));
                    }
                }
                self.line(format!(
                    "{} {service} #{number} {name} {}",
                    paint(true, Style::Red, "✘"),
                    paint(true, Style::Red, error)
                ));
            }
            (true, None) => {
                let status = if cached {
                    paint(true, Style::Dim, "CACHED")
                } else {
                    paint(true, Style::Dim, &time)
                };
                self.line(format!(
                    "{} {service} #{number} {name} {status}",
                    paint(true, Style::Green, "✔")
                ));
            }
            (false, Some(error)) => self.line(format!("{service} | #{number} ERROR: {error}")),
            (false, None) if cached => self.line(format!("{service} | #{number} CACHED")),
            (false, None) => self.line(format!("{service} | #{number} DONE {time}")),
        }
    }
}

impl Progress for BuildProgress {
    fn step(&mut self, service: &str, step: &str) {
        // The legacy builder announces a step when the previous one ended.
        if let Some(last) = self.last.clone() {
            if let Some(bar) = self.running.remove(&last) {
                bar.finish_and_clear();
            }
        }
        self.started(service, step, step);
    }

    fn output(&mut self, service: &str, line: &str) {
        let id = self.last.clone().unwrap_or_default();
        self.event(
            service,
            &BuildEvent::Output {
                id: id.clone(),
                name: id,
                line: line.to_string(),
            },
        );
    }

    fn event(&mut self, service: &str, event: &BuildEvent) {
        match event {
            BuildEvent::Started { id, name } => self.started(service, id, name),
            BuildEvent::Output { id, line, .. } => {
                self.outputs
                    .entry(id.clone())
                    .or_default()
                    .push(line.to_string());
                if self.bars.is_none() || self.verbose {
                    self.line(format!("{service} |   {line}"));
                }
            }
            BuildEvent::Done {
                id,
                name,
                cached,
                duration,
                error,
            } => self.done(service, id, name, *cached, *duration, error.as_deref()),
        }
    }

    fn notice(&mut self, service: &str, text: &str) {
        self.line(format!("{service} | {text}"));
    }

    fn warning(&mut self, _service: &str, text: &str) {
        self.line(format!("warning: {text}"));
    }

    fn finish(&mut self, service: &str, ok: bool) {
        let running: Vec<ProgressBar> = self.running.drain().map(|(_, bar)| bar).collect();
        for bar in running {
            bar.finish_and_clear();
        }
        // The legacy builder names no failing step: its last one is, and its output is kept.
        let failed_quietly = !ok && self.bars.is_some() && !self.verbose;
        if failed_quietly {
            if let Some(last) = self.last.clone().filter(|l| l.starts_with("Step ")) {
                for line in self.outputs.get(&last).into_iter().flatten() {
                    self.line(format!("{service} |   {line}"));
                }
            }
        }
    }
}

/// Test-run output: the test's stdout and stderr passed through as they come (prefixed by
/// service when several run), dockwright's own lines on stderr.
pub struct RunOutput {
    build: BuildProgress,
    /// Everything to stderr (hooks, the plugin: stdout is not the user's there).
    all_to_stderr: bool,
    partial: std::collections::HashMap<(String, bool), Vec<u8>>,
}

impl RunOutput {
    /// Output for a terminal or a pipe.
    pub fn new(verbose: bool, all_to_stderr: bool) -> RunOutput {
        RunOutput {
            build: BuildProgress::new(verbose),
            all_to_stderr,
            partial: Default::default(),
        }
    }

    fn write(&mut self, label: &str, is_err: bool, bytes: &[u8]) {
        let to_err = is_err || self.all_to_stderr;
        let mut data = Vec::new();
        if label.is_empty() {
            data.extend_from_slice(bytes);
        } else {
            // Prefix whole lines only; keep a partial line until its end arrives.
            let buf = self.partial.entry((label.to_string(), to_err)).or_default();
            buf.extend_from_slice(bytes);
            while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                data.extend_from_slice(format!("{label} | ").as_bytes());
                data.extend_from_slice(&line);
            }
        }
        let _ = if to_err {
            std::io::stderr()
                .write_all(&data)
                .and_then(|_| std::io::stderr().flush())
        } else {
            std::io::stdout()
                .write_all(&data)
                .and_then(|_| std::io::stdout().flush())
        };
    }
}

impl Progress for RunOutput {
    fn step(&mut self, service: &str, step: &str) {
        self.build.step(service, step)
    }
    fn output(&mut self, service: &str, line: &str) {
        self.build.output(service, line)
    }
    fn finish(&mut self, service: &str, ok: bool) {
        self.build.finish(service, ok)
    }
    fn event(&mut self, service: &str, event: &BuildEvent) {
        self.build.event(service, event)
    }
    fn notice(&mut self, service: &str, text: &str) {
        self.build.notice(service, text)
    }
    fn warning(&mut self, service: &str, text: &str) {
        self.build.warning(service, text)
    }
}

impl dockwright::sandbox::Output for RunOutput {
    fn stdout(&mut self, service: &str, bytes: &[u8]) {
        self.write(service, false, bytes)
    }
    fn stderr(&mut self, service: &str, bytes: &[u8]) {
        self.write(service, true, bytes)
    }
    fn note(&mut self, text: &str) {
        say(&format!("dockwright: {text}"));
    }
    fn finished(&mut self, result: &RunResult) {
        say(&format!("dockwright: {}", summary(result)));
        if let Some(id) = &result.container {
            let id = &id[..12.min(id.len())];
            say(&format!(
                "dockwright: kept container {id}: enter it with `docker start -ai {id}` or `docker run --rm -it --volumes-from {id} {} sh`; remove it with `dockwright gc --all`",
                result.image
            ));
        }
    }
}

/// Writes a line to stderr, ignoring failure: after SIGHUP the terminal is gone, and
/// `eprintln!` would panic in the middle of the cleanup.
pub fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}").and_then(|_| err.flush());
}

/// The summary line of a test run.
pub fn summary(r: &RunResult) -> String {
    let colour = stderr_colour();
    if let (true, Some(proven)) = (r.cached, &r.proven) {
        return format!(
            "{} at {} in {}: {}: proven {} at {} (`--rerun` runs it again)",
            r.service,
            short(&r.commit),
            r.image,
            paint(colour, Style::Green, "passed"),
            dockwright::status::age(proven.when, dockwright::proofs::now()),
            short(&proven.commit)
        );
    }
    let verdict = if r.passed {
        paint(colour, Style::Green, "passed")
    } else {
        paint(
            colour,
            Style::Red,
            &format!("failed (exit {})", r.exit_code),
        )
    };
    format!(
        "{} at {} in {}: {verdict} in {:.1}s",
        r.service,
        short(&r.commit),
        r.image,
        r.duration
    )
}

/// Resolves on the first Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed). Installing
/// it makes the three signals ours, so the run can remove its container before the process
/// ends (the default action of each would end it at once and leave the container running).
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(mut int), Ok(mut term), Ok(mut hup)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}
