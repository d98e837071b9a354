//! `dockwright gc`: remove the test containers (and their volumes) that a crashed or killed run
//! left behind, found by label, then the labelled volumes no container uses any more. A run
//! still in progress on this machine is left alone.

use std::collections::HashMap;

use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListVolumesOptionsBuilder, RemoveVolumeOptions,
};

use super::{remove_container, HOST_LABEL, KEEP_LABEL, PID_LABEL};
use crate::engine::Engine;
use crate::error::Result;
use crate::project::labels;

/// A container, volume or image gc removed or left, or a proof it pruned.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Collected {
    /// `container`, `volume`, `image`, or `proof` (a proof whose image is gone).
    pub kind: String,
    /// Container id (12 characters); for a volume, the first 12 characters of its name; for a
    /// proof, the first 12 characters of its key.
    pub container: String,
    /// Its name; for a proof, its image.
    pub name: String,
    /// Project label.
    pub project: String,
    /// Service label.
    pub service: String,
    /// Commit label.
    pub commit: String,
    /// `removed`, or why it was kept (`running`, `kept`); `pruned` for a proof.
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
            kind: "container".into(),
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
    out.extend(collect_volumes(engine, project).await?);
    Ok(out)
}

/// Removes the volumes of test runs that no container uses (dangling): a run's workdir volume
/// goes with its container, so one is left only when the container was removed without its
/// volumes (`docker rm` by hand).
async fn collect_volumes(engine: &Engine, project: Option<&str>) -> Result<Vec<Collected>> {
    let mut filter = vec![labels::RUN.to_string()];
    if let Some(project) = project {
        filter.push(format!("{}={project}", labels::PROJECT));
    }
    let filters: HashMap<&str, Vec<String>> =
        [("label", filter), ("dangling", vec!["true".to_string()])].into();
    let options = ListVolumesOptionsBuilder::default()
        .filters(&filters)
        .build();
    let volumes = engine
        .quick(
            "list test volumes",
            engine.docker().list_volumes(Some(options)),
        )
        .await?
        .volumes
        .unwrap_or_default();
    let mut out = Vec::new();
    for volume in volumes {
        let get = |k: &str| volume.labels.get(k).cloned().unwrap_or_default();
        let name = volume.name.clone();
        let removed = engine
            .quick(
                format!("remove volume `{name}`"),
                engine
                    .docker()
                    .remove_volume(&name, None::<RemoveVolumeOptions>),
            )
            .await;
        out.push(Collected {
            kind: "volume".into(),
            container: name.get(..12).unwrap_or(&name).to_string(),
            name: name.clone(),
            project: get(labels::PROJECT),
            service: get(labels::SERVICE),
            commit: get(labels::COMMIT),
            // A volume that a new run took meanwhile is in use: its run removes it.
            action: if removed.is_ok() { "removed" } else { "in use" }.into(),
        });
    }
    Ok(out)
}

/// Removes the project's images that nothing names any more: a writable-workdir image whose
/// runtime image lost its tag (rebuilt, or removed by hand: the derived image kept its layers
/// alive), then the project's untagged images (the loser of two builds of one fingerprint, a
/// runtime image rebuilt under its tag). Tagged runtime images are never touched: `status`
/// compares with them.
pub async fn collect_images(engine: &Engine, project: &str) -> Result<Vec<Collected>> {
    let tagged = |tags: &[String]| tags.iter().any(|t| t != "<none>:<none>");
    let images = engine
        .images_labelled(&[(labels::PROJECT, project)])
        .await?;
    let named: std::collections::HashSet<&str> = images
        .iter()
        .filter(|i| tagged(&i.tags) && !i.labels.contains_key(labels::WORKDIR_OF))
        .map(|i| i.id.as_str())
        .collect();
    let mut out = Vec::new();
    let remove = |image: &crate::engine::ImageInfo, name: String| {
        let id = image.id.trim_start_matches("sha256:").to_string();
        let get = |k: &str| image.labels.get(k).cloned().unwrap_or_default();
        (
            image.id.clone(),
            Collected {
                kind: "image".into(),
                container: id.get(..12).unwrap_or(&id).to_string(),
                name,
                project: get(labels::PROJECT),
                service: get(labels::SERVICE),
                commit: String::new(),
                action: String::new(),
            },
        )
    };
    let mut doomed = Vec::new();
    for image in &images {
        match image.labels.get(labels::WORKDIR_OF) {
            Some(of) if !named.contains(of.as_str()) => {
                doomed.push(remove(
                    image,
                    image.tags.first().cloned().unwrap_or_default(),
                ));
            }
            _ => {}
        }
    }
    for (id, mut collected) in doomed {
        collected.action = match engine.remove_image(&id).await {
            Ok(()) => "removed".into(),
            Err(_) => "in use".into(),
        };
        out.push(collected);
    }
    // Listed again: removing a workdir image also removed its untagged parent (the engine prunes
    // those), and what is untagged now is what no derived image holds.
    let images = engine
        .images_labelled(&[(labels::PROJECT, project)])
        .await?;
    for image in images.iter().filter(|i| !tagged(&i.tags)) {
        let (id, mut collected) = remove(image, "<none>".into());
        collected.action = match engine.remove_image(&id).await {
            Ok(()) => "removed".into(),
            // A container still runs it (a kept test run, a compose service): it stays.
            Err(_) => "in use".into(),
        };
        out.push(collected);
    }
    Ok(out)
}

/// Whether a process with this pid exists on this machine (a pid that was reused after a crash
/// makes gc wait for the next run; `--all` overrides).
fn process_alive(pid: i32) -> bool {
    pid > 0 && std::path::Path::new(&format!("/proc/{pid}")).exists()
}
