//! The pre-push hook's work: test exactly the commits being pushed, each distinct commit once.
//! The hook binary reads git's stdin, renders the events and the report, and stops the push on
//! any failure.

use std::path::Path;

use super::{Cancel, Output, Request, RunResult};
use crate::engine::{Engine, EnvLookup, Pace};
use crate::error::Error;
use crate::project::Project;

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
pub fn commits_to_test(refs: &[PushedRef]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in refs.iter().filter(|r| !is_zero(&r.local_oid)) {
        match out.iter_mut().find(|(oid, _)| *oid == r.local_oid) {
            Some((_, names)) => names.push(r.remote_ref.clone()),
            None => out.push((r.local_oid.clone(), vec![r.remote_ref.clone()])),
        }
    }
    out
}

/// One commit pushed, and its test results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tested {
    /// The commit.
    pub commit: String,
    /// The remote refs it is pushed to.
    pub refs: Vec<String>,
    /// One result per service.
    pub results: Vec<RunResult>,
}

impl Tested {
    /// The results that failed.
    pub fn failed(&self) -> impl Iterator<Item = &RunResult> {
        self.results.iter().filter(|r| !r.passed)
    }
}

/// Tests every commit pushed (each once, deletes skipped) in the repository at `dir`, with the
/// engine `env` names, streaming the runs to `out`. A failing test is a result; an error means
/// the tests could not run.
pub fn test_push(
    dir: &Path,
    remote: &str,
    refs: &[PushedRef],
    env: EnvLookup<'_>,
    out: &mut dyn Output,
    mut cancel: Cancel<'_>,
) -> Result<Vec<Tested>, Error> {
    let commits = commits_to_test(refs);
    if commits.is_empty() {
        return Ok(Vec::new());
    }
    let project = Project::discover(dir)?;
    let engine = Engine::for_pace(env, Pace::Push)?;
    let runtime = crate::engine::runtime()?;
    out.note(&format!(
        "testing {} commit{} before pushing to `{remote}`; git holds the connection open meanwhile (skip with `git push --no-verify`)",
        commits.len(),
        if commits.len() == 1 { "" } else { "s" }
    ));
    let mut tested = Vec::new();
    for (commit, refs) in commits {
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
        tested.push(Tested {
            commit,
            refs,
            results,
        });
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
