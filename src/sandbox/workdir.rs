//! A workdir the test's user can write at its top level (`touch ./x`, `mkdir ./db`).
//!
//! The source goes into an anonymous volume at the workdir. The engine fills a new volume with
//! what the image holds there and gives the volume's root the owner of the image's directory:
//! root, since `WORKDIR` is made by root (every template, most official images). The upload
//! cannot change that: the engine skips an archive's `./` entry, and the workdir's parent is on
//! the read-only root. So the run uses an image derived once per (runtime image id, user,
//! workdir): a container of the runtime image, never started, gets the workdir's directory
//! entry owned by the user (the engine applies an existing directory's metadata from an archive
//! entry that names it from its parent), and is committed. Its one layer holds that directory
//! alone; it needs nothing in the image (no shell, no `chown`), works on any engine, and costs
//! one commit the first time (0.35 s for a busybox image here, 11 s for a Debian one on
//! fuse-overlayfs, so it is waited for as a build is), one inspect afterwards.

use bollard::models::ContainerConfig;
use bollard::query_parameters::{CommitContainerOptionsBuilder, UploadToContainerOptionsBuilder};
use sha2::{Digest, Sha256};

use super::container::Container;
use super::run::One;
use super::settings::{self, Settings};
use crate::error::{Error, Result};
use crate::project::labels;

/// The version of the derivation: a change to it makes new derived images.
const DERIVATION: &str = "dockwright-workdir-v1";

impl One<'_> {
    /// The image to run: `image` (id `image_id`) with its workdir owned by the test's user.
    pub(super) async fn writable_workdir(
        &self,
        image: &str,
        image_id: &str,
        settings: &Settings,
    ) -> Result<String> {
        let dir = settings.workdir.trim_matches('/');
        if dir.is_empty() {
            return Ok(image.to_string());
        }
        let digest = Sha256::digest(
            format!(
                "{DERIVATION}\0{image_id}\0{}\0{}",
                settings.user, settings.workdir
            )
            .as_bytes(),
        );
        let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let repository = format!(
            "{}-{}-workdir",
            self.project.name,
            crate::repo::sanitize_name(&self.service.name)
        );
        let derived = format!("{repository}:{hash}");
        if self.engine.image(&derived).await?.is_some() {
            return Ok(derived);
        }
        let mut helper = Container::helper(self, image).await?;
        let result = self
            .derive(&helper.id, dir, settings, image_id, &repository, &hash)
            .await;
        helper.remove().await;
        result.map(|()| derived)
    }

    async fn derive(
        &self,
        id: &str,
        dir: &str,
        settings: &Settings,
        image_id: &str,
        repository: &str,
        tag: &str,
    ) -> Result<()> {
        let docker = self.engine.docker();
        let (uid, gid) = match settings::numeric_ids(&settings.user) {
            Some(ids) => ids,
            None => self.lookup_owner(id, &settings.user).await,
        };
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_size(0);
        header.set_uid(uid);
        header.set_gid(gid);
        header.set_mtime(0);
        let mut archive = tar::Builder::new(Vec::new());
        archive
            .append_data(&mut header, format!("{dir}/"), std::io::empty())
            .and_then(|()| archive.finish())
            .map_err(|e| Error::io("pack", &settings.workdir, e))?;
        let tar = archive
            .into_inner()
            .map_err(|e| Error::io("pack", &settings.workdir, e))?;
        let options = UploadToContainerOptionsBuilder::default().path("/").build();
        self.engine
            .quick(
                format!("give `{}` to the test's user", settings.workdir),
                docker.upload_to_container(id, Some(options), bollard::body_full(tar.into())),
            )
            .await?;
        let options = CommitContainerOptionsBuilder::default()
            .container(id)
            .repo(repository)
            .tag(tag)
            .pause(false)
            .changes(&format!("LABEL {}={image_id}", labels::WORKDIR_OF))
            .build();
        self.engine
            .slow(
                format!("commit the writable workdir image {repository}:{tag}"),
                docker.commit_container(options, ContainerConfig::default()),
            )
            .await?;
        Ok(())
    }
}
