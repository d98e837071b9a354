//! `gc`: remove what interrupted test runs left behind.

use std::path::Path;

use crate::engine::Engine;
use crate::error::Result;
use crate::project::Project;
use crate::sandbox::gc::{self, Collected};

/// What to collect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also containers kept with `--keep` and runs that look alive.
    pub all: bool,
    /// Every project's leftovers, not only those of the repository containing the directory.
    pub everywhere: bool,
}

/// Collects the leftovers of the project of the repository containing `dir` (of every project
/// with `everywhere`, which needs no repository).
pub fn gc(dir: &Path, options: Options, engine: &Engine) -> Result<Vec<Collected>> {
    let project = if options.everywhere {
        None
    } else {
        Some(Project::discover(dir)?.name)
    };
    super::block_on(gc::collect(engine, project.as_deref(), options.all))
}

/// How many containers, and how many volumes, were removed.
pub fn removed(collected: &[Collected]) -> (usize, usize) {
    let count = |kind: &str| {
        collected
            .iter()
            .filter(|c| c.kind == kind && c.action == "removed")
            .count()
    };
    (count("container"), count("volume"))
}
