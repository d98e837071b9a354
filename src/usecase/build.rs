//! `build`: the runtime image of each selected service of the working tree, unless it exists.

use std::future::Future;

use crate::build::{self, Outcome, Progress};
use crate::engine::Engine;
use crate::error::Result;
use crate::project::Project;

/// Builds each of `services` (every service when empty) in order, from the working tree, and
/// stops at the first failure. Warnings about a service's inputs go to `progress` before its
/// build; `cancel` resolving stops the build in progress.
pub fn build(
    project: &Project,
    services: &[String],
    engine: &Engine,
    progress: &mut dyn Progress,
    cancel: impl Future<Output = ()> + Send,
) -> Result<Vec<Outcome>> {
    let tree = project.worktree();
    let services = project.services(&project.config, services)?;
    super::block_on(async {
        tokio::pin!(cancel);
        let mut outcomes = Vec::with_capacity(services.len());
        for service in services {
            let analysis = project.analyze(service, &tree)?;
            for warning in &analysis.inputs.warnings {
                progress.warning(&service.name, warning);
            }
            tokio::select! {
                outcome = build::build(project, &analysis, &tree, engine, progress) => outcomes.push(outcome?),
                () = &mut cancel => {
                    return Err(super::interrupted(format!("the build of `{}`", service.name)));
                }
            }
        }
        Ok(outcomes)
    })
}
