//! `inputs`: the files each selected service's runtime image is built from, with their hashes.
//! Needs no engine.

use super::Selection;
use crate::error::Result;
use crate::inputs::InputKind;
use crate::project::Project;

/// One input of one service.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    /// The service.
    pub service: String,
    /// Relative to the repository root (a URL for `ADD <url>`).
    pub path: String,
    /// File, executable, symlink or URL.
    pub kind: InputKind,
    /// `sha256:…` of the content.
    pub hash: String,
    /// Bytes.
    pub size: u64,
}

/// The inputs, and warnings about them (URL sources).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Every input of every selected service, service by service.
    pub inputs: Vec<Input>,
    /// What the user should know about them.
    pub warnings: Vec<String>,
}

/// The inputs of every selected service.
pub fn inputs(project: &Project, selection: &Selection) -> Result<Report> {
    let (tree, config) = project.snapshot(selection.rev.as_deref())?;
    let mut report = Report {
        inputs: Vec::new(),
        warnings: Vec::new(),
    };
    for service in project.services(&config, &selection.services)? {
        let analysis = project.analyze(service, &tree)?;
        report
            .warnings
            .extend(analysis.inputs.warnings.iter().cloned());
        report
            .inputs
            .extend(analysis.inputs.inputs.iter().map(|input| Input {
                service: service.name.clone(),
                path: analysis.display_path(&input.path),
                kind: input.kind,
                hash: input.hash.clone(),
                size: input.size,
            }));
    }
    Ok(report)
}
