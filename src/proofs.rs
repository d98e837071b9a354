//! Proven test results: a passing run leaves a proof keyed by everything that decided its
//! outcome, so the same tree, image, command and settings are never run twice.
//!
//! The key is a SHA-256 over a versioned encoding of the runtime image's fingerprint and id,
//! the hash of the exact payload shipped (a commit's filtered tree, or the `--worktree`
//! snapshot), the test command, the effective sandbox settings, the `--target` stage and
//! dockwright's version. A rebuilt image (new id), another network setting, another command or
//! one changed file makes another key.
//!
//! The proofs live in one versioned JSON file, `<common-dir>/dockwright/proofs.json`, shared by
//! the worktrees as the images are. Writers take an advisory `flock` on `proofs.lock` beside it,
//! read the file again, and replace it by a rename, so two runs finishing at once (two worktrees
//! pushing) both land and a reader never sees half a file. Readers take no lock. A file that is
//! corrupt, truncated or not ours is ignored with one warning and replaced by the next pass.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The proofs file, under `<common-dir>/dockwright`.
pub const FILE: &str = "proofs.json";
/// The lock file of writers, beside it.
pub const LOCK: &str = "proofs.lock";
/// What the file says it is.
const FORMAT: &str = "dockwright-proofs";
/// The version of the file's layout; another version is ignored.
const VERSION: u32 = 1;
/// The version of the key's encoding: a change makes every older proof unused.
const KEY_VERSION: &str = "dockwright-proof-key-v1";
/// At most this many proofs are kept, the newest.
pub const KEEP: usize = 2000;

/// One proven result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proof {
    /// The commit tested, or `worktree`.
    pub commit: String,
    /// The service.
    pub service: String,
    /// The runtime image's reference.
    pub image: String,
    /// The runtime image's id (`gc` prunes the proof when it is gone).
    pub image_id: String,
    /// When it passed, seconds since the Unix epoch.
    pub when: i64,
    /// How long the run took, in seconds.
    pub duration: f64,
    /// The payload's hash (part of the key).
    #[serde(default)]
    pub payload: String,
    /// What decided the payload, for a commit (`sandbox::payload::source`): a later run with
    /// the same source knows the payload's hash without walking the files.
    #[serde(default)]
    pub source: Option<String>,
}

/// The payload hash that an earlier proof with this payload `source` recorded.
pub fn payload_of<'p>(proofs: &'p BTreeMap<String, Proof>, source: &str) -> Option<&'p str> {
    proofs
        .values()
        .find(|p| p.source.as_deref() == Some(source) && !p.payload.is_empty())
        .map(|p| p.payload.as_str())
}

/// What decides a run's outcome.
#[derive(Debug, Clone)]
pub struct KeyParts<'a> {
    /// The service.
    pub service: &'a str,
    /// The runtime image's fingerprint.
    pub fingerprint: &'a str,
    /// The id of the image the tests run in.
    pub image_id: &'a str,
    /// The hash of the payload shipped into the container.
    pub payload: &'a str,
    /// The test command's argument vector.
    pub command: &'a [String],
    /// The effective sandbox settings, canonically encoded.
    pub settings: &'a str,
    /// The `--target` stage.
    pub target: Option<&'a str>,
}

impl KeyParts<'_> {
    /// The key: hex SHA-256 of the parts, each length-prefixed.
    pub fn key(&self) -> String {
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(KEY_VERSION.as_bytes());
        field(crate::project::VERSION.as_bytes());
        field(self.service.as_bytes());
        field(self.fingerprint.as_bytes());
        field(self.image_id.as_bytes());
        field(self.payload.as_bytes());
        field(&(self.command.len() as u64).to_le_bytes());
        for arg in self.command {
            field(arg.as_bytes());
        }
        field(self.settings.as_bytes());
        field(self.target.unwrap_or("").as_bytes());
        hex(&hasher.finalize())
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Document {
    format: String,
    version: u32,
    proofs: BTreeMap<String, Proof>,
}

/// The proofs of one repository.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    keep: usize,
}

