//! `doctor`: what a user's setup needs, checked one thing at a time, each with its fix.
//!
//! The checks: the engine (reachable, its API version), Compose v2, each git hook (the binary
//! its shim runs exists and is this version, or the hook manager in charge runs dockwright),
//! the hooks directory, `nu` and the plugin registered at this version (when `nu` is there),
//! the registry (when configured; there is no registry setting yet), and free disk where the
//! engine keeps its images. Every check runs, whatever the others found.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::engine::{Engine, EnvLookup, Pace};
use crate::hooks::install::{binary::is_executable, find_binary, hooks_dir, Installer, State};
use crate::hooks::manager::{self, Managed};
use crate::hooks::Hook;
use crate::project::VERSION;
use crate::repo::Repo;

/// The engine API version every call dockwright makes exists in (engine 20.10).
const MIN_API: (u32, u32) = (1, 41);
/// The `nu` version the plugin is built against (`nu-plugin` in Cargo.toml): a plugin loads
/// only into a `nu` of the same minor version.
pub const NU_VERSION: &str = "0.115.1";
/// Below this much free space where the engine keeps images, builds start to fail.
const DISK_FAIL: u64 = 1 << 30;
/// Below this much, a warning.
const DISK_WARN: u64 = 5 << 30;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fine.
    Ok,
    /// Works, less well than it could; the fix says how.
    Warn,
    /// Broken; the fix says how to mend it.
    Fail,
    /// Does not apply here (not configured, not in a repository).
    Skip,
}

impl Level {
    /// The word shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
            Level::Skip => "skip",
        }
    }
}

/// One check.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// What was checked (`engine`, `hook post-checkout`, …).
    pub name: String,
    /// How it came out.
    pub level: Level,
    /// What was found.
    pub detail: String,
    /// How to fix it, when it is not ok.
    pub fix: Option<String>,
}

/// Every check, in order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The checks.
    pub checks: Vec<Check>,
    /// Whether no check failed.
    pub passed: bool,
}

fn check(name: &str, level: Level, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check {
        name: name.to_string(),
        level,
        detail: detail.into(),
        fix,
    }
}

/// Runs every check for the directory `dir`, with the engine the environment `lookup` names.
pub fn doctor(dir: &Path, lookup: EnvLookup<'_>) -> Report {
    let mut checks = Vec::new();
    let root_dir = engine_checks(lookup, &mut checks);
    checks.push(compose());
    hook_checks(dir, &mut checks);
    checks.push(nu());
    checks.push(check("registry", Level::Skip, "not configured", None));
    checks.push(disk(root_dir));
    let passed = checks.iter().all(|c| c.level != Level::Fail);
    Report { checks, passed }
}

/// `engine`; returns the engine's root directory when the engine is on this machine.
fn engine_checks(lookup: EnvLookup<'_>, checks: &mut Vec<Check>) -> Option<PathBuf> {
    let fail = |e: crate::engine::EngineError| {
        let fix = e.help();
        check("engine", Level::Fail, e.to_string(), fix)
    };
    let engine = match Engine::for_pace(lookup, Pace::Command) {
        Ok(engine) => engine,
        Err(e) => {
            checks.push(fail(e));
            return None;
        }
    };
    let facts = match super::block_on(async { Ok(engine.facts().await) }) {
        Ok(Ok(facts)) => facts,
        Ok(Err(e)) => {
            checks.push(fail(e));
            return None;
        }
        Err(e) => {
            checks.push(check("engine", Level::Fail, e.to_string(), e.help()));
            return None;
        }
    };
    let host = &engine.endpoint().host;
    let detail = format!(
        "Docker {} at `{host}` ({}), API {}",
        facts.version,
        engine.endpoint().origin,
        facts.api_version
    );
    let api = parse_api(&facts.api_version);
    if api.is_some_and(|v| v < MIN_API) {
        checks.push(check(
            "engine",
            Level::Fail,
            detail,
            Some(format!(
                "dockwright needs engine API {}.{} (Docker 20.10) or newer: upgrade the engine",
                MIN_API.0, MIN_API.1
            )),
        ));
    } else {
        checks.push(check("engine", Level::Ok, detail, None));
    }
    host.starts_with("unix://")
        .then(|| PathBuf::from(&facts.root_dir))
        .filter(|p| p.is_absolute())
}

