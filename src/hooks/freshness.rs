//! The work of post-checkout, post-merge and post-rewrite: for each service whose fingerprint
//! at the new HEAD has no image, say which inputs changed and the command to run (or, with
//! `on_stale = "build"`, start a background build); say nothing when every image is fresh.
//!
//! The fingerprint is read from HEAD's commit (git objects), not from the working tree: during
//! a rebase the working tree can be anywhere, and uncommitted edits are not what was checked out.
//! After `git merge --squash` HEAD has not moved, so the working tree is read instead.
//!
//! The engine is asked every time (one inspect per service, about a millisecond): an image can
//! be removed at any moment, so no earlier answer is trusted.
//!
//! Nothing here fails git: every problem is one [`Notice`] for the hook to print. Each engine
//! call is bounded by [`Pace::Hook`] (or `DOCKWRIGHT_ENGINE_TIMEOUT`), and all of them together
//! by [`OVERALL`] times that, so a hung or absent engine costs a fraction of a second and one line.

use std::path::Path;
use std::time::Duration;

use super::background::{self, Started};
use super::Hook;
use crate::config::OnStale;
use crate::engine::{Engine, EnvLookup, Pace};
use crate::error::Error;
use crate::inputs::{Change, InputsError};
use crate::project::Project;
use crate::status::{self, ServiceStatus, State};
use crate::tree::Tree;

/// All engine calls of one hook run take at most this many times the bound of one
/// ([`Pace::Hook`]).
pub const OVERALL: u32 = 2;

/// What a hook has to say; nothing at all when every image is fresh.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "notice")]
pub enum Notice {
    /// Something kept images from being checked.
    NotChecked {
        /// What was not checked ("runtime images", "`backend`").
        what: String,
        /// Why, in one line.
        reason: String,
    },
    /// The service never had a runtime image.
    Missing {
        /// The service.
        service: String,
    },
    /// The service's runtime image is stale.
    Stale {
        /// The service.
        service: String,
        /// The inputs that changed since its newest image; none when only build settings did.
        changed: Vec<Change>,
    },
    /// `on_stale = "warn"`, and a `dockwright up` watches this worktree: it rebuilds and swaps.
    UpWatching,
    /// `on_stale = "warn"`: these services need `dockwright build`.
    RunBuild {
        /// The stale services.
        services: Vec<String>,
    },
    /// `on_stale = "build"`: a background build started.
    BuildStarted {
        /// Its log, relative to the working tree root when inside it.
        log: String,
    },
    /// `on_stale = "build"`: a background build runs, and will build again.
    BuildQueued {
        /// Its log.
        log: String,
    },
    /// `on_stale = "build"`, but the background build could not start.
    BuildNotStarted {
        /// Why, in one line.
        reason: String,
        /// The stale services.
        services: Vec<String>,
    },
}

/// Changed inputs named on a service's line; more are counted.
const NAMED_CHANGES: usize = 4;

/// `requirements.txt changed, constraints.txt added and 3 more`.
pub fn changes(changed: &[Change]) -> String {
    let mut text: Vec<String> = changed
        .iter()
        .take(NAMED_CHANGES)
        .map(|c| format!("{} {}", c.path, c.change))
        .collect();
    if changed.len() > NAMED_CHANGES {
        let more = changed.len() - NAMED_CHANGES;
        let last = text.pop().unwrap_or_default();
        text.push(format!(
            "{last} and {more} more (`dockwright status` lists them)"
        ));
    }
    text.join(", ")
}

/// What git told the hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// post-checkout of a branch or commit (not a file checkout).
    Checkout {
        /// The previous HEAD (all zeros after clone and `git worktree add`).
        old: String,
        /// The new HEAD.
        new: String,
    },
    /// post-merge.
    Merge {
        /// `git merge --squash`: HEAD did not move.
        squash: bool,
    },
    /// post-rewrite after `amend` or `rebase`.
    Rewrite,
}

impl Event {
    /// The event that git's arguments describe, or None when the hook has nothing to do
    /// (a file checkout, or a checkout that did not move HEAD such as `git checkout -b`).
    pub fn parse(hook: Hook, args: &[String]) -> Option<Event> {
        match hook {
            Hook::PostCheckout => {
                let [old, new, flag] = args else { return None };
                // Flag 0: `git checkout -- file`; HEAD did not move.
                (flag == "1" && old != new).then(|| Event::Checkout {
                    old: old.clone(),
                    new: new.clone(),
                })
            }
            Hook::PostMerge => Some(Event::Merge {
                squash: args.first().is_some_and(|a| a == "1"),
            }),
            Hook::PostRewrite => Some(Event::Rewrite),
            Hook::PrePush => None,
        }
    }
}

