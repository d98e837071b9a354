//! The pre-push hook's work: test the commits being pushed (the tip of each ref, or each new
//! commit, as `pre_push` says), each distinct commit once, tags peeled to their commit.
//! The hook binary reads git's stdin, renders the events and the report, and stops the push on
//! any failure.

use std::path::Path;

use git2::{Oid, Repository};

use super::{Cancel, Output, Request, RunResult};
use crate::config::PrePush;
use crate::engine::{Engine, EnvLookup, Pace};
use crate::error::Error;
use crate::project::Project;
use crate::repo::RepoError;

/// One line of what git writes to pre-push's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    /// `refs/heads/main`, or `(delete)`.
    pub local_ref: String,
    /// The commit pushed; all zeros for a delete.
    pub local_oid: String,
    /// The ref on the remote.
    pub remote_ref: String,
    /// What the remote has; all zeros for a new branch.
    pub remote_oid: String,
}

/// Whether an object id is git's zero id (40 characters, or 64 in SHA-256 repositories).
pub fn is_zero(oid: &str) -> bool {
    !oid.is_empty() && oid.bytes().all(|b| b == b'0')
}

/// Parses pre-push's stdin. An empty stdin is an empty push.
pub fn parse(stdin: &str) -> Result<Vec<PushedRef>, String> {
    stdin
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [local_ref, local_oid, remote_ref, remote_oid] => Ok(PushedRef {
                    local_ref: local_ref.to_string(),
                    local_oid: local_oid.to_string(),
                    remote_ref: remote_ref.to_string(),
                    remote_oid: remote_oid.to_string(),
                }),
                _ => Err(format!(
                    "unexpected line from git on pre-push's stdin: `{line}`"
                )),
            }
        })
        .collect()
}

/// The commits to test, in order, each once, with the refs that push it. Deletes are skipped.
/// Object ids are taken as given: [`plan`] peels tags first.
pub fn commits_to_test(refs: &[PushedRef]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in refs.iter().filter(|r| !is_zero(&r.local_oid)) {
        add(&mut out, &r.local_oid, &r.remote_ref);
    }
    out
}

fn add(out: &mut Vec<(String, Vec<String>)>, commit: &str, remote_ref: &str) {
    match out.iter_mut().find(|(oid, _)| oid == commit) {
        Some((_, names)) if names.iter().any(|n| n == remote_ref) => {}
        Some((_, names)) => names.push(remote_ref.to_string()),
        None => out.push((commit.to_string(), vec![remote_ref.to_string()])),
    }
}

/// What a push asks to test, as `pre_push` in `dockwright.toml` decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The commits to test, each once, with the remote refs that push it: the tips (tip mode)
    /// or every new commit, oldest first (each mode).
    pub commits: Vec<(String, Vec<String>)>,
    /// New commits (the remote does not have them) that are not tested: those under the tips
    /// in tip mode, none in each mode.
    pub untested: usize,
}

/// Peels what a ref pushes (a commit, or an annotated tag, perhaps of a tag) to its commit;
/// None for a tag of a tree or a blob, which has no tests to run.
fn peel(git: &Repository, oid: &str) -> Result<Option<Oid>, RepoError> {
    let oid = Oid::from_str(oid)?;
    let object = git.find_object(oid, None)?;
    Ok(object.peel_to_commit().ok().map(|c| c.id()))
}

/// The commits `local` brings that the remote does not have, oldest first: everything not
/// reachable from `remote_oid` when git said it and it is here, else from the remote-tracking
/// refs of `remote` (`git rev-list <local> --not --remotes=<remote>`).
fn new_commits(
    git: &Repository,
    remote: &str,
    local: Oid,
    remote_oid: &str,
) -> Result<Vec<Oid>, RepoError> {
    let mut walk = git.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    walk.push(local)?;
    let known = (!is_zero(remote_oid))
        .then(|| peel(git, remote_oid).ok().flatten())
        .flatten();
    match known {
        Some(theirs) => walk.hide(theirs)?,
        None => {
            for reference in git.references_glob(&format!("refs/remotes/{remote}/*"))? {
                if let Some(oid) = reference?.peel_to_commit().ok().map(|c| c.id()) {
                    walk.hide(oid)?;
                }
            }
        }
    }
    walk.map(|oid| oid.map_err(RepoError::from)).collect()
}

/// Decides what to test for a push to `remote` (its name, or the URL git was given): the tip
/// of each ref, or each new commit; tags are peeled to their commit before anything is
/// counted, so a commit pushed by a branch and a tag is tested once.
pub fn plan(
    git: &Repository,
    remote: &str,
    refs: &[PushedRef],
    mode: PrePush,
) -> Result<Plan, RepoError> {
    let mut commits: Vec<(String, Vec<String>)> = Vec::new();
    let mut new: Vec<Oid> = Vec::new();
    for r in refs.iter().filter(|r| !is_zero(&r.local_oid)) {
        let Some(tip) = peel(git, &r.local_oid)? else {
            continue;
        };
        let brought = new_commits(git, remote, tip, &r.remote_oid)?;
        match mode {
            PrePush::Tip => add(&mut commits, &tip.to_string(), &r.remote_ref),
            PrePush::Each => {
                for oid in &brought {
                    add(&mut commits, &oid.to_string(), &r.remote_ref);
                }
            }
        }
        for oid in brought {
            if !new.contains(&oid) {
                new.push(oid);
            }
        }
    }
    let untested = new
        .iter()
        .filter(|oid| !commits.iter().any(|(c, _)| *c == oid.to_string()))
        .count();
    Ok(Plan { commits, untested })
}

