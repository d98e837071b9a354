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
    /// `uid:gid` or a user name to run as; default the image's user when it is not root, else
    /// `1000:1000`. Never empty (the engine would take the image's user, often root).
    #[serde(default, deserialize_with = "limits::user")]
    pub user: Option<String>,
    /// Memory limit in bytes, read from `2g`, `512m` or a number of bytes; default `2g`.
    #[serde(default, deserialize_with = "limits::memory")]
    pub memory: Option<Limit<i64>>,
    /// Process limit; default 512.
    #[serde(default, deserialize_with = "limits::pids")]
    pub pids: Option<Limit<i64>>,
    /// CPU limit in cores; default 2.
    #[serde(default, deserialize_with = "limits::cpus")]
    pub cpus: Option<Limit<f64>>,
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

/// A resource limit, or its explicit removal: `pids = "unlimited"`. Zero, a negative number or an
/// empty value is never read as "no limit": it is an error naming the accepted range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit<T> {
    /// The limit.
    Value(T),
    /// No limit at all (a relaxation, listed on every run).
    Unlimited,
}

impl<T: serde::Serialize> serde::Serialize for Limit<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::Value(value) => value.serialize(serializer),
            Limit::Unlimited => serializer.serialize_str(limits::UNLIMITED),
        }
    }
}

/// The fix for a sandbox value that [`limits`] refused, recognised by the key its message
/// starts with (`` `pids = 0` is out of range… ``).
pub(super) fn help(message: &str) -> Option<String> {
    limits::KEYS
        .iter()
        .find(|(key, _)| {
            message.starts_with(&format!("`{key} = "))
                || message.starts_with(&format!("invalid type for `{key}`"))
        })
        .map(|(_, help)| help.to_string())
}

/// The sandbox's limits and user, checked while deserialising so that a bad value carries its
/// line and column. Each message starts with `` `key = value` `` and says the accepted range.
mod limits {
    use serde::{Deserialize, Deserializer};

    use super::Limit;
    use crate::config::parse_bytes;

    /// The word that lifts a limit.
    pub(crate) const UNLIMITED: &str = "unlimited";
    /// The process limits a kernel can enforce (`PID_MAX_LIMIT`).
    pub(crate) const PIDS: std::ops::RangeInclusive<i64> = 1..=4_194_304;
    /// The CPU limits the engine accepts (it refuses less than a hundredth of a core).
    pub(crate) const CPUS: std::ops::RangeInclusive<f64> = 0.01..=1024.0;
    /// The smallest memory limit the engine accepts (6 MiB).
    pub(crate) const MIN_MEMORY: i64 = 6 << 20;

    /// Each key, and the fix for a value it refused.
    pub(crate) const KEYS: [(&str, &str); 4] = [
        ("pids", "give a whole number of processes from 1 to 4194304, such as `pids = 512`, or `pids = \"unlimited\"` to lift the limit (listed as a relaxation on every run)"),
        ("cpus", "give a number of cores from 0.01 to 1024, such as `cpus = 2.0`, or `cpus = \"unlimited\"` to lift the limit (listed as a relaxation on every run)"),
        ("memory", "give a size of at least 6m with a unit, such as `memory = \"2g\"` or `\"512m\"`, or `memory = \"unlimited\"` to lift the limit (listed as a relaxation on every run)"),
        ("user", "give a user name or `uid[:gid]`, such as `user = \"1000:1000\"`; `user = \"0\"` runs the tests as root (listed as a relaxation on every run)"),
    ];

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }

    fn raw<'de, D: Deserializer<'de>>(
        deserializer: D,
        key: &str,
        form: &str,
    ) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(format!("invalid type for `{key}`, expected {form}"))
        })
    }

    fn unlimited(text: &str) -> bool {
        text.trim().eq_ignore_ascii_case(UNLIMITED)
    }

    pub(crate) fn pids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit<i64>>, D::Error> {
        let shown = match raw(d, "pids", "a number of processes or \"unlimited\"")? {
            Raw::Int(n) if PIDS.contains(&n) => return Ok(Some(Limit::Value(n))),
            Raw::Text(text) if unlimited(&text) => return Ok(Some(Limit::Unlimited)),
            Raw::Int(n) => n.to_string(),
            Raw::Float(f) => format!("{f:?}"),
            Raw::Text(text) => format!("{text:?}"),
        };
        Err(serde::de::Error::custom(format!(
            "`pids = {shown}` is out of range: the accepted range is {} to {} processes, or \"unlimited\"",
            PIDS.start(),
            PIDS.end()
        )))
    }

    pub(crate) fn cpus<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit<f64>>, D::Error> {
        let (value, shown) = match raw(d, "cpus", "a number of cores or \"unlimited\"")? {
            Raw::Text(text) if unlimited(&text) => return Ok(Some(Limit::Unlimited)),
            Raw::Int(n) => (n as f64, n.to_string()),
            Raw::Float(f) => (f, format!("{f:?}")),
            Raw::Text(text) => (f64::NAN, format!("{text:?}")),
        };
        if CPUS.contains(&value) {
            return Ok(Some(Limit::Value(value)));
        }
        Err(serde::de::Error::custom(format!(
            "`cpus = {shown}` is out of range: the accepted range is {} to {} cores, or \"unlimited\"",
            CPUS.start(),
            CPUS.end()
        )))
    }

    pub(crate) fn memory<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit<i64>>, D::Error> {
        let (bytes, shown) = match raw(d, "memory", "a size such as \"2g\" or \"unlimited\"")? {
            Raw::Text(text) if unlimited(&text) => return Ok(Some(Limit::Unlimited)),
            Raw::Text(text) => (parse_bytes(&text), format!("{text:?}")),
            Raw::Int(n) => (Some(n), n.to_string()),
            Raw::Float(f) => (None, format!("{f:?}")),
        };
        match bytes {
            Some(bytes) if bytes >= MIN_MEMORY => Ok(Some(Limit::Value(bytes))),
            Some(_) => Err(serde::de::Error::custom(format!(
                "`memory = {shown}` is out of range: the accepted range is 6m or more, or \"unlimited\""
            ))),
            None => Err(serde::de::Error::custom(format!(
                "`memory = {shown}` is not a size: the accepted range is 6m or more (a number with a unit such as `512m` or `2g`), or \"unlimited\""
            ))),
        }
    }

    pub(crate) fn user<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let user = String::deserialize(d).map_err(|_| {
            serde::de::Error::custom("invalid type for `user`, expected a user name or \"uid:gid\"")
        })?;
        if user.trim().is_empty() {
            return Err(serde::de::Error::custom(format!(
                "`user = {user:?}` is empty: the engine would run the tests as the image's default user, often root; the accepted values are a user name or uid[:gid]"
            )));
        }
        if user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(serde::de::Error::custom(format!(
                "`user = {user:?}` is not a user: the accepted values are a user name or uid[:gid], without spaces"
            )));
        }
        Ok(Some(user))
    }
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
