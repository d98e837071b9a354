//! `init` in a subfolder of a repository: the service is registered in the repository root's
//! `dockwright.toml` (every command reads that one, from anywhere in the repository), created
//! when missing, else amended by appending the service's table, never changing a byte of what
//! is there.

use std::path::Path;

use super::{diff, Action, FileReport};
use crate::error::{Error, Result};

/// Where the service's table starts in the rendered `dockwright.toml`.
const SERVICES: &str = "[services.";

/// Registers `service` in `root/dockwright.toml` from the rendered file `content` (which names
/// the service's `context`). `shown` is the root file's path as the report says it.
pub(super) fn register(
    root: &Path,
    shown: &str,
    service: &str,
    content: &str,
    dry_run: bool,
) -> Result<FileReport> {
    let path = root.join(crate::config::FILE_NAME);
    let report = |action, diff: Option<String>| FileReport {
        path: shown.to_string(),
        action,
        backup: None,
        diff,
    };
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return super::write::place(root, crate::config::FILE_NAME, content, dry_run, false)
                .map(|r| FileReport {
                    path: shown.to_string(),
                    ..r
                });
        }
        Err(e) => return Err(Error::io("read", path, e)),
    };
    // The existing file must be read as dockwright reads it: amending a file that does not
    // parse would bury the error under more text.
    let config = crate::config::Config::parse(&existing, &path).map_err(Error::from)?;
    if config.services.iter().any(|s| s.name == service) {
        let diff = None;
        return Ok(report(
            if dry_run {
                Action::WouldSkip
            } else {
                Action::Skipped
            },
            diff,
        ));
    }
    let table = content
        .find(SERVICES)
        .map(|at| &content[at..])
        .ok_or_else(|| {
            Error::msg(
                format!("the `dockwright.toml` template has no `{SERVICES}…]` table"),
                "a user template in DOCKWRIGHT_TEMPLATES must keep the service's table",
            )
        })?;
    let separator = if existing.is_empty() || existing.ends_with("\n\n") {
        ""
    } else if existing.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let amended = format!("{existing}{separator}{table}");
    // What is appended must leave a file dockwright reads, with the new service in it.
    crate::config::Config::parse(&amended, &path).map_err(Error::from)?;
    let diff = Some(diff::unified(shown, &existing, &amended));
    if dry_run {
        return Ok(report(Action::WouldAmend, diff));
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|e| Error::io("open", &path, e))?;
    std::io::Write::write_all(&mut file, format!("{separator}{table}").as_bytes())
        .map_err(|e| Error::io("write", &path, e))?;
    Ok(report(Action::Amended, diff))
}
