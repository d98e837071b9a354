//! `images`: the runtime images dockwright built for this project, newest first.

use std::collections::BTreeMap;

use crate::engine::Engine;
use crate::error::Result;
use crate::project::{labels, Project};

/// One runtime image.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Image {
    /// The service it was built for.
    pub service: String,
    /// `repository:tag` references.
    pub tags: Vec<String>,
    /// Image id.
    pub id: String,
    /// Full fingerprint.
    pub fingerprint: String,
    /// Creation time, seconds since the epoch.
    pub created: i64,
    /// Size in bytes.
    pub size: i64,
    /// Every label, sorted.
    pub labels: BTreeMap<String, String>,
}

/// The project's runtime images, newest first.
pub fn images(project: &Project, engine: &Engine) -> Result<Vec<Image>> {
    let images = super::block_on(async {
        Ok(engine
            .images_labelled(&[(labels::PROJECT, &project.name)])
            .await?)
    })?;
    Ok(images
        .into_iter()
        .filter(|i| {
            i.labels.contains_key(labels::FINGERPRINT) && !i.labels.contains_key(labels::WORKDIR_OF)
        })
        .map(|i| Image {
            service: i.labels.get(labels::SERVICE).cloned().unwrap_or_default(),
            fingerprint: i
                .labels
                .get(labels::FINGERPRINT)
                .cloned()
                .unwrap_or_default(),
            tags: i.tags,
            id: i.id,
            created: i.created,
            size: i.size,
            labels: i.labels.into_iter().collect(),
        })
        .collect())
}
