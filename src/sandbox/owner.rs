//! Whom the uploaded source belongs to: a named user's ids, read from the image's own
//! `/etc/passwd` and `/etc/group` (the host's mean nothing inside the image).

use futures_util::StreamExt;

use super::run::One;
use super::settings;

impl One<'_> {
    /// The uid and gid of a named user, read from the image's `/etc/passwd` and `/etc/group`.
    pub(super) async fn lookup_owner(&self, id: &str, user: &str) -> (u64, u64) {
        let passwd = self
            .read_container_file(id, "/etc/passwd")
            .await
            .unwrap_or_default();
        let group = self
            .read_container_file(id, "/etc/group")
            .await
            .unwrap_or_default();
        settings::lookup_ids(user, &passwd, &group).unwrap_or((1000, 1000))
    }

    async fn read_container_file(&self, id: &str, path: &str) -> Option<String> {
        let options = bollard::query_parameters::DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let mut stream = self
            .engine
            .docker()
            .download_from_container(id, Some(options));
        let mut data = Vec::new();
        while let Some(chunk) = stream.next().await {
            data.extend_from_slice(&chunk.ok()?);
        }
        let mut archive = tar::Archive::new(data.as_slice());
        let mut entry = archive.entries().ok()?.next()?.ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).ok()?;
        Some(text)
    }
}
