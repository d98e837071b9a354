//! `init`: scaffold the runtime-container setup for a project's stack, never overwriting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::EnvLookup;
use crate::error::Result;
use crate::scaffold::{self, Options, Report};

/// What `init` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The project directory, relative to the caller's directory (that directory when None).
    pub dir: Option<PathBuf>,
    /// The stack or language, when detection is wrong or the project is new.
    pub stack: Option<String>,
    /// Template variables over the detected ones.
    pub vars: BTreeMap<String, String>,
    /// Write nothing; report what would be written, with diffs.
    pub dry_run: bool,
    /// Replace files that differ, keeping backups.
    pub force: bool,
    /// Also write `.devcontainer/` (Dev Containers on the compose service and runtime image).
    pub devcontainer: bool,
}

/// Scaffolds the project `request` names, from `cwd`. User templates come from
/// `DOCKWRIGHT_TEMPLATES`, read through `env` (the caller's environment).
pub fn init(cwd: &Path, request: Request, env: EnvLookup<'_>) -> Result<Report> {
    let dir = request
        .dir
        .as_ref()
        .map_or_else(|| cwd.to_path_buf(), |d| cwd.join(d));
    let options = Options {
        stack: request.stack,
        vars: request.vars,
        dry_run: request.dry_run,
        force: request.force,
        devcontainer: request.devcontainer,
        templates: env(crate::env::TEMPLATES)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    };
    scaffold::init(&dir, &options)
}
