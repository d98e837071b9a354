//! `dockwright.toml`: the services of a repository and how each is built and tested.
//!
//! Zero configuration means one service, `app`, built from `./Dockerfile.runtime`.
//! Every key is checked: an unknown key or a wrong type names the file, line and column,
//! and the form that was expected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The file name, at the repository root.
pub const FILE_NAME: &str = "dockwright.toml";
/// The runtime Dockerfile of the zero-config service.
pub const DEFAULT_DOCKERFILE: &str = "Dockerfile.runtime";
/// The name of the zero-config service.
pub const DEFAULT_SERVICE: &str = "app";

/// What the post-checkout, post-merge and post-rewrite hooks do about a stale image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnStale {
    /// Say which inputs changed and the command to run (the default).
    #[default]
    Warn,
    /// Start `dockwright build` in the background. This runs the RUN steps of the Dockerfile
    /// of whatever branch was checked out: they are code, as much as the branch's scripts are.
    Build,
}

/// A test command: a shell line (run with `sh -c`) or an argument vector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum TestCommand {
    /// `test = "pytest -q"`.
    Shell(String),
    /// `test = ["pytest", "-q"]`.
    Argv(Vec<String>),
}

impl TestCommand {
    /// The argument vector to run.
    pub fn argv(&self) -> Vec<String> {
        match self {
            TestCommand::Shell(line) => vec!["sh".into(), "-c".into(), line.clone()],
            TestCommand::Argv(argv) => argv.clone(),
        }
    }

    /// The command as a person would type it.
    pub fn display(&self) -> String {
        match self {
            TestCommand::Shell(line) => line.clone(),
            TestCommand::Argv(argv) => argv.join(" "),
        }
    }
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    project: Option<String>,
    #[serde(default)]
    on_stale: OnStale,
    #[serde(default)]
    services: BTreeMap<String, RawService>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    context: Option<String>,
    dockerfile: Option<String>,
    target: Option<String>,
    image: Option<String>,
    #[serde(default)]
    build_args: BTreeMap<String, String>,
    test: Option<TestCommand>,
    #[serde(default)]
    sandbox: SandboxConfig,
}

/// One service: a runtime image and how it is tested.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    /// Name, unique in the project.
    pub name: String,
    /// Build context, relative to the repository root, `/`-separated, "" for the root.
    pub context: String,
    /// The runtime Dockerfile, relative to the repository root.
    pub dockerfile: String,
    /// Stage of a multi-stage Dockerfile to build, if any.
    pub target: Option<String>,
    /// Image repository name (the tag is the fingerprint); default `<project>-<service>-runtime`.
    pub image: Option<String>,
    /// Build arguments, passed to the build and part of the fingerprint.
    pub build_args: BTreeMap<String, String>,
    /// Test command; default from the stack.
    pub test: Option<TestCommand>,
    /// Sandbox settings.
    pub sandbox: SandboxConfig,
}

/// The whole configuration of a repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `dockwright.toml`, when there is one.
    pub path: Option<PathBuf>,
    /// Project name; default the repository directory's name.
    pub project: Option<String>,
    /// What the hooks do about a stale image.
    pub on_stale: OnStale,
    /// The services, in name order.
    pub services: Vec<ServiceConfig>,
}

/// What is wrong with `dockwright.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is not valid TOML or does not have the expected form.
    #[error("`{}` line {line}, column {column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
        /// The form that was expected.
        help: String,
    },
    /// A value that parses but cannot be used.
    #[error("`{}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, quoting the value.
        message: String,
        /// The fix.
        help: String,
    },
    /// The file exists but cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ConfigError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            ConfigError::Syntax { help, .. } | ConfigError::Invalid { help, .. } => {
                Some(help.clone())
            }
            ConfigError::Read { .. } => None,
        }
    }
}

impl Config {
    /// Reads `dockwright.toml` at `root`, or gives the zero-config default when there is none.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default_config()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// The zero-config default: one service `app` from `./Dockerfile.runtime`.
    pub fn default_config() -> Config {
        Config {
            path: None,
            project: None,
            on_stale: OnStale::Warn,
            services: vec![ServiceConfig {
                name: DEFAULT_SERVICE.into(),
                context: String::new(),
                dockerfile: DEFAULT_DOCKERFILE.into(),
                target: None,
                image: None,
                build_args: BTreeMap::new(),
                test: None,
                sandbox: SandboxConfig::default(),
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
            if let Some(memory) = &raw.sandbox.memory {
                parse_bytes(memory).ok_or_else(|| {
                    invalid(
                        format!("service `{name}`: sandbox.memory `{memory}` is not a size"),
                        "write a number with a unit: `512m`, `2g`",
                    )
                })?;
            }
            if let Some(TestCommand::Argv(argv)) = &raw.test {
                if argv.is_empty() {
                    return Err(invalid(
                        format!("service `{name}`: test is an empty list"),
                        "give the command, such as `test = [\"pytest\", \"-q\"]` or `test = \"pytest -q\"`",
                    ));
                }
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
            });
        }
        if services.is_empty() {
            services = Config::default_config().services;
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            project: raw.project,
            on_stale: raw.on_stale,
            services,
        })
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

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
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

    pub(super) fn serialize<S: Serializer>(
        timeout: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match timeout {
            Some(d) => serializer.serialize_str(&humantime::format_duration(*d).to_string()),
            None => serializer.serialize_none(),
        }
    }
}

fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
    let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let (line, column) = line_column(text, offset);
    let message = e.message().trim().to_string();
    let help = if let Some(help) = duration_help(&message) {
        help
    } else if message.contains("untagged enum TestCommand") {
        "`test` is a shell line or a list of arguments: `test = \"pytest -q\"` or `test = [\"pytest\", \"-q\"]`".to_string()
    } else if message.starts_with("unknown field") {
        "remove the key or correct its spelling; the keys are documented in the README".to_string()
    } else if message.contains("unknown variant") {
        "use one of the values listed above".to_string()
    } else if message.starts_with("invalid type") {
        "give the value in the form named above".to_string()
    } else {
        "see the README for the form of dockwright.toml".to_string()
    };
    let message = if message.contains("untagged enum TestCommand") {
        "invalid type for `test`, expected a string or an array of strings".to_string()
    } else {
        message
    };
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message,
        help,
    }
}

/// The fix for a `timeout` the duration reader refused, recognised by its message.
fn duration_help(message: &str) -> Option<String> {
    (message.contains("is not a duration")
        || message.contains("give a duration from")
        || message.contains("expected a duration"))
    .then(|| crate::duration::help(&crate::duration::RUN_TIMEOUT))
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Normalises a relative path (`./a//b/` → `a/b`, `.` → ``); None when it is absolute or leaves
/// its root through `..`.
pub fn clean_relative(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Parses `512m`, `2g`, `1.5GiB`, `1024` (bytes).
pub fn parse_bytes(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().trim_end_matches("ib").trim_end_matches('b') {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = value * factor;
    (bytes.is_finite() && bytes >= 1.0 && bytes < i64::MAX as f64).then_some(bytes as i64)
}

#[cfg(test)]
mod tests {
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
    fn sizes() {
        assert_eq!(parse_bytes("2g"), Some(2 << 30));
        assert_eq!(parse_bytes("512MiB"), Some(512 << 20));
        assert_eq!(parse_bytes("lots"), None);
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
}
