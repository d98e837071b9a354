//! `dockwright.toml`: the services of a repository and how each is built and tested.
//!
//! Zero configuration means one service, `app`, built from `./Dockerfile.runtime`.
//! Every key is checked: an unknown key or a wrong type names the file, line and column,
//! and the form that was expected.
//!
//! One concept per file: schema.rs (the form of the file, and the resolved service), sandbox.rs
//! (a service's sandbox settings), error.rs (what is wrong, where, and the fix), values.rs
//! (names, relative paths, sizes), build.rs (build secrets and cache); loading and validation are here.

mod build;
mod error;
mod sandbox;
mod schema;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use build::{BuildSettings, SecretConfig};
pub use error::{line_column, ConfigError};
pub use sandbox::{Limit, SandboxConfig};
pub use schema::{OnStale, PrePush, ServiceConfig, TestCommand};
pub use values::{clean_relative, parse_bytes};

use error::syntax_error;
use schema::RawConfig;
use values::valid_name;

/// The file name, at the repository root.
pub const FILE_NAME: &str = "dockwright.toml";
/// The runtime Dockerfile of the zero-config service.
pub const DEFAULT_DOCKERFILE: &str = "Dockerfile.runtime";
/// The name of the zero-config service.
pub const DEFAULT_SERVICE: &str = "app";

/// The whole configuration of a repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `dockwright.toml`, when there is one.
    pub path: Option<PathBuf>,
    /// Project name; default the repository directory's name.
    pub project: Option<String>,
    /// What the hooks do about a stale image.
    pub on_stale: OnStale,
    /// Which commits of a push the pre-push hook tests.
    pub pre_push: PrePush,
    /// The services, in name order.
    pub services: Vec<ServiceConfig>,
}

