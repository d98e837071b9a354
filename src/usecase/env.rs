//! `env`: the variables that name each service's current runtime image for compose
//! (`DOCKWRIGHT_IMAGE_<SERVICE>`), so `docker compose` run by hand runs exactly the image
//! `dockwright up` would, or stops. Only a fresh image is named: a stale or missing one is an
//! error that says what changed and what to run, never the reference of an old image.

use std::collections::BTreeMap;

use super::Selection;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::project::Project;
use crate::status::State;
use crate::up::compose::image_var;

/// One service's variable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Variable {
    /// The service.
    pub service: String,
    /// `DOCKWRIGHT_IMAGE_<SERVICE>`.
    pub name: String,
    /// The runtime image of the current fingerprint (`repository:tag`).
    pub image: String,
}

/// The variables of the selected services, in order; an error naming every service whose
/// image is not fresh.
pub fn env(project: &Project, selection: &Selection, engine: &Engine) -> Result<Vec<Variable>> {
    let all = super::status::status(project, selection, engine)?;
    let not_fresh: Vec<String> = all
        .iter()
        .filter(|s| s.state != State::Fresh)
        .map(|s| match s.state {
            State::Stale if !s.changed.is_empty() => format!(
                "`{}` is stale ({})",
                s.service,
                crate::hooks::freshness::changes(&s.changed)
            ),
            State::Stale => format!("`{}` is stale (its build settings changed)", s.service),
            _ => format!("`{}` has no runtime image yet", s.service),
        })
        .collect();
    if !not_fresh.is_empty() {
        let services: Vec<&str> = all
            .iter()
            .filter(|s| s.state != State::Fresh)
            .map(|s| s.service.as_str())
            .collect();
        return Err(Error::Message {
            message: format!("no current runtime image to name: {}", not_fresh.join("; ")),
            help: Some(format!(
                "run `dockwright build {}` first (or `dockwright up`, which builds and starts)",
                services.join(" ")
            )),
            exit: Exit::Findings,
        });
    }
    Ok(all
        .into_iter()
        .map(|s| Variable {
            name: image_var(&s.service),
            service: s.service,
            image: s.image,
        })
        .collect())
}

/// The variables as a map, name → image (for the plugin's `load-env`).
pub fn as_map(vars: &[Variable]) -> BTreeMap<String, String> {
    vars.iter()
        .map(|v| (v.name.clone(), v.image.clone()))
        .collect()
}
