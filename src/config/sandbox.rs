//! `[services.NAME.sandbox]`: how a service relaxes the hardened defaults of a test run.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// Sandbox settings of one service; every hardened default can be relaxed here, by name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// Engine network mode; default `none`.
    pub network: Option<String>,
    /// Read-only root file system (a tmpfs `/tmp` and a writable workdir); default true.
    pub read_only: Option<bool>,
    /// Drop every capability; default true.
    pub cap_drop_all: Option<bool>,
    /// `no-new-privileges`; default true.
    pub no_new_privileges: Option<bool>,
    /// `uid:gid` to run as; default the image's user when it is not root, else `1000:1000`.
    pub user: Option<String>,
    /// Memory limit such as `2g` or `512m`; default `2g`.
    pub memory: Option<String>,
    /// Process limit; default 512.
    pub pids: Option<i64>,
    /// CPU limit in cores; default 2.
    pub cpus: Option<f64>,
    /// Run an init process as PID 1; default true.
    pub init: Option<bool>,
    /// Where the source goes in the container; default the image's `WORKDIR`, else `/app`.
    pub workdir: Option<String>,
    /// How long a test run may take, such as `10m` or `90s`; default 30 minutes. Read once,
    /// here, within [`crate::duration::RUN_TIMEOUT`]: a bad value names its line and column.
    #[serde(
        default,
        deserialize_with = "timeout::deserialize",
        serialize_with = "timeout::serialize"
    )]
    pub timeout: Option<Duration>,
    /// Environment variables for the test command.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

/// `[services.*.sandbox] timeout`: a duration string or a number of seconds, read into a
/// [`Duration`] while deserialising so that a bad value carries its line and column.
mod timeout {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::duration;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Seconds(f64),
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        let text = match Raw::deserialize(deserializer) {
            Ok(Raw::Text(text)) => text,
            Ok(Raw::Seconds(secs)) => secs.to_string(),
            Err(_) => {
                return Err(serde::de::Error::custom(
                    "invalid type for `timeout`, expected a duration such as \"10m\"",
                ))
            }
        };
        duration::parse(&text, duration::RUN_TIMEOUT)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }

    pub(crate) fn serialize<S: Serializer>(
        timeout: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match timeout {
            Some(d) => serializer.serialize_str(&humantime::format_duration(*d).to_string()),
            None => serializer.serialize_none(),
        }
    }
}
