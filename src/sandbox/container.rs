//! The test container's life: created hardened and labelled (so `gc` finds what a killed run
//! left), kept with `--keep`, and otherwise removed on every path, a panic included.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{ContainerCreateBody, Mount, MountType, MountVolumeOptions};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};

use super::run::One;
use super::settings::Settings;
use super::{HOST_LABEL, KEEP_LABEL, PID_LABEL};
use crate::engine::Engine;
use crate::error::Result;
use crate::project::{labels, Analysis};

/// How long cleanup calls may take: removal must finish even on a loaded engine.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A test container; removed on every path, including a panic (its Drop cleans up when the
/// async cleanup did not run).
pub(super) struct Container {
    /// The container's id.
    pub(super) id: String,
    engine: Engine,
    done: bool,
}

impl Container {
    pub(super) async fn create(
        one: &One<'_>,
        analysis: &Analysis,
        image: &str,
        settings: &Settings,
        argv: &[String],
    ) -> Result<Container> {
        let run_id = run_id();
        let mut label_map: HashMap<String, String> = HashMap::new();
        label_map.insert(labels::RUN.into(), run_id.clone());
        label_map.insert(labels::PROJECT.into(), one.project.name.clone());
        label_map.insert(labels::SERVICE.into(), one.service.name.clone());
        label_map.insert(labels::COMMIT.into(), one.commit.to_string());
        label_map.insert(labels::FINGERPRINT.into(), analysis.fingerprint.clone());
        label_map.insert(PID_LABEL.into(), std::process::id().to_string());
        label_map.insert(HOST_LABEL.into(), hostname());
        if one.request.keep {
            label_map.insert(KEEP_LABEL.into(), "1".into());
        }
        // The workdir volume carries the run's labels too (an anonymous volume declared with
        // `Volumes` cannot), so `gc` finds it should anything ever leave it behind.
        let volume_labels: HashMap<String, String> = [
            labels::RUN,
            labels::PROJECT,
            labels::SERVICE,
            labels::COMMIT,
        ]
        .iter()
        .filter_map(|k| label_map.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
        let mut host_config = settings.host_config(false);
        host_config.mounts = Some(vec![Mount {
            target: Some(settings.workdir.clone()),
            typ: Some(MountType::VOLUME),
            volume_options: Some(MountVolumeOptions {
                labels: Some(volume_labels),
                ..MountVolumeOptions::default()
            }),
            ..Mount::default()
        }]);
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(argv.to_vec()),
            user: Some(settings.user.clone()),
            working_dir: Some(settings.workdir.clone()),
            env: Some(
                settings
                    .env
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
            ),
            labels: Some(label_map),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(false),
            // An anonymous volume at the workdir (in `mounts`): writable on a read-only root,
            // filled by the upload before start, and removed with the container.
            host_config: Some(host_config),
            ..ContainerCreateBody::default()
        };
        let name = format!(
            "dockwright-{}-{}-{}",
            one.project.name, one.service.name, run_id
        );
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        let created = one
            .engine
            .quick(
                format!("create the test container from `{image}`"),
                one.engine.docker().create_container(Some(options), body),
            )
            .await?;
        Ok(Container {
            id: created.id,
            engine: one.engine.clone(),
            done: false,
        })
    }

    /// A container of `image` that is never started, for work on its file system before a run
    /// (`workdir`): a writable root, no network, labelled like a test container so that `gc`
    /// finds it when a killed run leaves it.
    pub(super) async fn helper(one: &One<'_>, image: &str) -> Result<Container> {
        let mut label_map: HashMap<String, String> = HashMap::new();
        label_map.insert(labels::RUN.into(), run_id());
        label_map.insert(labels::PROJECT.into(), one.project.name.clone());
        label_map.insert(labels::SERVICE.into(), one.service.name.clone());
        label_map.insert(labels::COMMIT.into(), one.commit.to_string());
        label_map.insert(PID_LABEL.into(), std::process::id().to_string());
        label_map.insert(HOST_LABEL.into(), hostname());
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            // Never run; an image without a command still needs one to be created.
            cmd: Some(vec!["true".into()]),
            labels: Some(label_map),
            host_config: Some(bollard::models::HostConfig {
                network_mode: Some("none".into()),
                ..Default::default()
            }),
            ..ContainerCreateBody::default()
        };
        let created = one
            .engine
            .quick(
                format!("create a helper container from `{image}`"),
                one.engine.docker().create_container(
                    None::<bollard::query_parameters::CreateContainerOptions>,
                    body,
                ),
            )
            .await?;
        Ok(Container {
            id: created.id,
            engine: one.engine.clone(),
            done: false,
        })
    }

    pub(super) fn keep(&mut self) {
        self.done = true;
    }

    pub(super) async fn remove(&mut self) {
        remove_container(&self.engine, &self.id).await;
        self.done = true;
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A panic or an early return: the runtime may be unwinding, so clean up on a thread
        // of its own with a runtime of its own, and wait for it.
        let engine = self.engine.clone();
        let id = self.id.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = crate::engine::runtime() {
                rt.block_on(remove_container(&engine, &id));
            }
        })
        .join();
    }
}

/// Removes a container and its anonymous volumes, killing it first if it runs.
pub async fn remove_container(engine: &Engine, id: &str) {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    let _ = tokio::time::timeout(
        CLEANUP_TIMEOUT,
        engine.docker().remove_container(id, Some(options)),
    )
    .await;
}

fn run_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:x}{:04x}",
        (nanos / 1_000_000) as u64 & 0xffff_ffff,
        std::process::id() & 0xffff
    )
}

/// This machine's name, to tell our runs from another machine's on a shared engine.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}