/// Only the first unreadable file of a process is worth a warning (a push reads it per commit).
static WARNED: AtomicBool = AtomicBool::new(false);

impl Store {
    /// The store under a repository's common git dir.
    pub fn new(common_dir: &Path) -> Store {
        Store {
            dir: common_dir.join(crate::hooks::background::DIR),
            keep: KEEP,
        }
    }

    /// The proofs file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Every proof, and a warning (the first time in this process) when the file is there but
    /// cannot be used. Never fails: proofs are a shortcut, not a requirement.
    pub fn load(&self) -> (BTreeMap<String, Proof>, Option<String>) {
        match self.read() {
            Ok(proofs) => (proofs, None),
            Err(reason) => {
                let warning = (!WARNED.swap(true, Ordering::Relaxed)).then(|| {
                    format!(
                        "ignoring the proofs file `{}`: {reason}; every test runs, and the next pass replaces it",
                        self.path().display()
                    )
                });
                (BTreeMap::new(), warning)
            }
        }
    }

    /// The proofs in the file (none when there is no file), or why the file cannot be used.
    fn read(&self) -> std::result::Result<BTreeMap<String, Proof>, String> {
        let text = match std::fs::read(self.path()) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(format!("it cannot be read ({e})")),
        };
        #[derive(serde::Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header = serde_json::from_slice(&text)
            .map_err(|e| format!("it is not valid JSON ({e}), perhaps truncated"))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err("it is not a dockwright proofs file".into());
        }
        if header.version != Some(VERSION) {
            return Err(format!(
                "it is version {}, this dockwright reads version {VERSION}",
                header
                    .version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "?".into())
            ));
        }
        serde_json::from_slice::<Document>(&text)
            .map(|d| d.proofs)
            .map_err(|e| format!("its entries cannot be read ({e})"))
    }

    /// Records a proof under the writers' lock (waiting for another writer).
    pub fn record(&self, key: &str, proof: Proof) -> Result<()> {
        self.update(|proofs| {
            proofs.insert(key.to_string(), proof);
        })
        .map(|_| ())
    }

    /// Removes the proofs `drop` says, under the writers' lock; returns them.
    pub fn prune(&self, drop: impl Fn(&Proof) -> bool) -> Result<Vec<(String, Proof)>> {
        let mut pruned = Vec::new();
        if !self.path().exists() {
            return Ok(pruned);
        }
        self.update(|proofs| {
            let keys: Vec<String> = proofs
                .iter()
                .filter(|(_, p)| drop(p))
                .map(|(k, _)| k.clone())
                .collect();
            for key in keys {
                if let Some(proof) = proofs.remove(&key) {
                    pruned.push((key, proof));
                }
            }
        })?;
        Ok(pruned)
    }

    fn update(&self, change: impl FnOnce(&mut BTreeMap<String, Proof>)) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("create", &self.dir, e))?;
        let lock_path = self.dir.join(LOCK);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("open", &lock_path, e))?;
        lock.lock().map_err(|e| Error::io("lock", &lock_path, e))?;
        // Read again under the lock: another writer may have added proofs since `load`. An
        // unusable file is replaced.
        let mut proofs = self.read().unwrap_or_default();
        change(&mut proofs);
        if proofs.len() > self.keep {
            let mut by_age: Vec<(i64, String)> =
                proofs.iter().map(|(k, p)| (p.when, k.clone())).collect();
            by_age.sort();
            for (_, key) in by_age.iter().take(proofs.len() - self.keep) {
                proofs.remove(key);
            }
        }
        let document = Document {
            format: FORMAT.into(),
            version: VERSION,
            proofs,
        };
        let text = serde_json::to_vec_pretty(&document).map_err(|e| Error::Message {
            message: format!("cannot encode the proofs: {e}"),
            help: None,
            exit: crate::exit::Exit::Failure,
        })?;
        let temp = self.dir.join(format!("{FILE}.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&temp).and_then(|mut f| {
            f.write_all(&text)?;
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io("write", &temp, e));
        }
        std::fs::rename(&temp, self.path()).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Error::io("replace", self.path(), e)
        })?;
        drop(lock);
        Ok(())
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(commit: &str, when: i64) -> Proof {
        Proof {
            commit: commit.into(),
            service: "app".into(),
            image: "p-app-runtime:1".into(),
            image_id: "sha256:1".into(),
            when,
            duration: 1.0,
            payload: "p".into(),
            source: None,
        }
    }

    fn parts<'a>(command: &'a [String]) -> KeyParts<'a> {
        KeyParts {
            service: "app",
            fingerprint: "f",
            image_id: "sha256:1",
            payload: "p",
            command,
            settings: "{\"network\":\"none\"}",
            target: None,
        }
    }

    #[test]
    fn every_part_changes_the_key() {
        let cmd = vec!["pytest".to_string()];
        let base = parts(&cmd).key();
        assert_eq!(base, parts(&cmd).key());
        let other = vec!["pytest".to_string(), "-x".to_string()];
        let joined = vec!["pytest -x".to_string()];
        assert_ne!(parts(&other).key(), parts(&joined).key());
        for changed in [
            KeyParts {
                image_id: "sha256:2",
                ..parts(&cmd)
            },
            KeyParts {
                payload: "q",
                ..parts(&cmd)
            },
            KeyParts {
                fingerprint: "g",
                ..parts(&cmd)
            },
            KeyParts {
                settings: "{\"network\":\"bridge\"}",
                ..parts(&cmd)
            },
            KeyParts {
                target: Some("ci"),
                ..parts(&cmd)
            },
            KeyParts {
                service: "web",
                ..parts(&cmd)
            },
            parts(&other),
        ] {
            assert_ne!(changed.key(), base, "{changed:?}");
        }
    }

    #[test]
    fn concurrent_writers_lose_nothing_and_never_corrupt_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let common = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    // A store each, as separate processes would have.
                    let store = Store::new(&common);
                    for i in 0..25 {
                        store.record(&format!("{t}-{i}"), proof("c", i)).unwrap();
                        let (_, warning) = store.load();
                        assert!(warning.is_none(), "{warning:?}");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let (proofs, warning) = Store::new(dir.path()).load();
        assert!(warning.is_none());
        assert_eq!(proofs.len(), 200);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("dockwright"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn unusable_files_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.record("k", proof("c", 1)).unwrap();
        let full = std::fs::read(store.path()).unwrap();
        for bad in [
            full[..full.len() / 2].to_vec(),
            b"\x00\xffgarbage".to_vec(),
            br#"{"format":"dockwright-proofs","version":99,"proofs":{}}"#.to_vec(),
            br#"{"something":"else"}"#.to_vec(),
            br#"{"format":"dockwright-proofs","version":1,"proofs":{"k":{"commit":1}}}"#.to_vec(),
        ] {
            std::fs::write(store.path(), &bad).unwrap();
            assert!(store.read().is_err(), "{}", String::from_utf8_lossy(&bad));
            assert!(store.load().0.is_empty());
            store.record("k2", proof("d", 2)).unwrap();
            assert_eq!(store.read().unwrap().len(), 1);
        }
    }

    #[test]
    fn the_oldest_proofs_go_beyond_the_limit_and_prune_removes_what_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store {
            keep: 20,
            ..Store::new(dir.path())
        };
        for i in 0..23 {
            store.record(&format!("k{i}"), proof("c", i)).unwrap();
        }
        let proofs = store.read().unwrap();
        assert_eq!(proofs.len(), 20);
        assert!(
            !proofs.contains_key("k0") && !proofs.contains_key("k2") && proofs.contains_key("k3")
        );
        let pruned = store.prune(|p| p.when < 10).unwrap();
        assert_eq!(pruned.len(), 7);
        assert_eq!(store.read().unwrap().len(), 13);
    }
}
