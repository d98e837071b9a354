//! `check`: runtime-container mistakes in the project, each with its file, line and fix.
//! Needs no engine.

use std::path::Path;

use crate::check::Finding;
use crate::error::Result;
use crate::repo::Repo;

/// The findings for the project at `dir`: its repository's root, which holds dockwright.toml,
/// or, outside a repository, `dir` itself (a project not under git yet can be checked too).
pub fn check(dir: &Path) -> Result<Vec<Finding>> {
    let root = Repo::discover(dir).map_or_else(|_| dir.to_path_buf(), |r| r.root().to_path_buf());
    crate::check::check(&root)
}
