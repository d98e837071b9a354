//! The legacy builder (`/build` without a session): what an engine without BuildKit offers.

use futures_util::StreamExt;

use super::{BuildEvent, BuildFailure, BuildRequest};
use crate::engine::Engine;

pub(super) async fn build(
    engine: &Engine,
    request: BuildRequest,
    on_event: &mut dyn FnMut(BuildEvent),
) -> Result<(), BuildFailure> {
    let mut options = bollard::query_parameters::BuildImageOptionsBuilder::default()
        .dockerfile(&request.dockerfile)
        .t(&request.tag)
        .rm(true)
        .forcerm(true)
        .labels(&request.labels)
        .buildargs(&request.build_args)
        .build();
    if let Some(target) = &request.target {
        options.target = target.clone();
    }
    let mut stream = engine.docker().build_image(
        options,
        None,
        Some(bollard::body_full(request.context.into())),
    );
    let mut step: Option<String> = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => {
                if let Some(detail) = info.error_detail {
                    return Err(BuildFailure::Failed {
                        step,
                        message: detail.message.unwrap_or_default(),
                    });
                }
                for line in info.stream.as_deref().unwrap_or_default().lines() {
                    let line = line.trim_end();
                    if line.starts_with("Step ") && line.contains(" : ") {
                        step = Some(line.to_string());
                        on_event(BuildEvent::Started {
                            id: line.to_string(),
                            name: line.to_string(),
                        });
                    } else if !line.is_empty() {
                        on_event(BuildEvent::Output {
                            id: step.clone().unwrap_or_default(),
                            name: step.clone().unwrap_or_default(),
                            line: line.to_string(),
                        });
                    }
                }
            }
            Err(bollard::errors::Error::DockerStreamError { error }) => {
                return Err(BuildFailure::Failed {
                    step,
                    message: error,
                });
            }
            Err(e) => {
                return Err(match engine.error(format!("build `{}`", request.tag), e) {
                    crate::engine::EngineError::Call { message, .. } => {
                        BuildFailure::Failed { step, message }
                    }
                    other => BuildFailure::Engine(other),
                });
            }
        }
    }
    Ok(())
}
