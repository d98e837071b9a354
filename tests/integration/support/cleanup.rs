//! Removing what a test left on the engine, found by label. Shared by the integration tests and
//! the plugin's tests (`plugins/nu_plugin_dockwright/tests/common/mod.rs` includes this file).

use std::process::Command;

/// Removes the images that carry `label`: the tagged ones and the builder's intermediate ones
/// (its steps from `LABEL dev.dockwright.project=…` on, the test's alone). `--no-prune`: the
/// untagged parents without the label are the builder's cache, shared with builds that other
/// tests run at the same moment; deleting them fails those builds ("unknown parent image ID").
/// They are content-addressed, so the next run reuses them. A parent is refused while its child
/// exists, and `docker images -a` does not list children first: this repeats while it makes
/// progress.
pub fn remove_images(label: &str) {
    let mut before = usize::MAX;
    loop {
        let ids = docker_ids(&["images", "-a", "-q", "--filter", label]);
        if ids.is_empty() || ids.len() >= before {
            return;
        }
        before = ids.len();
        let _ = Command::new("docker")
            .args(["rmi", "-f", "--no-prune"])
            .args(&ids)
            .output();
    }
}

/// The distinct ids a `docker … -q` listing prints (none when docker cannot run).
pub fn docker_ids(list: &[&str]) -> Vec<String> {
    let Ok(out) = Command::new("docker").args(list).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}
