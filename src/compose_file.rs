//! A compose file as a source of services: with no `dockwright.toml`, each compose service that
//! has a `build:` section (context, dockerfile, target, args) is a dockwright service of the
//! same name, so `status`, the hooks, `test` and `up` work on an existing multi-service compose
//! project with zero configuration. A `dockwright.toml` wins: when there is one, it alone
//! says what the services are.
//!
//! Only what decides the image is read; compose's variables (`${VAR}`) are not interpolated, so
//! a service whose build section uses one is passed over (its image would depend on a shell's
//! environment, which a hook cannot see).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::config::{clean_relative, Config, ServiceConfig};
use crate::error::{Error, Result};
use crate::tree::Tree;

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    services: BTreeMap<String, Service>,
}

#[derive(Debug, Deserialize)]
struct Service {
    build: Option<Build>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Build {
    /// `build: ./backend`.
    Context(String),
    /// `build: {context, dockerfile, target, args}`.
    Full {
        context: Option<String>,
        dockerfile: Option<String>,
        target: Option<String>,
        args: Option<Args>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Args {
    Map(BTreeMap<String, Option<Scalar>>),
    List(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(t) => t,
        }
    }
}

/// The configuration that the compose file in `tree` gives (None when there is no compose file
/// or none of its services has a `build:` section). `root` names the file in errors.
pub fn config(tree: &Tree<'_>, root: &Path) -> Result<Option<Config>> {
    for name in crate::up::compose::FILE_NAMES {
        let path = root.join(name);
        let Some(text) = tree
            .read_text(name)
            .map_err(|e| Error::io("read", &path, e))?
        else {
            continue;
        };
        let services = services(&text, &path)?;
        if services.is_empty() {
            return Ok(None);
        }
        let mut config = Config::default_config();
        config.services = services;
        return Ok(Some(config));
    }
    Ok(None)
}

/// The services with a `build:` section in the compose file `text` (read from `path`).
pub fn services(text: &str, path: &Path) -> Result<Vec<ServiceConfig>> {
    let file: File = serde_saphyr::from_str(text).map_err(|e| {
        Error::msg(
            format!("`{}` is not a compose file dockwright can read: {e}", path.display()),
            "fix the file (`docker compose config` shows the same problem), or declare the services in dockwright.toml",
        )
    })?;
    let mut out = Vec::new();
    for (name, service) in file.services {
        let Some(build) = service.build else { continue };
        let (context, dockerfile, target, args) = match build {
            Build::Context(context) => (Some(context), None, None, None),
            Build::Full {
                context,
                dockerfile,
                target,
                args,
            } => (context, dockerfile, target, args),
        };
        let context = context.unwrap_or_else(|| ".".into());
        let dockerfile = dockerfile.unwrap_or_else(|| "Dockerfile".into());
        let mut build_args = BTreeMap::new();
        match args {
            Some(Args::Map(map)) => {
                for (k, v) in map {
                    // An arg without a value takes it from the shell: not part of the image here.
                    if let Some(v) = v {
                        build_args.insert(k, v.text());
                    }
                }
            }
            Some(Args::List(list)) => {
                for item in list {
                    if let Some((k, v)) = item.split_once('=') {
                        build_args.insert(k.to_string(), v.to_string());
                    }
                }
            }
            None => {}
        }
        let interpolated = [&context, &dockerfile]
            .into_iter()
            .chain(target.as_ref())
            .chain(build_args.values())
            .any(|v| v.contains('$'));
        if interpolated || context.contains("://") {
            continue;
        }
        let (Some(context), Some(dockerfile)) = (
            clean_relative(&context),
            clean_relative(&format!("{context}/{dockerfile}")),
        ) else {
            return Err(Error::msg(
                format!(
                    "`{}`: service `{name}` builds from outside the repository",
                    path.display()
                ),
                "declare the services in dockwright.toml, with contexts inside the repository",
            ));
        };
        out.push(ServiceConfig {
            name,
            context,
            dockerfile,
            target,
            image: None,
            build_args,
            test: None,
            sandbox: Default::default(),
            build: Default::default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_sections_become_services() {
        let text = r#"
services:
  backend:
    build:
      context: ./backend
      dockerfile: Dockerfile.dev
      target: runtime
      args:
        PYTHON: "3.11"
        DEBUG: 1
        FROM_SHELL:
  frontend:
    build: frontend
    ports: ["3000:3000"]
  db:
    image: postgres:16
  env:
    build:
      context: ${APP_DIR}
"#;
        let services = services(text, Path::new("compose.yaml")).unwrap();
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["backend", "frontend"]);
        assert_eq!(services[0].context, "backend");
        assert_eq!(services[0].dockerfile, "backend/Dockerfile.dev");
        assert_eq!(services[0].target.as_deref(), Some("runtime"));
        assert_eq!(services[0].build_args["PYTHON"], "3.11");
        assert_eq!(services[0].build_args["DEBUG"], "1");
        assert!(!services[0].build_args.contains_key("FROM_SHELL"));
        assert_eq!(services[1].dockerfile, "frontend/Dockerfile");
    }

    #[test]
    fn outside_contexts_and_bad_yaml_name_the_file() {
        let e = services(
            "services:\n  a:\n    build: ../elsewhere\n",
            Path::new("compose.yaml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("`a` builds from outside"), "{e}");
        let e = services("services: [", Path::new("/r/compose.yaml")).unwrap_err();
        assert!(e.to_string().contains("/r/compose.yaml"), "{e}");
    }
}