impl Config {
    /// Reads `dockwright.toml` at `root`, or gives the zero-config default when there is none.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        match crate::fs::read_to_string_if_exists(&path)? {
            Some(text) => Config::parse(&text, &path),
            None => Ok(Config::default_config()),
        }
    }

    /// The zero-config default: one service `app` from `./Dockerfile.runtime`.
    pub fn default_config() -> Config {
        Config {
            path: None,
            project: None,
            on_stale: OnStale::Warn,
            pre_push: PrePush::Tip,
            services: vec![ServiceConfig {
                name: DEFAULT_SERVICE.into(),
                context: String::new(),
                dockerfile: DEFAULT_DOCKERFILE.into(),
                target: None,
                image: None,
                build_args: BTreeMap::new(),
                test: None,
                sandbox: SandboxConfig::default(),
                build: BuildSettings::default(),
            }],
        }
    }

    /// Parses the text of `dockwright.toml` found at `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| syntax_error(text, path, &e))?;
        let invalid = |message: String, help: &str| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
            help: help.to_string(),
        };
        if let Some(project) = &raw.project {
            if !valid_name(project) {
                return Err(invalid(
                    format!("project name `{project}` is not a valid image name"),
                    "use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit",
                ));
            }
        }
        let mut services = Vec::new();
        for (name, raw) in raw.services {
            if !valid_name(&name) {
                return Err(invalid(
                    format!("service name `{name}` is not valid"),
                    "use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit",
                ));
            }
            let context = clean_relative(raw.context.as_deref().unwrap_or(".")).ok_or_else(|| {
                invalid(
                    format!(
                        "service `{name}`: context `{}` leaves the repository",
                        raw.context.clone().unwrap_or_default()
                    ),
                    "give a directory inside the repository, relative to its root, such as `backend`",
                )
            })?;
            let dockerfile_rel = raw.dockerfile.as_deref().unwrap_or(DEFAULT_DOCKERFILE);
            let joined = if context.is_empty() {
                dockerfile_rel.to_string()
            } else {
                format!("{context}/{dockerfile_rel}")
            };
            let dockerfile = clean_relative(&joined).ok_or_else(|| {
                invalid(
                    format!(
                        "service `{name}`: dockerfile `{dockerfile_rel}` leaves the repository"
                    ),
                    "give the Dockerfile's path relative to the service's context",
                )
            })?;
            if let Some(TestCommand::Argv(argv)) = &raw.test {
                if argv.is_empty() {
                    return Err(invalid(
                        format!("service `{name}`: test is an empty list"),
                        "give the command, such as `test = [\"pytest\", \"-q\"]` or `test = \"pytest -q\"`",
                    ));
                }
            }
            if let Some(id) = raw.secrets.keys().find(|id| !build::valid_secret_id(id)) {
                return Err(invalid(
                    format!("service `{name}`: secret id `{id}` is not valid"),
                    "use letters, digits, `_`, `-` and `.`, as `RUN --mount=type=secret,id=…` names it",
                ));
            }
            services.push(ServiceConfig {
                name,
                context,
                dockerfile,
                target: raw.target,
                image: raw.image,
                build_args: raw.build_args,
                test: raw.test,
                sandbox: raw.sandbox,
                build: BuildSettings {
                    secrets: raw.secrets,
                    cache_from: raw.cache_from,
                    cache_to: raw.cache_to,
                },
            });
        }
        if services.is_empty() {
            services = Config::default_config().services;
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            project: raw.project,
            on_stale: raw.on_stale,
            pre_push: raw.pre_push,
            services,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/repo/dockwright.toml"))
    }

    #[test]
    fn empty_file_is_the_zero_config_service() {
        let config = parse("").unwrap();
        assert_eq!(config.services.len(), 1);
        assert_eq!(config.services[0].dockerfile, "Dockerfile.runtime");
    }

    #[test]
    fn build_secrets_and_cache_per_service() {
        let config = parse(
            "[services.api]\nsecrets = { pip_index = { env = \"PIP_INDEX_URL\" }, npmrc = { file = \".secrets/npmrc\" } }\ncache_from = [\"registry.example/api:cache\"]\ncache_to = [\"registry.example/api:cache\"]\n",
        )
        .unwrap();
        let build = &config.services[0].build;
        assert_eq!(
            build.secrets["pip_index"],
            SecretConfig::Env("PIP_INDEX_URL".into())
        );
        assert_eq!(
            build.secrets["npmrc"],
            SecretConfig::File(".secrets/npmrc".into())
        );
        assert_eq!(build.cache_from, ["registry.example/api:cache"]);
        assert_eq!(build.cache_to, ["registry.example/api:cache"]);
        let err = parse("[services.api]\nsecrets = { pip = { url = \"x\" } }\n").unwrap_err();
        assert!(err.to_string().contains("url"), "{err}");
        let err = parse("[services.api]\nsecrets = { \"a b\" = { env = \"X\" } }\n").unwrap_err();
        assert!(err.to_string().contains("secret id `a b`"), "{err}");
    }

    #[test]
    fn unknown_key_names_line_column_and_key() {
        let err = parse("[services.api]\ncontxt = \"api\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 2, column 1"), "{text}");
        assert!(text.contains("contxt"), "{text}");
        assert!(err.help().unwrap().contains("spelling"));
    }

    #[test]
    fn wrong_type_names_expected_form() {
        let err = parse("[services.api]\nbuild_args = 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("invalid type"), "{text}");
    }

    #[test]
    fn test_command_of_wrong_type_says_both_forms() {
        let err = parse("[services.api]\ntest = 3\n").unwrap_err();
        assert!(err.to_string().contains("string or an array"), "{err}");
    }

    #[test]
    fn bad_on_stale_value_lists_variants() {
        let err = parse("on_stale = \"sometimes\"\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("sometimes") && text.contains("warn"),
            "{text}"
        );
    }

    #[test]
    fn pre_push_is_tip_unless_each_is_asked_for() {
        assert_eq!(parse("").unwrap().pre_push, PrePush::Tip);
        assert_eq!(
            parse("pre_push = \"each\"\n").unwrap().pre_push,
            PrePush::Each
        );
        let err = parse("pre_push = \"all\"\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("line 1, column 12") && text.contains("expected `tip` or `each`"),
            "{text}"
        );
    }

    #[test]
    fn context_and_dockerfile_are_joined_and_cleaned() {
        let config =
            parse("[services.api]\ncontext = \"./backend/\"\ndockerfile = \"docker/Dockerfile\"\n")
                .unwrap();
        assert_eq!(config.services[0].context, "backend");
        assert_eq!(config.services[0].dockerfile, "backend/docker/Dockerfile");
    }

    #[test]
    fn context_outside_repository_is_refused() {
        let err = parse("[services.api]\ncontext = \"../elsewhere\"\n").unwrap_err();
        assert!(err.to_string().contains("leaves the repository"), "{err}");
    }

    #[test]
    fn bad_duration_is_named_with_line_and_column() {
        let err = parse("[services.api.sandbox]\ntimeout = \"forever\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`forever`"), "{text}");
        assert!(text.contains("line 2, column 11"), "{text}");
        assert!(err.help().unwrap().contains("`90s`"), "{err:?}");
    }

    #[test]
    fn timeout_is_read_once_into_a_duration() {
        let config = parse("[services.api.sandbox]\ntimeout = \"1h30m\"\n").unwrap();
        assert_eq!(
            config.services[0].sandbox.timeout,
            Some(Duration::from_secs(5400))
        );
        let config = parse("[services.api.sandbox]\ntimeout = 90\n").unwrap();
        assert_eq!(
            config.services[0].sandbox.timeout,
            Some(Duration::from_secs(90))
        );
    }

    // Regression: this panicked in `Duration::from_secs_f64`, crashing the pre-push hook.
    #[test]
    fn huge_timeout_is_an_error_naming_value_and_range() {
        let err =
            parse("[services.api.sandbox]\ntimeout = \"99999999999999999999s\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`99999999999999999999s`"), "{text}");
        assert!(text.contains("from 1s to 7days"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        let err = parse("[services.api.sandbox]\ntimeout = \"0s\"\n").unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
    }

    // Regression (issue 18): each of these used to lift the limit or run as root, silently.
    #[test]
    fn empty_zero_or_negative_sandbox_values_are_errors_naming_key_value_and_range() {
        let cases = [
            (
                "user = \"\"",
                "`user = \"\"` is empty",
                "a user name or uid[:gid]",
                8,
            ),
            (
                "pids = 0",
                "`pids = 0` is out of range",
                "1 to 4194304 processes",
                8,
            ),
            (
                "pids = -1",
                "`pids = -1` is out of range",
                "1 to 4194304 processes",
                8,
            ),
            (
                "cpus = 0.0",
                "`cpus = 0.0` is out of range",
                "0.01 to 1024 cores",
                8,
            ),
            (
                "cpus = -2",
                "`cpus = -2` is out of range",
                "0.01 to 1024 cores",
                8,
            ),
            (
                "memory = \"\"",
                "`memory = \"\"` is not a size",
                "6m or more",
                10,
            ),
            (
                "memory = \"0\"",
                "`memory = \"0\"` is not a size",
                "6m or more",
                10,
            ),
            (
                "memory = 0",
                "`memory = 0` is out of range",
                "6m or more",
                10,
            ),
            (
                "memory = \"1k\"",
                "`memory = \"1k\"` is out of range",
                "6m or more",
                10,
            ),
        ];
        for (line, says, range, column) in cases {
            let text = format!("[services.api]\ntest = \"true\"\n[services.api.sandbox]\n{line}\n");
            let err = parse(&text).unwrap_err();
            let shown = err.to_string();
            assert!(
                shown.starts_with(&format!(
                    "`/repo/dockwright.toml` line 4, column {column}: {says}"
                )),
                "{line}: {shown}"
            );
            assert!(shown.contains(range), "{line}: {shown}");
            let key = line.split(' ').next().unwrap();
            let help = err.help().unwrap();
            assert!(help.contains(&format!("`{key} = ")), "{line}: {help}");
        }
    }

    #[test]
    fn limits_are_lifted_only_by_name() {
        let config = parse(
            "[services.api.sandbox]\npids = \"unlimited\"\ncpus = \"unlimited\"\nmemory = \"unlimited\"\n",
        )
        .unwrap();
        let sandbox = &config.services[0].sandbox;
        assert_eq!(sandbox.pids, Some(Limit::Unlimited));
        assert_eq!(sandbox.cpus, Some(Limit::Unlimited));
        assert_eq!(sandbox.memory, Some(Limit::Unlimited));
        let config =
            parse("[services.api.sandbox]\npids = 64\ncpus = 1\nmemory = \"512m\"\n").unwrap();
        let sandbox = &config.services[0].sandbox;
        assert_eq!(sandbox.pids, Some(Limit::Value(64)));
        assert_eq!(sandbox.cpus, Some(Limit::Value(1.0)));
        assert_eq!(sandbox.memory, Some(Limit::Value(512 << 20)));
        let err = parse("[services.api.sandbox]\npids = \"lots\"\n").unwrap_err();
        assert!(err.to_string().contains("`pids = \"lots\"`"), "{err}");
        let err = parse("[services.api.sandbox]\npids = true\n").unwrap_err();
        assert!(err.to_string().contains("invalid type for `pids`"), "{err}");
        assert!(err.help().unwrap().contains("unlimited"), "{err:?}");
    }
}
