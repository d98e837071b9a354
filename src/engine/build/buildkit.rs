//! A build through the engine's BuildKit, as `docker buildx build --load` makes it with the
//! docker driver: bollard's Moby driver solves (context uploaded through the session, secrets
//! served by it), and a status stream of our own reports the steps.

use std::collections::HashMap;
use std::path::Path;

use bollard::grpc::build::{ImageBuildFrontendOptions, ImageBuildLoadInput};
use bollard::grpc::driver::moby::Moby;
use bollard::grpc::driver::Build as _;
use bollard::grpc::error::GrpcError;
use bollard::grpc::BuildRef;
use bollard::moby::buildkit::v1::control_client::ControlClient;
use bollard::moby::buildkit::v1::{CacheOptionsEntry, StatusRequest, StatusResponse};

use super::{BuildEvent, BuildFailure, BuildRequest, SecretSource, Steps};
use crate::engine::Engine;

pub(super) async fn build(
    engine: &Engine,
    request: BuildRequest,
    on_event: &mut dyn FnMut(BuildEvent),
) -> Result<(), BuildFailure> {
    let build_ref = BuildRef::random();
    let mut options =
        ImageBuildFrontendOptions::builder().dockerfile(Path::new(&request.dockerfile));
    for (key, value) in &request.labels {
        options = options.label(key, value);
    }
    for (key, value) in &request.build_args {
        options = options.buildarg(key, value);
    }
    if let Some(target) = &request.target {
        options = options.target(target);
    }
    for (id, source) in &request.secrets {
        let source = match source {
            SecretSource::Env(name) => bollard::grpc::build::SecretSource::Env(name.clone()),
            SecretSource::File(path) => bollard::grpc::build::SecretSource::File(path.clone()),
        };
        options = options.set_secret(id, &source);
    }
    for reference in &request.cache_from {
        options = options.cachefrom(&registry_cache(reference, false));
    }
    for reference in &request.cache_to {
        options = options.cacheto(&registry_cache(reference, true));
    }
    let solve = Moby::new(engine.docker()).docker_build(
        &request.tag,
        options.build(),
        ImageBuildLoadInput::Upload(request.context.into()),
        None,
        Some(build_ref.clone()),
    );
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<StatusResponse>();
    let upgrade = engine.grpc_upgrade();
    let status = async move {
        let Some(upgrade) = upgrade else {
            return;
        };
        // A failed status stream costs the step display, not the build: the solve reports
        // its own errors.
        let Ok(channel) = tonic::transport::Endpoint::from_static("http://buildkit.invalid")
            .connect_with_connector(upgrade)
            .await
        else {
            return;
        };
        let mut client = ControlClient::new(channel);
        let request = StatusRequest {
            r#ref: build_ref.as_ref().to_string(),
        };
        let Ok(response) = client.status(request).await else {
            return;
        };
        let mut stream = response.into_inner();
        while let Ok(Some(message)) = stream.message().await {
            if sender.send(message).is_err() {
                return;
            }
        }
    };
    tokio::pin!(solve);
    tokio::pin!(status);
    let mut steps = Steps::default();
    let mut failing: Option<String> = None;
    let mut report = |message: StatusResponse, failing: &mut Option<String>| {
        for event in steps.update(message) {
            if let BuildEvent::Done {
                error: Some(_),
                name,
                ..
            } = &event
            {
                failing.get_or_insert_with(|| name.clone());
            }
            on_event(event);
        }
    };
    let mut status_done = false;
    let result = loop {
        tokio::select! {
            result = &mut solve => break result,
            () = &mut status, if !status_done => status_done = true,
            Some(message) = receiver.recv() => report(message, &mut failing),
        }
    };
    // The status stream ends with the job; what it still holds is the end of the build (the
    // failing step's last lines). Bounded, so that a stream left open cannot hang the build.
    if !status_done {
        let _ = tokio::time::timeout(engine.quick_bound(), &mut status).await;
    }
    while let Ok(message) = receiver.try_recv() {
        report(message, &mut failing);
    }
    result.map_err(|e| match e {
        GrpcError::TonicStatus { err } => BuildFailure::Failed {
            step: failing,
            message: err.message().to_string(),
        },
        GrpcError::DockerError { err } => {
            match engine.error(format!("build `{}`", request.tag), err) {
                crate::engine::EngineError::Call { message, .. } => BuildFailure::Failed {
                    step: failing,
                    message,
                },
                other => BuildFailure::Engine(other),
            }
        }
        other => BuildFailure::Engine(engine.unavailable(other.to_string())),
    })
}

/// A `type=registry` cache entry; an export keeps every stage's layers (`mode=max`), which is
/// what makes a teammate's cache useful for a multi-stage runtime image.
fn registry_cache(reference: &str, export: bool) -> CacheOptionsEntry {
    let mut attrs = HashMap::from([("ref".to_string(), reference.to_string())]);
    if export {
        attrs.insert("mode".into(), "max".into());
    }
    CacheOptionsEntry {
        r#type: "registry".into(),
        attrs,
    }
}