/// One commit pushed, and its test results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tested {
    /// The commit.
    pub commit: String,
    /// The first line of its message, to name it.
    pub subject: String,
    /// The remote refs it is pushed to.
    pub refs: Vec<String>,
    /// One result per service.
    pub results: Vec<RunResult>,
}

impl Tested {
    /// Whether nothing ran: every service's result stands on a proof.
    pub fn proven(&self) -> bool {
        !self.results.is_empty() && self.results.iter().all(|r| r.cached)
    }

    /// The results that failed.
    pub fn failed(&self) -> impl Iterator<Item = &RunResult> {
        self.results.iter().filter(|r| !r.passed)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Tests the commits of a push in the repository at `dir` (the tips, or each new commit, as
/// `pre_push` in its `dockwright.toml` says), with the engine `env` names, streaming the runs
/// to `out`. The first line says which. In each mode the first failing commit ends the run. A
/// failing test is a result; an error means the tests could not run.
pub fn test_push(
    dir: &Path,
    remote: &str,
    refs: &[PushedRef],
    env: EnvLookup<'_>,
    out: &mut dyn Output,
    mut cancel: Cancel<'_>,
) -> Result<Vec<Tested>, Error> {
    if commits_to_test(refs).is_empty() {
        return Ok(Vec::new());
    }
    let project = Project::discover(dir)?;
    let mode = project.config.pre_push;
    let plan = plan(project.repo.git(), remote, refs, mode)?;
    if plan.commits.is_empty() {
        return Ok(Vec::new());
    }
    let engine = Engine::for_pace(env, Pace::Push)?;
    let runtime = crate::engine::runtime()?;
    let count = plural(plan.commits.len(), "commit", "commits");
    out.note(&match mode {
        PrePush::Tip => format!(
            "testing the tip of each pushed ref (pre_push = \"tip\"): {count} before pushing to `{remote}`; git holds the connection open meanwhile (skip with `git push --no-verify`)"
        ),
        PrePush::Each => format!(
            "testing each new commit (pre_push = \"each\"): {count}, oldest first, before pushing to `{remote}`; git holds the connection open meanwhile (skip with `git push --no-verify`)"
        ),
    });
    if plan.untested > 0 {
        out.note(&format!(
            "tested the tip only: {} not tested (set `pre_push = \"each\"` in dockwright.toml to test each)",
            plural(plan.untested, "earlier new commit under it is", "earlier new commits under it are")
        ));
    }
    let total = plan.commits.len();
    let mut tested = Vec::new();
    for (i, (commit, refs)) in plan.commits.into_iter().enumerate() {
        let request = Request {
            rev: Some(commit.clone()),
            ..Request::default()
        };
        let results = runtime.block_on(super::run(
            &project,
            &engine,
            &request,
            out,
            cancel.as_mut(),
        ))?;
        let subject = Oid::from_str(&commit)
            .and_then(|oid| project.repo.git().find_commit(oid))
            .map(|c| String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned())
            .unwrap_or_default();
        let failed = results.iter().any(|r| !r.passed);
        tested.push(Tested {
            commit,
            subject,
            refs,
            results,
        });
        if failed && mode == PrePush::Each {
            let left = total - i - 1;
            if left > 0 {
                out.note(&format!(
                    "stopped at the first failing commit: {} after it not tested",
                    plural(left, "commit", "commits")
                ));
            }
            break;
        }
    }
    let proven = tested.iter().filter(|t| t.proven()).count();
    if proven > 0 {
        out.note(&format!(
            "skipped {proven} of {} commit{}: proven by an earlier pass with the same files, image, command and settings",
            tested.len(),
            if tested.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(tested)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Z40: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn deletes_are_skipped_and_commits_tested_once() {
        let z64 = "0".repeat(64);
        let stdin = format!(
            "refs/heads/a 1111 refs/heads/a {Z40}\nrefs/heads/b 1111 refs/heads/b 2222\n(delete) {Z40} refs/heads/old 3333\nrefs/heads/c 4444 refs/heads/c {z64}\n"
        );
        let refs = parse(&stdin).unwrap();
        assert_eq!(refs.len(), 4);
        assert_eq!(
            commits_to_test(&refs),
            vec![
                (
                    "1111".to_string(),
                    vec!["refs/heads/a".to_string(), "refs/heads/b".to_string()]
                ),
                ("4444".to_string(), vec!["refs/heads/c".to_string()]),
            ]
        );
    }

    #[test]
    fn empty_stdin_is_an_empty_push() {
        assert!(commits_to_test(&parse("").unwrap()).is_empty());
        assert!(is_zero(&"0".repeat(64)));
        assert!(!is_zero(""));
    }

    #[test]
    fn malformed_lines_are_named() {
        assert!(parse("just two\n").unwrap_err().contains("just two"));
    }
}