/// What a hook has to say about `event` in the repository at `dir`, with the engine that `env`
/// names; nothing when all is fresh.
pub fn check(dir: &Path, event: &Event, env: EnvLookup<'_>) -> Vec<Notice> {
    let say = |what: &str, e: &Error| {
        vec![Notice::NotChecked {
            what: what.to_string(),
            reason: one_line(&e.to_string()),
        }]
    };
    let project = match Project::discover(dir) {
        Ok(project) => project,
        Err(e) => return say("runtime images", &e),
    };
    super::install::forget_legacy(&project.repo);
    if matches!(event, Event::Checkout { .. }) && rebasing(project.repo.git_dir()) {
        // The rebase checks out its base first; post-rewrite speaks when it is done.
        return Vec::new();
    }
    let tree = match event {
        Event::Merge { squash: true } => project.worktree(),
        _ => {
            let Some(head) = project.repo.head() else {
                return Vec::new();
            };
            match Tree::commit(project.repo.git(), head) {
                Ok(tree) => tree,
                Err(e) => {
                    return say(
                        "runtime images",
                        &Error::from(crate::repo::RepoError::from(e)),
                    )
                }
            }
        }
    };
    let configured = tree
        .entry(crate::config::FILE_NAME)
        .ok()
        .flatten()
        .is_some();
    let config = match project.config_in(&tree) {
        Ok(config) => config,
        Err(e) => return say("runtime images", &e),
    };
    let mut lines = Vec::new();
    let mut analyses = Vec::new();
    for service in &config.services {
        match project.analyze(service, &tree) {
            Ok(analysis) => analyses.push(analysis),
            // No dockwright.toml and no Dockerfile.runtime: this commit does not use dockwright.
            Err(Error::Inputs(e))
                if !configured && matches!(*e, InputsError::MissingDockerfile { .. }) =>
            {
                return Vec::new();
            }
            Err(e) => lines.extend(say(&format!("`{}`", service.name), &e)),
        }
    }
    if analyses.is_empty() {
        return lines;
    }
    let engine = match Engine::for_pace(env, Pace::Hook) {
        Ok(engine) => engine,
        Err(e) => {
            lines.extend(say("runtime images", &Error::from(e)));
            return lines;
        }
    };
    let statuses = match statuses(&project, &analyses, &engine) {
        Ok(statuses) => statuses,
        Err(e) => {
            lines.extend(say("runtime images", &e));
            return lines;
        }
    };
    let stale: Vec<&ServiceStatus> = statuses
        .iter()
        .filter(|s| s.state != State::Fresh)
        .collect();
    if stale.is_empty() {
        return lines;
    }
    lines.extend(stale.iter().map(|s| match s.state {
        State::Missing => Notice::Missing {
            service: s.service.clone(),
        },
        _ => Notice::Stale {
            service: s.service.clone(),
            changed: s.changed.clone(),
        },
    }));
    let services: Vec<String> = stale.iter().map(|s| s.service.clone()).collect();
    let root = project.repo.root();
    lines.push(match config.on_stale {
        OnStale::Warn if crate::up::is_watching(project.repo.git_dir()) => Notice::UpWatching,
        OnStale::Warn => Notice::RunBuild { services },
        OnStale::Build => match background::start(&project) {
            Ok(Started::Started { log }) => Notice::BuildStarted {
                log: shown(&log, root),
            },
            Ok(Started::Queued { log }) => Notice::BuildQueued {
                log: shown(&log, root),
            },
            Err(e) => Notice::BuildNotStarted {
                reason: one_line(&e.to_string()),
                services,
            },
        },
    });
    lines
}

/// The status of every analysed service, all engine calls together bounded.
fn statuses(
    project: &Project,
    analyses: &[crate::project::Analysis],
    engine: &Engine,
) -> Result<Vec<ServiceStatus>, Error> {
    let bound: Duration = engine.quick_bound();
    let runtime = crate::engine::runtime()?;
    runtime.block_on(async {
        let all = async {
            let mut out = Vec::new();
            for analysis in analyses {
                out.push(status::of(project, analysis, engine).await?);
            }
            Ok::<_, Error>(out)
        };
        match tokio::time::timeout(bound * OVERALL, all).await {
            Ok(result) => result,
            Err(_) => Err(engine
                .unavailable(format!(
                    "no answer within {:.1}s",
                    (bound * OVERALL).as_secs_f64()
                ))
                .into()),
        }
    })
}

/// Whether a rebase is under way in this worktree.
fn rebasing(git_dir: &Path) -> bool {
    git_dir.join("rebase-merge").exists() || git_dir.join("rebase-apply").exists()
}

/// A path relative to the working tree root when it is inside it.
fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn file_checkouts_and_unmoved_heads_are_ignored() {
        let zero = "0".repeat(40);
        assert_eq!(
            Event::parse(Hook::PostCheckout, &args(&["a", "b", "0"])),
            None
        );
        assert_eq!(
            Event::parse(Hook::PostCheckout, &args(&["a", "a", "1"])),
            None
        );
        assert_eq!(Event::parse(Hook::PostCheckout, &args(&["a"])), None);
        assert_eq!(
            Event::parse(Hook::PostCheckout, &args(&[&zero, "b", "1"])),
            Some(Event::Checkout {
                old: zero.clone(),
                new: "b".into()
            })
        );
        assert_eq!(
            Event::parse(Hook::PostMerge, &args(&["1"])),
            Some(Event::Merge { squash: true })
        );
        assert_eq!(
            Event::parse(Hook::PostMerge, &args(&["0"])),
            Some(Event::Merge { squash: false })
        );
        assert_eq!(
            Event::parse(Hook::PostRewrite, &args(&["amend"])),
            Some(Event::Rewrite)
        );
    }

    #[test]
    fn changes_name_a_few_and_count_the_rest() {
        let c = |p: &str, change: &'static str| Change {
            path: p.into(),
            change,
        };
        assert_eq!(
            changes(&[c("requirements.txt", "changed")]),
            "requirements.txt changed"
        );
        let many: Vec<Change> = (0..6).map(|i| c(&format!("f{i}"), "added")).collect();
        assert_eq!(
            changes(&many),
            "f0 added, f1 added, f2 added, f3 added and 2 more (`dockwright status` lists them)"
        );
    }
}
