//! `test`: the tests of exactly a commit (or the working tree) in a fresh, hardened, throwaway
//! container, per selected service.

use crate::engine::Engine;
use crate::error::Result;
use crate::exit::Exit;
use crate::project::Project;
use crate::sandbox::{self, Cancel, Output, Request, RunResult};

/// Runs the tests `request` asks for; output streams to `out` as it comes, and `out` hears of
/// each service's result as it ends. A failing test is a result; `cancel` resolving stops the
/// run and removes its container.
pub fn test(
    project: &Project,
    request: &Request,
    engine: &Engine,
    out: &mut dyn Output,
    cancel: Cancel<'_>,
) -> Result<Vec<RunResult>> {
    super::block_on(sandbox::run(project, engine, request, out, cancel))
}

/// How the process ends after these results: success, or the first failing test's own code
/// (at least 1).
pub fn exit(results: &[RunResult]) -> Exit {
    match results.iter().find(|r| !r.passed) {
        None => Exit::Success,
        Some(failed) => Exit::Child(i32::try_from(failed.exit_code).unwrap_or(1).max(1)),
    }
}
