//! The shim's fast path: a list of what the last all-fresh check read, so that a checkout that
//! changes none of it ends in the shim, without starting the hook binary.
//!
//! Starting any binary after `sh` costs about as much as the whole hand-written shell check
//! (`[ requirements.txt -nt .docker-built ]`), and most checkouts change only source files. Git
//! rewrites exactly the files that differ between the two commits, so if no file listed here is
//! newer than this list, and none that was absent appeared, the new HEAD has the same inputs
//! as the checked one, and so the same fingerprints, which had images.
//!
//! `<git-dir>/dockwright/quiet` holds one `<kind> <value>` line each, then `end`:
//! `f <path>` a file that must exist and be no newer than the list, `a <path>` a path that must
//! not exist, `h <DOCKER_HOST>` and `c <DOCKER_CONTEXT>` the engine as the environment named it.
//! Paths are relative to the working tree root, where git runs hooks. The list's own time is
//! set 2 s in the past, so that a shell that compares whole seconds still sees a later write as
//! newer (an edit just before the check then costs one slow run, never a missed change).
//!
//! It is written only for the main worktree (whose `.git` is a directory, so the shim finds it
//! without asking git), and only when every source is a plain file: a glob or a directory
//! source could gain a file without any listed file changing. Like [`super::seen`], it does not
//! notice an image removed since; `dockwright status` does.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::dockerfile::SourceKind;
use crate::project::{Analysis, Project};
use crate::tree::{Entry, Tree};

/// The file's name, in the `dockwright` folder of the main worktree's git dir.
pub const FILE: &str = "quiet";
/// Longer lists are not written: checking them in `sh` would cost what the binary costs.
const MAX_LINES: usize = 64;

/// Records what a check that found every image fresh read: `config` and `analyses` (none when
/// the commit does not use dockwright).
pub fn record(project: &Project, config: &Config, analyses: &[Analysis], tree: &Tree<'_>) {
    let root = project.repo.root();
    let git_dir = root.join(".git");
    if !git_dir.is_dir()
        || project.repo.git_dir().canonicalize().ok() != git_dir.canonicalize().ok()
    {
        return;
    }
    let path = git_dir.join(super::background::DIR).join(FILE);
    match lines(root, config, analyses, tree) {
        Some(lines) if lines.len() <= MAX_LINES => write(&path, &lines),
        _ => forget(project),
    }
}

/// Removes the list: the last check found something to say, so the shim must not stay quiet.
pub fn forget(project: &Project) {
    let _ = std::fs::remove_file(
        project
            .repo
            .git_dir()
            .join(super::background::DIR)
            .join(FILE),
    );
}

fn lines(
    root: &Path,
    config: &Config,
    analyses: &[Analysis],
    tree: &Tree<'_>,
) -> Option<Vec<String>> {
    let mut lines = vec![
        format!(
            "h {}",
            std::env::var(crate::env::DOCKER_HOST).unwrap_or_default()
        ),
        format!(
            "c {}",
            std::env::var(crate::env::DOCKER_CONTEXT).unwrap_or_default()
        ),
    ];
    let mut paths = vec![crate::config::FILE_NAME.to_string()];
    for service in &config.services {
        paths.push(service.dockerfile.clone());
        paths.push(format!("{}.dockerignore", service.dockerfile));
        paths.push(crate::inputs::join(&service.context, ".dockerignore"));
    }
    for analysis in analyses {
        let service = &analysis.service;
        let sources = analysis
            .inputs
            .dockerfile
            .context_sources(service.target.as_deref(), &service.build_args)
            .ok()?;
        for source in &sources {
            if source.kind == SourceKind::Url {
                continue;
            }
            let full = crate::inputs::join(&service.context, &source.path);
            if crate::dockerignore::has_glob(&source.path) || !is_file(tree, &full) {
                return None;
            }
        }
        for input in &analysis.inputs.inputs {
            if input.kind != crate::inputs::InputKind::Url {
                paths.push(analysis.display_path(&input.path));
            }
        }
    }
    paths.sort();
    paths.dedup();
    for path in paths {
        // `read` in the shim splits on blanks and lines: such names take the slow path.
        if path.is_empty() || path.contains(['\n', '\r', '\\']) || path.trim() != path {
            return None;
        }
        let disk = root.join(&path);
        match std::fs::symlink_metadata(&disk) {
            Ok(meta) if meta.is_file() => lines.push(format!("f {path}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => lines.push(format!("a {path}")),
            // A symlink, a directory: not what this simple list can vouch for.
            _ => return None,
        }
    }
    lines.push("end".into());
    Some(lines)
}

/// Whether `path` is a regular file (a source that names exactly one file).
fn is_file(tree: &Tree<'_>, path: &str) -> bool {
    matches!(tree.entry(path), Ok(Some(Entry::File { .. })))
}

fn write(path: &Path, lines: &[String]) {
    let Some(dir) = path.parent() else { return };
    let temp = dir.join(format!("{FILE}.{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(&temp, lines.join("\n") + "\n")?;
        let file = std::fs::File::options().write(true).open(&temp)?;
        file.set_modified(SystemTime::now() - Duration::from_secs(2))?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
        let _ = std::fs::remove_file(path);
    }
}
