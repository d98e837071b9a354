//! Which engine to talk to, decided as the docker CLI decides: `DOCKER_HOST`, then the docker
//! context (`DOCKER_CONTEXT`, else `currentContext` in `config.json`), then the default socket,
//! then the Podman sockets.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::env;

/// An engine address and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///path`, `tcp://host:port`, `http://…` or `https://…`.
    pub host: String,
    /// Where the address came from, for messages ("DOCKER_HOST", "docker context `x`", …).
    pub origin: String,
    /// TLS material (`ca.pem`, `cert.pem`, `key.pem`) when the engine wants TLS.
    pub tls: Option<PathBuf>,
}

/// A reader of environment variables, so that the plugin can pass the engine's environment
/// instead of its own process's.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The default Docker socket.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Decides the endpoint. Fails only when a docker context is named but cannot be read.
pub fn resolve(lookup: EnvLookup<'_>) -> Result<Endpoint, String> {
    let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
    let tls_dir = || {
        let verify = get(env::DOCKER_TLS_VERIFY)
            .map(|v| v != "0")
            .unwrap_or(false);
        let dir = get(env::DOCKER_CERT_PATH)
            .map(PathBuf::from)
            .or_else(|| config_dir(lookup));
        if verify {
            dir
        } else {
            None
        }
    };
    if let Some(host) = get(env::DOCKER_HOST) {
        let tls = if host.starts_with("https://") {
            get(env::DOCKER_CERT_PATH)
                .map(PathBuf::from)
                .or_else(|| config_dir(lookup))
        } else if host.starts_with("tcp://") {
            tls_dir()
        } else {
            None
        };
        return Ok(Endpoint {
            host,
            origin: "DOCKER_HOST".into(),
            tls,
        });
    }
    let context = get(env::DOCKER_CONTEXT).or_else(|| current_context(lookup));
    if let Some(name) = context.filter(|n| n != "default") {
        return context_endpoint(lookup, &name);
    }
    if Path::new(DEFAULT_SOCKET).exists() {
        return Ok(Endpoint {
            host: format!("unix://{DEFAULT_SOCKET}"),
            origin: "the default socket".into(),
            tls: None,
        });
    }
    let mut podman = Vec::new();
    if let Some(runtime) = get(env::XDG_RUNTIME_DIR) {
        podman.push(format!("{runtime}/podman/podman.sock"));
    }
    podman.push("/run/podman/podman.sock".into());
    for socket in podman {
        if Path::new(&socket).exists() {
            return Ok(Endpoint {
                host: format!("unix://{socket}"),
                origin: "the Podman socket".into(),
                tls: None,
            });
        }
    }
    Ok(Endpoint {
        host: format!("unix://{DEFAULT_SOCKET}"),
        origin: "the default socket".into(),
        tls: None,
    })
}

fn config_dir(lookup: EnvLookup<'_>) -> Option<PathBuf> {
    lookup(env::DOCKER_CONFIG)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| lookup(env::HOME).map(|home| Path::new(&home).join(".docker")))
}

fn current_context(lookup: EnvLookup<'_>) -> Option<String> {
    let text = std::fs::read_to_string(config_dir(lookup)?.join("config.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("currentContext")?.as_str().map(str::to_string)
}

/// Reads `contexts/meta/<sha256(name)>/meta.json`, as the docker CLI stores contexts.
fn context_endpoint(lookup: EnvLookup<'_>, name: &str) -> Result<Endpoint, String> {
    let dir = config_dir(lookup).ok_or("no docker configuration directory")?;
    let digest: String = Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let meta = dir
        .join("contexts")
        .join("meta")
        .join(&digest)
        .join("meta.json");
    let text = std::fs::read_to_string(&meta).map_err(|e| {
        format!(
            "docker context `{name}`: cannot read `{}`: {e}",
            meta.display()
        )
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "docker context `{name}`: `{}` is not JSON: {e}",
            meta.display()
        )
    })?;
    let docker = &json["Endpoints"]["docker"];
    let host = docker["Host"]
        .as_str()
        .ok_or_else(|| {
            format!(
                "docker context `{name}` has no docker endpoint in `{}`",
                meta.display()
            )
        })?
        .to_string();
    let tls_dir = dir
        .join("contexts")
        .join("tls")
        .join(&digest)
        .join("docker");
    let tls = (!docker["SkipTLSVerify"].as_bool().unwrap_or(false)
        && tls_dir.join("ca.pem").exists())
    .then_some(tls_dir);
    Ok(Endpoint {
        host,
        origin: format!("docker context `{name}`"),
        tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)]) -> Result<Endpoint, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(&move |name: &str| map.get(name).cloned())
    }

    #[test]
    fn docker_host_wins() {
        let ep = with(&[
            ("DOCKER_HOST", "tcp://10.0.0.1:2375"),
            ("DOCKER_CONTEXT", "remote"),
        ])
        .unwrap();
        assert_eq!(ep.host, "tcp://10.0.0.1:2375");
        assert_eq!(ep.origin, "DOCKER_HOST");
        assert_eq!(ep.tls, None);
    }

    #[test]
    fn context_is_read_from_meta_json() {
        let dir = tempfile::tempdir().unwrap();
        let digest: String = Sha256::digest(b"remote")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let meta = dir.path().join("contexts/meta").join(digest);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"remote","Endpoints":{"docker":{"Host":"unix:///tmp/remote.sock","SkipTLSVerify":false}}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"remote"}"#,
        )
        .unwrap();
        let config = dir.path().to_str().unwrap().to_string();
        let ep = with(&[("DOCKER_CONFIG", &config)]).unwrap();
        assert_eq!(ep.host, "unix:///tmp/remote.sock");
        assert!(ep.origin.contains("remote"));
        let missing = with(&[("DOCKER_CONFIG", &config), ("DOCKER_CONTEXT", "nope")]).unwrap_err();
        assert!(missing.contains("nope"), "{missing}");
    }
}
