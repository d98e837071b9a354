//! The hardened container settings of a test run, and how `dockwright.toml` relaxes them.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::HostConfig;

use crate::config::{parse_bytes, Limit, SandboxConfig};

/// Default memory limit.
pub const DEFAULT_MEMORY: &str = "2g";
/// Default process limit.
pub const DEFAULT_PIDS: i64 = 512;
/// Default CPU limit, in cores.
pub const DEFAULT_CPUS: f64 = 2.0;
/// Default run time limit.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The user a test runs as when the image's user is root.
pub const DEFAULT_USER: &str = "1000:1000";
/// The workdir when neither the config nor the image has one.
pub const DEFAULT_WORKDIR: &str = "/app";

/// The effective settings of one run, after the service's relaxations.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Settings {
    /// Network mode (`none` unless relaxed).
    pub network: String,
    /// Read-only root file system.
    pub read_only: bool,
    /// All capabilities dropped.
    pub cap_drop_all: bool,
    /// `no-new-privileges`.
    pub no_new_privileges: bool,
    /// `uid:gid` or a user name.
    pub user: String,
    /// Memory limit in bytes; None when lifted (`memory = "unlimited"`).
    pub memory: Option<i64>,
    /// Process limit; None when lifted.
    pub pids: Option<i64>,
    /// CPU limit in cores; None when lifted.
    pub cpus: Option<f64>,
    /// An init process reaps zombies and forwards signals.
    pub init: bool,
    /// Where the source goes.
    pub workdir: String,
    /// Run time limit.
    #[serde(serialize_with = "secs")]
    pub timeout: Duration,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// What the service relaxed, by name, so that it is never silent.
    pub relaxed: Vec<Relaxation>,
}

/// One hardened default that `dockwright.toml` weakened: said on every run, and listed in the
/// JSON report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Relaxation {
    /// The key under `[services.<service>.sandbox]`.
    pub key: String,
    /// Its value, as written in TOML.
    pub value: String,
    /// The hardened default it weakens.
    pub default: String,
}

impl std::fmt::Display for Relaxation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} = {} (hardened default: {})",
            self.key, self.value, self.default
        )
    }
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// Whether a user spec (`name`, `uid`, `name:group`, `uid:gid`) is root.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name.parse::<u64>() == Ok(0)
}

/// A size as a person writes it: `2g`, `512m`, or bytes.
fn show_bytes(bytes: i64) -> String {
    if bytes % (1 << 30) == 0 {
        format!("\"{}g\"", bytes >> 30)
    } else if bytes % (1 << 20) == 0 {
        format!("\"{}m\"", bytes >> 20)
    } else {
        bytes.to_string()
    }
}

