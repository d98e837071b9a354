//! `gc`: remove what interrupted test runs left behind, and the proofs whose image is gone.

use std::collections::BTreeSet;
use std::path::Path;

use crate::engine::Engine;
use crate::error::Result;
use crate::project::Project;
use crate::proofs::Store;
use crate::sandbox::gc::{self, Collected};

/// What to collect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also containers kept with `--keep` and runs that look alive.
    pub all: bool,
    /// Every project's leftovers, not only those of the repository containing the directory.
    pub everywhere: bool,
}

/// Collects the leftovers of the project of the repository containing `dir` (of every project
/// with `everywhere`, which needs no repository), then prunes the repository's proofs whose
/// image no longer exists (a proof can only be used with its image).
pub fn gc(dir: &Path, options: Options, engine: &Engine) -> Result<Vec<Collected>> {
    let project = if options.everywhere {
        Project::discover(dir).ok()
    } else {
        Some(Project::discover(dir)?)
    };
    let name = project
        .as_ref()
        .filter(|_| !options.everywhere)
        .map(|p| p.name.clone());
    super::block_on(async {
        let mut collected = gc::collect(engine, name.as_deref(), options.all).await?;
        if let Some(name) = &name {
            collected.extend(gc::collect_images(engine, name).await?);
        }
        if let Some(project) = &project {
            collected.extend(prune_proofs(project, engine).await?);
        }
        Ok(collected)
    })
}

async fn prune_proofs(project: &Project, engine: &Engine) -> Result<Vec<Collected>> {
    let store = Store::new(project.repo.common_dir());
    let (proofs, _) = store.load();
    let ids: BTreeSet<&str> = proofs.values().map(|p| p.image_id.as_str()).collect();
    let mut gone = BTreeSet::new();
    for id in ids {
        if engine.image(id).await?.is_none() {
            gone.insert(id.to_string());
        }
    }
    if gone.is_empty() {
        return Ok(Vec::new());
    }
    let pruned = store.prune(|p| gone.contains(&p.image_id))?;
    Ok(pruned
        .into_iter()
        .map(|(key, p)| Collected {
            kind: "proof".into(),
            container: key.get(..12).unwrap_or(&key).to_string(),
            name: p.image,
            project: project.name.clone(),
            service: p.service,
            commit: p.commit,
            action: "pruned".into(),
        })
        .collect())
}

/// How many containers, and how many volumes, were removed.
pub fn removed(collected: &[Collected]) -> (usize, usize) {
    (
        removed_of(collected, "container"),
        removed_of(collected, "volume"),
    )
}

/// How many of `kind` were removed.
pub fn removed_of(collected: &[Collected], kind: &str) -> usize {
    collected
        .iter()
        .filter(|c| c.kind == kind && c.action == "removed")
        .count()
}

/// How many proofs were pruned.
pub fn pruned(collected: &[Collected]) -> usize {
    collected.iter().filter(|c| c.action == "pruned").count()
}