fn parse_api(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The stdout of a program, when it ran and succeeded.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `compose`: v2 as a docker CLI plugin.
fn compose() -> Check {
    let install = "install the Compose v2 CLI plugin: your distribution's `docker-compose-plugin` (Docker's apt repository) or `docker-compose` 2.x (Debian trixie), or put the `docker-compose` binary in ~/.docker/cli-plugins/";
    match output("docker", &["compose", "version", "--short"]) {
        Some(v) if v.trim_start_matches('v').starts_with("2.") => {
            check("compose", Level::Ok, format!("Compose {v}"), None)
        }
        Some(v) => check(
            "compose",
            Level::Warn,
            format!("Compose {v}; dockwright is tested with Compose v2"),
            Some(install.into()),
        ),
        None => match output("docker-compose", &["version", "--short"]) {
            Some(v) => check(
                "compose",
                Level::Warn,
                format!("only Compose v1 (`docker-compose` {v}); `dockwright up` wants v2"),
                Some(install.into()),
            ),
            None => check(
                "compose",
                Level::Fail,
                "no `docker compose` (Compose v2) and no `docker-compose`",
                Some(install.into()),
            ),
        },
    }
}

/// `hooks directory` and one check per hook.
fn hook_checks(dir: &Path, checks: &mut Vec<Check>) {
    let Ok(repo) = Repo::discover(dir) else {
        checks.push(check(
            "hooks",
            Level::Skip,
            format!("`{}` is not in a git repository", dir.display()),
            None,
        ));
        return;
    };
    let hooks_dir = match hooks_dir(&repo) {
        Ok(d) => d,
        Err(e) => {
            checks.push(check(
                "hooks directory",
                Level::Fail,
                e.to_string(),
                e.help(),
            ));
            return;
        }
    };
    let managed = manager::detect(repo.root());
    let shown = hooks_dir
        .strip_prefix(repo.root())
        .unwrap_or(&hooks_dir)
        .display()
        .to_string();
    let hooks_path = output_in(repo.root(), &["config", "core.hooksPath"]);
    let mut detail = match &hooks_path {
        Some(p) => format!("core.hooksPath = `{p}` (`{shown}`)"),
        None => format!("`{shown}`"),
    };
    let outside = !hooks_dir.starts_with(repo.root()) && !hooks_dir.starts_with(repo.common_dir());
    if let Some(m) = &managed {
        detail.push_str(&format!(
            "; managed by {} (`{}`)",
            m.manager.name(),
            m.config.display()
        ));
    }
    checks.push(if outside {
        check(
            "hooks directory",
            Level::Warn,
            format!(
                "{detail}, outside this repository: its hooks run in every repository that uses it"
            ),
            Some("`git config --unset core.hooksPath` to use this repository's own hooks".into()),
        )
    } else {
        check("hooks directory", Level::Ok, detail, None)
    });
    let installer = Installer::new(hooks_dir);
    for hook in Hook::ALL {
        checks.push(hook_check(&installer, hook, managed.as_ref()));
    }
}

fn output_in(dir: &Path, args: &[&str]) -> Option<String> {
    let out = crate::repo::git_command(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// One hook: the shim's binary exists and is this version; or the manager runs dockwright.
fn hook_check(installer: &Installer, hook: Hook, managed: Option<&Managed>) -> Check {
    let name = format!("hook {}", hook.name());
    let reinstall = || {
        Some(
            "install dockwright's binaries (`cargo install --locked --path .` in its checkout), then `dockwright hooks install`"
                .to_string(),
        )
    };
    let status = match installer.status(hook, &crate::hooks::install::binary(hook).0) {
        Ok(s) => s,
        Err(e) => return check(&name, Level::Fail, e.to_string(), e.help()),
    };
    match (status.state, managed) {
        (State::Ours | State::Chained | State::Outdated, _) => {
            let Some(bin) = status.binary.clone() else {
                return check(
                    &name,
                    Level::Warn,
                    "a dockwright shim that names no binary",
                    Some("`dockwright hooks install` rewrites it".into()),
                );
            };
            let bin = PathBuf::from(bin);
            if !is_executable(&bin) {
                return check(
                    &name,
                    Level::Fail,
                    format!("the shim runs `{}`, which is missing", bin.display()),
                    reinstall(),
                );
            }
            let found = binary_version(&bin);
            if found.as_deref() != Some(VERSION) {
                let was =
                    found.map_or("an unknown version".to_string(), |v| format!("version {v}"));
                return check(
                    &name,
                    Level::Fail,
                    format!(
                        "the shim runs `{}`, {was}; this is dockwright {VERSION}",
                        bin.display()
                    ),
                    reinstall(),
                );
            }
            if status.state == State::Outdated {
                return check(
                    &name,
                    Level::Warn,
                    format!("an older shim ({})", status.detail),
                    Some("`dockwright hooks install` upgrades it".into()),
                );
            }
            check(
                &name,
                Level::Ok,
                format!("runs `{}` {VERSION}", bin.display()),
                None,
            )
        }
        (_, Some(m)) => {
            let config = m.config.display();
            let Some(bin) = find_binary(hook) else {
                return check(
                    &name,
                    Level::Fail,
                    format!(
                        "{} runs the hooks, but `{}` is not on PATH",
                        m.manager.name(),
                        hook.binary_name()
                    ),
                    reinstall(),
                );
            };
            if !m.has_dockwright {
                return check(
                    &name,
                    Level::Warn,
                    format!(
                        "{} runs the hooks, and `{config}` does not mention dockwright",
                        m.manager.name()
                    ),
                    Some(format!(
                        "add the entries `dockwright hooks install` prints to `{config}`"
                    )),
                );
            }
            match binary_version(&bin) {
                Some(v) if v == VERSION => check(
                    &name,
                    Level::Ok,
                    format!(
                        "through {} (`{config}`), `{}` {VERSION}",
                        m.manager.name(),
                        bin.display()
                    ),
                    None,
                ),
                found => check(
                    &name,
                    Level::Fail,
                    format!(
                        "`{}` on PATH is {}; this is dockwright {VERSION}",
                        bin.display(),
                        found.map_or("of an unknown version".to_string(), |v| format!(
                            "version {v}"
                        ))
                    ),
                    reinstall(),
                ),
            }
        }
        (State::Foreign, None) => check(
            &name,
            Level::Warn,
            format!(
                "`{}` is someone else's hook; dockwright's does not run",
                status.path.display()
            ),
            Some("`dockwright hooks install` keeps it and runs it first".into()),
        ),
        (State::Missing, None) => check(
            &name,
            Level::Warn,
            "not installed",
            Some("`dockwright hooks install`".into()),
        ),
    }
}

/// What `<hook binary> --version` says: `dockwright-hook-<name> <version>`.
fn binary_version(bin: &Path) -> Option<String> {
    let text = output(bin.to_str()?, &["--version"])?;
    let (_, version) = text.lines().next()?.rsplit_once(' ')?;
    Some(version.to_string())
}

/// `nu`: its version, and the plugin registered at this version.
fn nu() -> Check {
    let Some(version) = output("nu", &["--version"]) else {
        return check(
            "nu plugin",
            Level::Skip,
            "`nu` is not installed (only the Nushell plugin needs it)",
            None,
        );
    };
    if version != NU_VERSION {
        return check(
            "nu plugin",
            Level::Fail,
            format!("`nu` is {version}; the plugin is built for nu {NU_VERSION} and loads only into that minor version"),
            Some(format!("`cargo install nu --locked --version {NU_VERSION}`")),
        );
    }
    let add = "`nu -c 'plugin add <cargo bin dir>/nu_plugin_dockwright'` after `cargo install --locked --path plugins/nu_plugin_dockwright`".to_string();
    let list = output(
        "nu",
        &[
            "-n",
            "-c",
            "plugin list --registry | where name == dockwright | select version filename | to json -r",
        ],
    );
    let rows: Vec<serde_json::Value> = list
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    match rows.first() {
        None => check(
            "nu plugin",
            Level::Warn,
            format!("nu {version}; the dockwright plugin is not registered"),
            Some(add),
        ),
        Some(row) => {
            let plugin = row["version"].as_str().unwrap_or("?");
            let file = row["filename"].as_str().unwrap_or("?");
            if plugin != VERSION {
                check(
                    "nu plugin",
                    Level::Fail,
                    format!("nu {version}; `{file}` is registered at version {plugin}, this is {VERSION}"),
                    Some(add),
                )
            } else if !Path::new(file).is_file() {
                check(
                    "nu plugin",
                    Level::Fail,
                    format!("nu {version}; the registered plugin `{file}` is missing"),
                    Some(add),
                )
            } else {
                check(
                    "nu plugin",
                    Level::Ok,
                    format!("nu {version}; `{file}` {plugin}"),
                    None,
                )
            }
        }
    }
}

/// `disk`: free space where the engine keeps its images, when that is on this machine.
fn disk(root_dir: Option<PathBuf>) -> Check {
    let Some(root) = root_dir else {
        return check(
            "disk",
            Level::Skip,
            "the engine is not on this machine (or not reachable): its disk cannot be measured from here",
            None,
        );
    };
    let free = output("df", &["-Pk", &root.to_string_lossy()]).and_then(|text| {
        let line = text.lines().nth(1)?;
        let avail: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
        Some(avail * 1024)
    });
    let Some(free) = free else {
        return check(
            "disk",
            Level::Warn,
            format!("cannot measure the free space at `{}`", root.display()),
            Some("check it with `docker system df` and `df -h`".into()),
        );
    };
    let gib = free as f64 / (1u64 << 30) as f64;
    let detail = format!("{gib:.1} GiB free at `{}`", root.display());
    let fix = Some(
        "free space: `dockwright gc`, `docker image prune`, `docker builder prune`".to_string(),
    );
    if free < DISK_FAIL {
        check("disk", Level::Fail, detail, fix)
    } else if free < DISK_WARN {
        check("disk", Level::Warn, detail, fix)
    } else {
        check("disk", Level::Ok, detail, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nu_version_is_the_one_the_plugin_is_pinned_to() {
        let manifest = include_str!("../../Cargo.toml");
        assert!(
            manifest.contains(&format!("nu-plugin = \"={NU_VERSION}\"")),
            "NU_VERSION must match nu-plugin in Cargo.toml"
        );
    }

    #[test]
    fn api_versions_compare_as_numbers() {
        assert_eq!(parse_api("1.41"), Some((1, 41)));
        assert!(parse_api("1.9").unwrap() < MIN_API);
        assert!(parse_api("1.100").unwrap() > MIN_API);
        assert_eq!(parse_api("x"), None);
    }
}
