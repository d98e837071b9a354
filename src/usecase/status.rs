//! `status`: is each selected service's runtime image fresh, stale or missing, and what changed.

use super::Selection;
use crate::engine::Engine;
use crate::error::Result;
use crate::project::Project;
use crate::status::{self, ServiceStatus};

/// The status of every selected service, in order.
pub fn status(
    project: &Project,
    selection: &Selection,
    engine: &Engine,
) -> Result<Vec<ServiceStatus>> {
    let (tree, config) = project.snapshot(selection.rev.as_deref())?;
    let analyses = project
        .services(&config, &selection.services)?
        .into_iter()
        .map(|service| project.analyze(service, &tree))
        .collect::<Result<Vec<_>>>()?;
    super::block_on(async {
        let mut all = Vec::with_capacity(analyses.len());
        for analysis in &analyses {
            all.push(status::of(project, analysis, engine).await?);
        }
        Ok(all)
    })
}

/// Whether every service is fresh (`status --check`).
pub fn all_fresh(all: &[ServiceStatus]) -> bool {
    all.iter().all(|s| s.state == status::State::Fresh)
}
