//! Is each runtime image fresh? One engine call per service when it is; when it is not, the
//! newest image built for the service says which inputs changed. Depends on no hook having run.

use std::collections::BTreeMap;

use crate::engine::{Engine, ImageInfo};
use crate::error::Result;
use crate::inputs::{diff, Change};
use crate::project::{labels, Analysis, Project};

/// Freshness of a service's runtime image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// An image with the current fingerprint exists.
    Fresh,
    /// Images were built for the service, but none with the current fingerprint.
    Stale,
    /// No image was ever built for the service.
    Missing,
}

impl State {
    /// The word shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Fresh => "fresh",
            State::Stale => "stale",
            State::Missing => "missing",
        }
    }
}

/// The status of one service.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceStatus {
    /// The service.
    pub service: String,
    /// Fresh, stale or missing.
    pub state: State,
    /// Current fingerprint of its inputs.
    pub fingerprint: String,
    /// The image for the current fingerprint (`repository:tag`), existing or not.
    pub image: String,
    /// Creation time (seconds since the epoch) of the image shown: the fresh one, else the newest.
    pub built: Option<i64>,
    /// Size in bytes of that image.
    pub size: Option<i64>,
    /// When stale: what changed since the newest image built for the service.
    pub changed: Vec<Change>,
    /// When stale: the newest image built for the service, that `changed` compares with.
    pub compared_with: Option<String>,
    /// Warnings about the inputs (URL sources).
    pub warnings: Vec<String>,
}

/// The status of an analysed service.
pub async fn of(project: &Project, analysis: &Analysis, engine: &Engine) -> Result<ServiceStatus> {
    let image = analysis.image();
    let mut status = ServiceStatus {
        service: analysis.service.name.clone(),
        state: State::Missing,
        fingerprint: analysis.fingerprint.clone(),
        image: image.clone(),
        built: None,
        size: None,
        changed: Vec::new(),
        compared_with: None,
        warnings: analysis.inputs.warnings.clone(),
    };
    if let Some(info) = engine.image(&image).await? {
        if info.labels.get(labels::FINGERPRINT) == Some(&analysis.fingerprint) {
            status.state = State::Fresh;
            status.built = Some(info.created);
            status.size = Some(info.size);
            return Ok(status);
        }
    }
    let newest = newest_image(project, &analysis.service.name, engine).await?;
    if let Some(newest) = newest {
        status.state = State::Stale;
        status.built = Some(newest.created);
        status.size = Some(newest.size);
        status.compared_with = newest.tags.first().cloned().or(Some(newest.id.clone()));
        let old: BTreeMap<String, String> = newest
            .labels
            .get(labels::INPUTS)
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        status.changed = diff(&old, &analysis.hashes())
            .into_iter()
            .map(|c| Change {
                path: analysis.display_path(&c.path),
                change: c.change,
            })
            .collect();
    }
    Ok(status)
}

/// The newest image dockwright built for a service of this project.
pub async fn newest_image(
    project: &Project,
    service: &str,
    engine: &Engine,
) -> Result<Option<ImageInfo>> {
    let images = engine
        .images_labelled(&[(labels::PROJECT, &project.name), (labels::SERVICE, service)])
        .await?;
    // Not the test runs' writable-workdir images: they inherit the runtime image's labels.
    Ok(images
        .into_iter()
        .find(|i| !i.labels.contains_key(labels::WORKDIR_OF)))
}

/// `3 minutes ago`, `2 days ago`.
pub fn age(created: i64, now: i64) -> String {
    let secs = (now - created).max(0);
    let (n, unit) = match secs {
        s if s < 60 => return "just now".into(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86400 => (s / 3600, "hour"),
        s if s < 86400 * 30 => (s / 86400, "day"),
        s if s < 86400 * 365 => (s / (86400 * 30), "month"),
        s => (s / (86400 * 365), "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// `45.1 MB`.
pub fn size(bytes: i64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
