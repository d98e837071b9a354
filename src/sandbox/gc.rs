//! `dockwright gc`: remove the test containers (and their volumes) that a crashed or killed run
//! left behind, found by label. A run still in progress on this machine is left alone.

use std::collections::HashMap;

use bollard::query_parameters::ListContainersOptionsBuilder;

use super::{remove_container, HOST_LABEL, KEEP_LABEL, PID_LABEL};
use crate::engine::Engine;
use crate::error::Result;
use crate::project::labels;

/// A container gc removed or left.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Collected {
    /// Container id (12 characters).
    pub container: String,
    /// Its name.
    pub name: String,
    /// Project label.
    pub project: String,
    /// Service label.
    pub service: String,
    /// Commit label.
    pub commit: String,
    /// `removed`, or why it was kept (`running`, `kept`).
    pub action: String,
}

/// Removes leftovers of test runs: of `project` only when given, else of every project.
/// `all` also removes containers kept with `--keep` and runs that look alive.
pub async fn collect(engine: &Engine, project: Option<&str>, all: bool) -> Result<Vec<Collected>> {
    let mut filter = vec![labels::RUN.to_string()];
    if let Some(project) = project {
        filter.push(format!("{}={project}", labels::PROJECT));
    }
    let filters: HashMap<&str, Vec<String>> = [("label", filter)].into();
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let containers = engine
        .quick(
            "list test containers",
            engine.docker().list_containers(Some(options)),
        )
        .await?;
    let here = super::hostname();
    let mut out = Vec::new();
    for c in containers {
        let labels_of = c.labels.clone().unwrap_or_default();
        let get = |k: &str| labels_of.get(k).cloned().unwrap_or_default();
        let id = c.id.clone().unwrap_or_default();
        let alive = get(HOST_LABEL) == here
            && get(PID_LABEL)
                .parse::<i32>()
                .map(process_alive)
                .unwrap_or(false);
        let action = if !all && get(KEEP_LABEL) == "1" {
            "kept".to_string()
        } else if !all && alive {
            "running".to_string()
        } else {
            remove_container(engine, &id).await;
            "removed".to_string()
        };
        out.push(Collected {
            container: id.get(..12).unwrap_or(&id).to_string(),
            name: c
                .names
                .unwrap_or_default()
                .first()
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            project: get(labels::PROJECT),
            service: get(labels::SERVICE),
            commit: get(labels::COMMIT),
            action,
        });
    }
    Ok(out)
}

/// Whether a process with this pid exists on this machine (a pid that was reused after a crash
/// makes gc wait for the next run; `--all` overrides).
fn process_alive(pid: i32) -> bool {
    pid > 0 && std::path::Path::new(&format!("/proc/{pid}")).exists()
}