impl Settings {
    /// The settings for a service's sandbox config and its image's `USER` and `WORKDIR`.
    pub fn new(config: &SandboxConfig, image_user: &str, image_workdir: &str) -> Settings {
        let mut relaxed = Vec::new();
        let mut relax = |key: &str, value: String, default: &str| {
            relaxed.push(Relaxation {
                key: key.into(),
                value,
                default: default.into(),
            })
        };
        let mut flag = |value: Option<bool>, name: &str| {
            let on = value.unwrap_or(true);
            if !on {
                relax(name, "false".into(), "true");
            }
            on
        };
        let read_only = flag(config.read_only, "read_only");
        let cap_drop_all = flag(config.cap_drop_all, "cap_drop_all");
        let no_new_privileges = flag(config.no_new_privileges, "no_new_privileges");
        let init = flag(config.init, "init");
        let network = config.network.clone().unwrap_or_else(|| "none".into());
        if network != "none" {
            relax("network", format!("{network:?}"), "\"none\"");
        }
        let user = match &config.user {
            Some(user) => {
                if is_root(user) {
                    relax("user", format!("{user:?}"), "a non-root user");
                }
                user.clone()
            }
            None if image_user.is_empty() || is_root(image_user) => DEFAULT_USER.into(),
            None => image_user.to_string(),
        };
        let default_memory = parse_bytes(DEFAULT_MEMORY).unwrap_or(2 << 30);
        let memory = match config.memory {
            None => Some(default_memory),
            Some(Limit::Unlimited) => {
                relax(
                    "memory",
                    "\"unlimited\"".into(),
                    &show_bytes(default_memory),
                );
                None
            }
            Some(Limit::Value(bytes)) => {
                if bytes > default_memory {
                    relax("memory", show_bytes(bytes), &show_bytes(default_memory));
                }
                Some(bytes)
            }
        };
        let pids = match config.pids {
            None => Some(DEFAULT_PIDS),
            Some(Limit::Unlimited) => {
                relax("pids", "\"unlimited\"".into(), &DEFAULT_PIDS.to_string());
                None
            }
            Some(Limit::Value(pids)) => {
                if pids > DEFAULT_PIDS {
                    relax("pids", pids.to_string(), &DEFAULT_PIDS.to_string());
                }
                Some(pids)
            }
        };
        let cpus = match config.cpus {
            None => Some(DEFAULT_CPUS),
            Some(Limit::Unlimited) => {
                relax("cpus", "\"unlimited\"".into(), &format!("{DEFAULT_CPUS:?}"));
                None
            }
            Some(Limit::Value(cpus)) => {
                if cpus > DEFAULT_CPUS {
                    relax("cpus", format!("{cpus:?}"), &format!("{DEFAULT_CPUS:?}"));
                }
                Some(cpus)
            }
        };
        let workdir = config
            .workdir
            .clone()
            .or_else(|| {
                (!image_workdir.is_empty() && image_workdir != "/")
                    .then(|| image_workdir.to_string())
            })
            .unwrap_or_else(|| DEFAULT_WORKDIR.into());
        let mut env: Vec<(String, String)> = vec![
            // A read-only root leaves no writable home; tools that cache there get /tmp.
            ("HOME".into(), "/tmp".into()),
            ("CI".into(), "true".into()),
        ];
        env.extend(config.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        Settings {
            network,
            read_only,
            cap_drop_all,
            no_new_privileges,
            user,
            memory,
            pids,
            cpus,
            init,
            workdir,
            timeout: config.timeout.unwrap_or(DEFAULT_TIMEOUT),
            env,
            relaxed,
        }
    }

    /// The engine's host configuration for these settings.
    pub fn host_config(&self, auto_remove: bool) -> HostConfig {
        let mut tmpfs = HashMap::new();
        tmpfs.insert(
            "/tmp".to_string(),
            "rw,exec,nosuid,nodev,size=1g".to_string(),
        );
        HostConfig {
            network_mode: Some(self.network.clone()),
            readonly_rootfs: Some(self.read_only),
            tmpfs: Some(tmpfs),
            cap_drop: self.cap_drop_all.then(|| vec!["ALL".to_string()]),
            security_opt: self
                .no_new_privileges
                .then(|| vec!["no-new-privileges".to_string()]),
            // -1 is the engine's "no limit"; leaving it unset would take the daemon's default.
            pids_limit: Some(self.pids.unwrap_or(-1)),
            memory: Some(self.memory.unwrap_or(0)),
            memory_swap: Some(self.memory.unwrap_or(-1)),
            nano_cpus: Some(self.cpus.map(|c| (c * 1e9) as i64).unwrap_or(0)),
            init: Some(self.init),
            auto_remove: Some(auto_remove),
            ..HostConfig::default()
        }
    }

    /// The settings as lines, for `--verbose` (the relaxations are said on every run, apart).
    pub fn describe(&self) -> Vec<String> {
        let limit = |value: Option<String>| value.unwrap_or_else(|| "unlimited".into());
        vec![
            format!("network: {}", self.network),
            format!(
                "read-only root: {} (tmpfs /tmp, writable {})",
                self.read_only, self.workdir
            ),
            format!(
                "capabilities dropped: {}",
                if self.cap_drop_all { "all" } else { "none" }
            ),
            format!("no-new-privileges: {}", self.no_new_privileges),
            format!("user: {}", self.user),
            format!(
                "memory: {}, pids: {}, cpus: {}",
                limit(self.memory.map(|m| format!("{} MiB", m >> 20))),
                limit(self.pids.map(|p| p.to_string())),
                limit(self.cpus.map(|c| c.to_string()))
            ),
            format!("init: {}, timeout: {}s", self.init, self.timeout.as_secs()),
        ]
    }
}

/// The numeric `uid:gid` of a user spec, when it is numeric.
pub fn numeric_ids(user: &str) -> Option<(u64, u64)> {
    let (uid, gid) = user.split_once(':').unwrap_or((user, user));
    Some((uid.parse().ok()?, gid.parse().ok()?))
}

/// Finds `name` (and optionally `:group`) in the text of `/etc/passwd` and `/etc/group`.
pub fn lookup_ids(user: &str, passwd: &str, group: &str) -> Option<(u64, u64)> {
    let (name, group_name) = match user.split_once(':') {
        Some((n, g)) => (n, Some(g)),
        None => (user, None),
    };
    let (uid, primary_gid) = match name.parse::<u64>() {
        Ok(uid) => (uid, uid),
        Err(_) => passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&name) && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })?,
    };
    let gid = match group_name {
        None => primary_gid,
        Some(g) => match g.parse::<u64>() {
            Ok(gid) => gid,
            Err(_) => group.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.first() == Some(&g) && fields.len() > 2)
                    .then(|| fields[2].parse().ok())
                    .flatten()
            })?,
        },
    };
    Some((uid, gid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardened_by_default() {
        let s = Settings::new(&SandboxConfig::default(), "", "");
        assert_eq!(s.network, "none");
        assert!(s.read_only && s.cap_drop_all && s.no_new_privileges && s.init);
        assert_eq!(s.user, "1000:1000");
        assert_eq!(s.workdir, "/app");
        assert!(s.relaxed.is_empty());
        let host = s.host_config(true);
        assert_eq!(host.cap_drop, Some(vec!["ALL".to_string()]));
        assert_eq!(
            host.security_opt,
            Some(vec!["no-new-privileges".to_string()])
        );
    }

    #[test]
    fn relaxations_are_named() {
        let config = SandboxConfig {
            network: Some("bridge".into()),
            read_only: Some(false),
            user: Some("root".into()),
            ..SandboxConfig::default()
        };
        let s = Settings::new(&config, "app", "/srv");
        let said: Vec<String> = s.relaxed.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            said,
            vec![
                "read_only = false (hardened default: true)",
                "network = \"bridge\" (hardened default: \"none\")",
                "user = \"root\" (hardened default: a non-root user)"
            ]
        );
        assert_eq!(s.workdir, "/srv");
    }

    #[test]
    fn lifted_or_raised_limits_and_root_by_number_are_relaxations() {
        let config = SandboxConfig {
            pids: Some(Limit::Unlimited),
            cpus: Some(Limit::Value(4.0)),
            memory: Some(Limit::Value(512 << 20)),
            user: Some("0:1000".into()),
            ..SandboxConfig::default()
        };
        let s = Settings::new(&config, "", "");
        let said: Vec<String> = s.relaxed.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            said,
            vec![
                "user = \"0:1000\" (hardened default: a non-root user)",
                "pids = \"unlimited\" (hardened default: 512)",
                "cpus = 4.0 (hardened default: 2.0)",
            ]
        );
        // A lower memory limit is stricter: not a relaxation.
        assert_eq!(s.memory, Some(512 << 20));
        let host = s.host_config(false);
        assert_eq!(host.pids_limit, Some(-1));
        assert_eq!(host.nano_cpus, Some(4_000_000_000));
        assert_eq!(
            Settings::new(&SandboxConfig::default(), "", "")
                .host_config(false)
                .pids_limit,
            Some(512)
        );
    }

    #[test]
    fn image_user_is_kept_when_not_root() {
        assert_eq!(
            Settings::new(&SandboxConfig::default(), "app", "").user,
            "app"
        );
    }

    #[test]
    fn user_names_are_looked_up() {
        let passwd = "root:x:0:0::/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n";
        let group = "root:x:0:\nstaff:x:50:\n";
        assert_eq!(lookup_ids("app", passwd, group), Some((1001, 1002)));
        assert_eq!(lookup_ids("app:staff", passwd, group), Some((1001, 50)));
        assert_eq!(lookup_ids("1000:1000", passwd, group), Some((1000, 1000)));
        assert_eq!(lookup_ids("nobody", passwd, group), None);
    }
}
