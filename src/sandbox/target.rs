//! `--target`: the tests run in a stage of the service's multi-stage `Dockerfile`, built from the
//! commit's files, instead of the runtime image with the source uploaded.

use super::request::Output;
use super::run::One;
use crate::build;
use crate::config::ServiceConfig;
use crate::error::Result;

impl One<'_> {
    /// `--target`: builds a stage of the service's multi-stage `Dockerfile` from the commit's files.
    pub(super) async fn build_target(&self, stage: &str, out: &mut dyn Output) -> Result<String> {
        let dockerfile = crate::inputs::join(&self.service.context, "Dockerfile");
        let target_service = ServiceConfig {
            dockerfile: dockerfile.clone(),
            target: Some(stage.to_string()),
            image: Some(format!(
                "{}-{}-{}",
                self.project.name,
                self.service.name,
                crate::repo::sanitize_name(stage)
            )),
            ..self.service.clone()
        };
        // The stage's inputs are what its COPY instructions read, usually the whole context.
        let analysis = self.project.analyze(&target_service, self.tree)?;
        let outcome = build::build(self.project, &analysis, self.tree, self.engine, out).await?;
        out.note(&format!(
            "{} stage `{stage}` of `{dockerfile}` as {}",
            if outcome.built { "built" } else { "reused" },
            outcome.image
        ));
        Ok(outcome.image)
    }
}
