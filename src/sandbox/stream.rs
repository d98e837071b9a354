//! A created test container's run: the source uploaded, output attached and streamed live,
//! the start, and the wait, raced against the deadline and Ctrl-C.

use std::time::Instant;

use bollard::container::LogOutput;
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, UploadToContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use futures_util::StreamExt;

use super::container::Container;
use super::request::{Cancel, Output, RunResult};
use super::run::One;
use super::settings::{self, Settings};
use super::{payload, short};
use crate::error::{Error, Result};
use crate::exit::Exit;

impl One<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn drive(
        &self,
        container: &mut Container,
        image: &str,
        settings: &Settings,
        baked: bool,
        out: &mut dyn Output,
        mut cancel: Cancel<'_>,
        started: Instant,
    ) -> Result<RunResult> {
        let docker = self.engine.docker();
        let id = container.id.clone();
        let (mut files, mut bytes) = (0, 0);
        if !baked {
            let owner = match settings::numeric_ids(&settings.user) {
                Some(ids) => ids,
                None => self.lookup_owner(&id, &settings.user).await,
            };
            let payload = payload::pack(self.tree, self.service, self.listed, owner)?;
            for warning in &payload.warnings {
                out.note(&format!("warning: {warning}"));
            }
            files = payload.files;
            bytes = payload.bytes;
            let options = UploadToContainerOptionsBuilder::default()
                .path(&settings.workdir)
                .build();
            self.engine
                .quick(
                    format!("copy the source into `{}`", settings.workdir),
                    docker.upload_to_container(
                        &id,
                        Some(options),
                        bollard::body_full(payload.tar.into()),
                    ),
                )
                .await?;
        }
        let attach = AttachContainerOptionsBuilder::default()
            .stream(true)
            .stdout(true)
            .stderr(true)
            .build();
        let mut output = self
            .engine
            .quick(
                "attach to the test container",
                docker.attach_container(&id, Some(attach)),
            )
            .await?
            .output;
        self.engine
            .quick(
                "start the test container",
                docker.start_container(&id, None),
            )
            .await?;

        let wait_options = WaitContainerOptionsBuilder::default()
            .condition("not-running")
            .build();
        let mut wait = docker.wait_container(&id, Some(wait_options));
        let deadline = tokio::time::sleep(settings.timeout);
        tokio::pin!(deadline);
        let mut code: Option<i64> = None;
        let mut output_done = false;
        while code.is_none() || !output_done {
            tokio::select! {
                biased;
                _ = cancel.as_mut() => {
                    out.note(&format!("interrupted: removing the test container of `{}`", self.service.name));
                    return Err(self.interrupted());
                }
                _ = &mut deadline => {
                    return Err(Error::Message {
                        message: format!(
                            "the test run of `{}` at {} did not finish within {}s; its container was removed",
                            self.service.name, short(self.commit), settings.timeout.as_secs()
                        ),
                        help: Some(format!(
                            "raise `timeout` under [services.{}.sandbox] in dockwright.toml, or pass `--timeout`",
                            self.service.name
                        )),
                        exit: Exit::Timeout,
                    });
                }
                chunk = output.next(), if !output_done => match chunk {
                    Some(Ok(LogOutput::StdOut { message })) | Some(Ok(LogOutput::Console { message })) => {
                        out.stdout(&self.label, &message)
                    }
                    Some(Ok(LogOutput::StdErr { message })) => out.stderr(&self.label, &message),
                    Some(Ok(LogOutput::StdIn { .. })) => {}
                    Some(Err(_)) | None => output_done = true,
                },
                status = wait.next(), if code.is_none() => {
                    code = Some(match status {
                        Some(Ok(response)) => response.status_code,
                        Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
                        Some(Err(e)) => return Err(self.engine.error("wait for the test container", e).into()),
                        None => return Err(self.engine.unavailable("the wait for the test container ended early".into()).into()),
                    });
                }
            }
        }
        let exit_code = code.unwrap_or(-1);
        Ok(RunResult {
            commit: self.commit.to_string(),
            service: self.service.name.clone(),
            image: image.to_string(),
            exit_code,
            duration: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
            passed: exit_code == 0,
            container: self.request.keep.then(|| id.clone()),
            files,
            bytes,
            relaxed: settings.relaxed.clone(),
            cached: false,
            proven: None,
        })
    }
}
