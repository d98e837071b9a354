//! Running Compose: the v2 CLI plugin (`docker compose`), else v1 (`docker-compose`), on the
//! project's own compose file plus an override that dockwright writes.
//!
//! **The link between compose and the runtime image.** For each dockwright service that the
//! compose file has, dockwright sets `DOCKWRIGHT_IMAGE_<SERVICE>` (the name upper-cased, `-` and
//! `.` as `_`) to the image of the current fingerprint, and adds an override file that sets the
//! service's `image:` to the same reference and `pull_policy: never`, and runs compose with
//! `--no-build`. The scaffolded `compose.yaml` reads the variable, with a default that exists
//! nowhere and says what to run (`image: ${DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}`,
//! `pull_policy: never`): `docker compose up` by hand without it stops on "no such image" instead
//! of starting an old image, while `ps`, `logs` and `down` need no variable; `dockwright env`
//! prints it for compose by hand. The override makes
//! `up` run the runtime image also in a compose file that builds its own (`build:` sections of
//! an existing project, or of the templates before issue 12), so compose never builds a second
//! image beside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::error::{Error, Result};

/// The compose files compose itself looks for, in its order of preference.
pub const FILE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
/// The override files compose itself loads next to them.
pub const OVERRIDE_NAMES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];
/// The start of the variables dockwright sets for compose to interpolate.
pub const IMAGE_VAR_PREFIX: &str = "DOCKWRIGHT_IMAGE_";

/// Which compose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// The CLI plugin, `docker compose`.
    V2,
    /// The Python `docker-compose` 1.x.
    V1,
}

/// A compose to run in a project directory.
#[derive(Debug, Clone)]
pub struct Compose {
    flavour: Flavour,
    /// `docker` or `docker-compose`, with the words before compose's own arguments.
    argv: Vec<String>,
    version: String,
    dir: PathBuf,
    files: Vec<PathBuf>,
    env: BTreeMap<String, String>,
}

/// The variable compose interpolates for `service`'s image.
pub fn image_var(service: &str) -> String {
    let name: String = service
        .chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' | '0'..='9' => c,
            _ => '_',
        })
        .collect();
    format!("{IMAGE_VAR_PREFIX}{name}")
}

/// The compose file in `dir`, as compose would pick it.
pub fn find_file(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

impl Compose {
    /// Finds compose (v2, else v1) for the compose file in `dir`; `override_file` is where
    /// dockwright writes its override.
    pub fn find(dir: &Path, override_file: PathBuf) -> Result<Compose> {
        let file = find_file(dir).ok_or_else(|| {
            Error::msg(
                format!(
                    "no compose file in `{}` (looked for {})",
                    dir.display(),
                    FILE_NAMES.join(", ")
                ),
                "run `dockwright init` to scaffold one, or write a compose.yaml whose services run the runtime images",
            )
        })?;
        let mut files = vec![file];
        // An explicit `-f` stops compose from loading the override by itself.
        if let Some(o) = OVERRIDE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            files.push(o);
        }
        files.push(override_file);
        let probe = |argv: &[&str]| -> Option<String> {
            let out = std::process::Command::new(argv[0])
                .args(&argv[1..])
                .stdin(Stdio::null())
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        };
        let (flavour, argv, version) = if let Some(v) =
            probe(&["docker", "compose", "version", "--short"])
        {
            (Flavour::V2, vec!["docker".into(), "compose".into()], v)
        } else if let Some(v) = probe(&["docker-compose", "version", "--short"]) {
            (Flavour::V1, vec!["docker-compose".into()], v)
        } else {
            return Err(Error::msg(
                    "neither `docker compose` (Compose v2) nor `docker-compose` is installed",
                    "install the Compose v2 CLI plugin: your distribution's `docker-compose-plugin` (Docker's apt repository) or `docker-compose` 2.x (Debian trixie), or put the `docker-compose` binary in ~/.docker/cli-plugins/",
                ));
        };
        Ok(Compose {
            flavour,
            argv,
            version,
            dir: dir.to_path_buf(),
            files,
            env: BTreeMap::new(),
        })
    }

    /// v2 or v1.
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    /// `2.26.1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The override file dockwright writes.
    pub fn override_file(&self) -> &Path {
        self.files.last().map(PathBuf::as_path).unwrap_or(&self.dir)
    }

    /// Sets the image of `service`: the variable, and the override's `image:`.
    pub fn set_image(&mut self, service: &str, image: &str) {
        self.env.insert(image_var(service), image.to_string());
    }

    /// Writes the override for the images set, for the services that compose has.
    pub fn write_override(&self, services: &[String]) -> Result<()> {
        let path = self.override_file();
        let mut text = String::from(
            "# Written by `dockwright up` on every run: the runtime image of each service.\n",
        );
        text.push_str("services:\n");
        let mut any = false;
        for service in services {
            if let Some(image) = self.env.get(&image_var(service)) {
                any = true;
                text.push_str(&format!("  {}:\n", quote(service)));
                text.push_str(&format!("    image: {}\n", quote(image)));
                if self.flavour == Flavour::V2 {
                    text.push_str("    pull_policy: never\n");
                }
            }
        }
        if !any {
            text = "# Written by `dockwright up`: no runtime image to set.\n{}\n".into();
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
    }

    /// `compose <args>` in the project directory, with the images set and the files given.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.argv[0]);
        cmd.args(&self.argv[1..]);
        for file in &self.files {
            cmd.arg("-f").arg(file);
        }
        // The project stays the one compose would pick by itself (named after the directory).
        cmd.arg("--project-directory").arg(&self.dir);
        cmd.args(args)
            .current_dir(&self.dir)
            .envs(&self.env)
            .stdin(Stdio::null());
        for var in crate::env::GIT_LOCAL_VARS {
            cmd.env_remove(var);
        }
        cmd
    }

    /// The service names of the compose file (with the images set, so that required variables
    /// interpolate).
    pub async fn services(&self) -> Result<Vec<String>> {
        // Without the override: it names services that compose must not invent.
        let mut bare = self.clone();
        bare.files.pop();
        let out = bare
            .command(&["config", "--services"])
            .output()
            .await
            .map_err(|e| Error::io("run", &self.argv[0], e))?;
        if !out.status.success() {
            return Err(Error::msg(
                format!(
                    "compose cannot read `{}`: {}",
                    self.files[0].display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                "fix the compose file; `docker compose config` shows the same error",
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }
}

/// A YAML double-quoted scalar.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_variables_are_shell_names() {
        assert_eq!(image_var("app"), "DOCKWRIGHT_IMAGE_APP");
        assert_eq!(image_var("web-api.v2"), "DOCKWRIGHT_IMAGE_WEB_API_V2");
    }
}
