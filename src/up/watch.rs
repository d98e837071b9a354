//! Watching exactly the inputs: which directories to watch for a set of analysed services, and
//! a debounced `notify` watcher whose batches arrive on a tokio channel.
//!
//! What is watched: the folder of every input file (a file saved by an editor's rename lands
//! there, and a file added beside it is seen), the folders of COPY globs and directory copies,
//! recursively (a file added there counts), the Dockerfile, its `.dockerignore` files and
//! `dockwright.toml` (their folders). A batch of events only asks for a new fingerprint: what
//! decides is content, so an event that leaves every fingerprint as it was (`touch`, a save of
//! the same bytes, an editor's swap file, a file the `.dockerignore` hides) does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, NoCache};

use crate::dockerfile::SourceKind;
use crate::error::{Error, Result};
use crate::project::Analysis;

/// Events closer together than this make one batch (an editor's save is several events).
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Directories to watch, each recursively or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSet {
    /// Absolute directory → recursive.
    pub dirs: BTreeMap<PathBuf, bool>,
    /// The inputs, as the user knows them (relative to the root), for the `watching` event.
    pub inputs: Vec<String>,
}

impl WatchSet {
    /// What to watch for `analyses` in the repository at `root`.
    pub fn of(root: &Path, analyses: &[Analysis]) -> WatchSet {
        let mut set = WatchSet::default();
        set.add(root, "", false);
        let mut inputs = std::collections::BTreeSet::new();
        inputs.insert(crate::config::FILE_NAME.to_string());
        for analysis in analyses {
            let service = &analysis.service;
            inputs.insert(service.dockerfile.clone());
            set.add(root, parent(&service.dockerfile), false);
            set.add(root, &service.context, false);
            for input in &analysis.inputs.inputs {
                if input.kind == crate::inputs::InputKind::Url {
                    continue;
                }
                let path = analysis.display_path(&input.path);
                set.add(root, parent(&path), false);
                inputs.insert(path);
            }
            let sources = analysis
                .inputs
                .dockerfile
                .context_sources(service.target.as_deref(), &service.build_args)
                .unwrap_or_default();
            for source in sources {
                if source.kind == SourceKind::Url {
                    continue;
                }
                let full = crate::inputs::join(&service.context, &source.path);
                if crate::dockerignore::has_glob(&source.path) {
                    // The folder before the first glob character holds every match.
                    let fixed: Vec<&str> = full
                        .split('/')
                        .take_while(|part| !crate::dockerignore::has_glob(part))
                        .collect();
                    set.add(root, &fixed.join("/"), true);
                } else if root.join(&full).is_dir() {
                    set.add(root, &full, true);
                }
            }
        }
        set.inputs = inputs.into_iter().collect();
        set
    }

    /// Adds `rel` (a folder relative to `root`), or its nearest existing ancestor when it does
    /// not exist yet (then not recursively: its creation is what to see).
    fn add(&mut self, root: &Path, rel: &str, recursive: bool) {
        let mut dir = root.join(rel);
        let mut recursive = recursive;
        while !dir.is_dir() {
            recursive = false;
            if !dir.pop() || !dir.starts_with(root) {
                return;
            }
        }
        // `.git` changes on every git command; what it holds is never an input.
        if dir.components().any(|c| c.as_os_str() == ".git") {
            return;
        }
        let entry = self.dirs.entry(dir).or_insert(false);
        *entry |= recursive;
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

/// A debounced watcher over a [`WatchSet`]; batches of changed paths come from [`Watcher::next`].
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, NoCache>,
    rx: tokio::sync::mpsc::UnboundedReceiver<Vec<PathBuf>>,
    current: BTreeMap<PathBuf, bool>,
}

impl Watcher {
    /// A watcher that watches nothing yet.
    pub fn new() -> Result<Watcher> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let handler = move |result: DebounceEventResult| {
            let paths: Vec<PathBuf> = match result {
                Ok(events) => events
                    .into_iter()
                    // Reads and opens are not changes.
                    .filter(|e| !e.kind.is_access() && !e.kind.is_other())
                    .flat_map(|e| e.event.paths)
                    .filter(|p| !p.components().any(|c| c.as_os_str() == ".git"))
                    .collect(),
                // A lost event (queue overflow) may hide a change: ask for a check of everything.
                Err(_) => vec![PathBuf::new()],
            };
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        };
        // No file-id cache: rename tracking is not needed (the content decides), and the cache
        // would walk every watched tree at start.
        // Ticks as often as the debounce time, not the crate's default of four times as often:
        // an idle watch wakes 5 times a second (bench/up: its idle CPU), and a burst still
        // arrives between 200 and 400 ms after its last event.
        let debouncer = new_debouncer_opt::<_, RecommendedWatcher, NoCache>(
            DEBOUNCE,
            Some(DEBOUNCE),
            handler,
            NoCache,
            notify_debouncer_full::notify::Config::default(),
        )
        .map_err(|e| watch_error(Path::new("."), e))?;
        Ok(Watcher {
            debouncer,
            rx,
            current: BTreeMap::new(),
        })
    }

    /// Watches exactly `set`: folders no longer in it are let go, new ones added.
    pub fn update(&mut self, set: &WatchSet) -> Result<()> {
        let old = std::mem::take(&mut self.current);
        for (dir, recursive) in &old {
            if set.dirs.get(dir) != Some(recursive) {
                // Gone already (a deleted folder): nothing to let go.
                let _ = self.debouncer.unwatch(dir);
            }
        }
        for (dir, recursive) in &set.dirs {
            if old.get(dir) == Some(recursive) {
                continue;
            }
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            self.debouncer
                .watch(dir, mode)
                .map_err(|e| watch_error(dir, e))?;
        }
        self.current = set.dirs.clone();
        Ok(())
    }

    /// The next batch of changed paths (None when the watcher is gone).
    pub async fn next(&mut self) -> Option<Vec<PathBuf>> {
        let mut batch = self.rx.recv().await?;
        // Batches that queued meanwhile (during a build) are one check.
        while let Ok(more) = self.rx.try_recv() {
            batch.extend(more);
        }
        Some(batch)
    }
}

fn watch_error(dir: &Path, e: notify_debouncer_full::notify::Error) -> Error {
    let limit = matches!(
        e.kind,
        notify_debouncer_full::notify::ErrorKind::MaxFilesWatch
    );
    Error::msg(
        format!("cannot watch `{}`: {e}", dir.display()),
        if limit {
            "raise the inotify limit (`sysctl fs.inotify.max_user_watches=524288`), or run `dockwright up --no-watch`"
        } else {
            "run `dockwright up --no-watch` to run without watching"
        },
    )
}
