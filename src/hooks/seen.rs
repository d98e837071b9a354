//! Fingerprints the engine recently confirmed to have an image, so that the common checkout
//! (only source files changed, every image fresh) costs no engine call at all.
//!
//! An inspect call costs 1–3 ms, more than the rest of the hook's work together, and most
//! checkouts change no input. A confirmation is trusted for [`TTL`], per engine address. The
//! price: an image removed within that time (`docker image prune -a`) is not reported by the
//! hooks until the entry expires. That failure is loud, not silent (the content-addressed tag no
//! longer exists, so nothing runs a stale image), and `dockwright status` never uses this file.
//! The file lives in the common git dir (images are shared by all worktrees):
//! `<common-dir>/dockwright/fresh`, one `<seconds> <fingerprint> <engine address>` line each.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a confirmation is trusted.
pub const TTL: Duration = Duration::from_secs(3600);
/// The file's name, in the `dockwright` folder of the common git dir.
pub const FILE: &str = "fresh";
/// Entries kept at most; the oldest go first.
const MAX_ENTRIES: usize = 64;

/// The confirmations for one engine address.
pub struct Seen {
    path: PathBuf,
    host: String,
    now: u64,
    entries: Vec<(u64, String, String)>,
}

impl Seen {
    /// Reads the confirmations under `common_dir` (none when the file is missing or unreadable).
    pub fn load(common_dir: &Path, host: &str) -> Seen {
        let path = common_dir.join(super::background::DIR).join(FILE);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let entries = text
            .lines()
            .filter_map(|line| {
                let mut words = line.splitn(3, ' ');
                let time = words.next()?.parse::<u64>().ok()?;
                Some((time, words.next()?.to_string(), words.next()?.to_string()))
            })
            // A time in the future is a clock that moved back: not to be trusted.
            .filter(|(time, _, _)| *time <= now && now - time < TTL.as_secs())
            .collect();
        Seen {
            path,
            host: host.to_string(),
            now,
            entries,
        }
    }

    /// Whether the engine confirmed an image with `fingerprint` within [`TTL`].
    pub fn fresh(&self, fingerprint: &str) -> bool {
        self.entries
            .iter()
            .any(|(_, f, h)| f == fingerprint && *h == self.host)
    }

    /// Records confirmations; best effort (a hook never fails because of this file).
    pub fn record<'a>(&mut self, fingerprints: impl IntoIterator<Item = &'a str>) {
        let mut changed = false;
        for fingerprint in fingerprints {
            self.entries
                .retain(|(_, f, h)| !(f == fingerprint && *h == self.host));
            self.entries
                .push((self.now, fingerprint.to_string(), self.host.clone()));
            changed = true;
        }
        if !changed {
            return;
        }
        let skip = self.entries.len().saturating_sub(MAX_ENTRIES);
        let text: String = self
            .entries
            .iter()
            .skip(skip)
            .map(|(t, f, h)| format!("{t} {f} {h}\n"))
            .collect();
        let Some(dir) = self.path.parent() else {
            return;
        };
        let temp = dir.join(format!("{FILE}.{}", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(&temp, text))
            .and_then(|_| std::fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_are_per_engine_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Seen::load(dir.path(), "unix:///a.sock");
        assert!(!seen.fresh("f1"));
        seen.record(["f1"]);
        assert!(Seen::load(dir.path(), "unix:///a.sock").fresh("f1"));
        assert!(!Seen::load(dir.path(), "tcp://other:2375").fresh("f1"));
        let old = format!("{} f2 unix:///a.sock\n", seen.now - TTL.as_secs() - 1);
        let future = format!("{} f3 unix:///a.sock\n", seen.now + 100);
        std::fs::write(dir.path().join("dockwright/fresh"), old + &future).unwrap();
        let seen = Seen::load(dir.path(), "unix:///a.sock");
        assert!(!seen.fresh("f2") && !seen.fresh("f3"));
    }
}
