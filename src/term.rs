//! Output for people on a terminal (colour, a spinner) and for programs otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::build::Progress;

/// Whether colour may be used on a stream that is (or is not) a terminal.
pub fn colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os(crate::env::NO_COLOR).is_none_or(|v| v.is_empty())
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

/// Build progress on stderr: a spinner with the current step on a terminal; plain lines
/// (`service | line`) otherwise. Output of the failing step is kept and printed on failure.
pub struct BuildProgress {
    bar: Option<ProgressBar>,
    step_output: Vec<String>,
    verbose: bool,
}

impl BuildProgress {
    /// Progress for stderr; `verbose` prints every output line even on a terminal.
    pub fn new(verbose: bool) -> BuildProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix}: {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        BuildProgress {
            bar,
            step_output: Vec::new(),
            verbose,
        }
    }
}

impl Progress for BuildProgress {
    fn step(&mut self, service: &str, step: &str) {
        self.step_output.clear();
        match &self.bar {
            Some(bar) => {
                bar.set_prefix(service.to_string());
                bar.set_message(step.to_string());
            }
            None => eprintln!("{service} | {step}"),
        }
    }

    fn output(&mut self, service: &str, line: &str) {
        self.step_output.push(line.to_string());
        match &self.bar {
            Some(bar) if self.verbose => bar.println(format!("{service} | {line}")),
            Some(_) => {}
            None => eprintln!("{service} |   {line}"),
        }
    }

    fn finish(&mut self, service: &str, ok: bool) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            if !ok && !self.verbose {
                for line in &self.step_output {
                    eprintln!("{service} |   {line}");
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
        use std::io::Write;
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
}

impl crate::sandbox::Output for RunOutput {
    fn stdout(&mut self, service: &str, bytes: &[u8]) {
        self.write(service, false, bytes)
    }
    fn stderr(&mut self, service: &str, bytes: &[u8]) {
        self.write(service, true, bytes)
    }
    fn note(&mut self, text: &str) {
        eprintln!("dockwright: {text}");
    }
}

/// The summary line of a test run.
pub fn summary(r: &crate::sandbox::RunResult) -> String {
    let colour = stderr_colour();
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
        crate::sandbox::short(&r.commit),
        r.image,
        r.duration
    )
}

/// Resolves on the first Ctrl-C (SIGINT) or SIGTERM. Installing it makes both signals ours, so
/// the run can remove its container before the process ends.
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}
