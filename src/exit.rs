//! Exit codes: a small, documented set. A test command's own code passes through unchanged.

/// How a dockwright process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: an error (bad input, a missing file, a git failure); the message says which.
    Failure,
    /// 2: the command line was wrong.
    Usage,
    /// 3: the Docker engine could not be reached in time.
    EngineUnavailable,
    /// 4: `status --check` found a stale or never-built runtime image; `check` found mistakes.
    Findings,
    /// 5: an image build failed.
    BuildFailed,
    /// 124: a test run hit its `--timeout`.
    Timeout,
    /// 130: interrupted by Ctrl-C or SIGTERM (everything was cleaned up first).
    Interrupted,
    /// A child's own exit code, passed through (`dockwright test`, external subcommands).
    Child(i32),
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::EngineUnavailable => 3,
            Exit::Findings => 4,
            Exit::BuildFailed => 5,
            Exit::Timeout => 124,
            Exit::Interrupted => 130,
            Exit::Child(code) => code,
        }
    }
}
