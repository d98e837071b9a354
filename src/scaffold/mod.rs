//! `dockwright init`: detect the project's stack, render its templates, and write the files that
//! do not exist yet. A file that exists is never overwritten: it is reported as kept, compared
//! under `--dry-run`, and replaced only with `--force`, after a backup.

pub mod diff;
mod register;
pub mod render;
pub mod templates;
pub mod vars;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::stack::Stack;
pub use write::BACKUP_SUFFIX;

use crate::error::{Error, Result};

/// The file the recipes go to when the project already has a justfile.
pub const JUST_MODULE: &str = "dockwright.just";
/// The names just looks for, in its order.
pub const JUSTFILES: &[&str] = &["justfile", "Justfile", ".justfile", "JUSTFILE"];

/// What `init` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--stack`: a stack id or a language; detected when `None`.
    pub stack: Option<String>,
    /// `--var k=v`, over the detected values.
    pub vars: BTreeMap<String, String>,
    /// `--dry-run`: write nothing, say what would happen, diff what differs.
    pub dry_run: bool,
    /// `--force`: replace files that differ, keeping each old one as a backup.
    pub force: bool,
    /// A directory of user templates that override the embedded ones.
    pub templates: Option<PathBuf>,
    /// `--devcontainer`: also write [`DEVCONTAINER_FILES`] (never replacing one, even with
    /// `--force`).
    pub devcontainer: bool,
}

/// What `init --devcontainer` writes: (template, file in the project).
pub const DEVCONTAINER_FILES: &[(&str, &str)] = &[
    ("devcontainer.json", ".devcontainer/devcontainer.json"),
    (
        "compose.devcontainer.yaml",
        ".devcontainer/compose.devcontainer.yaml",
    ),
    ("devcontainer.gitignore", ".devcontainer/.gitignore"),
];

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// It did not exist and was written.
    Created,
    /// It exists with exactly the rendered content.
    Unchanged,
    /// It exists with other content and was left alone.
    Skipped,
    /// It existed with other content; it was moved to the backup and the new one written.
    Replaced,
    /// `--dry-run`: it does not exist and would be written.
    WouldCreate,
    /// `--dry-run`: it exists with other content and would be left alone (see the diff).
    WouldSkip,
    /// `--dry-run --force`: it exists with other content and would be replaced after a backup.
    WouldReplace,
    /// The repository root's `dockwright.toml` existed; the service's table was appended.
    Amended,
    /// `--dry-run`: the service's table would be appended to the root's `dockwright.toml`.
    WouldAmend,
}

impl Action {
    /// The word printed before the path.
    pub fn word(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Unchanged => "unchanged",
            Action::Skipped => "skipped",
            Action::Replaced => "replaced",
            Action::WouldCreate => "would create",
            Action::WouldSkip => "would skip",
            Action::WouldReplace => "would replace",
            Action::Amended => "amended",
            Action::WouldAmend => "would amend",
        }
    }
}

/// One file of the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Relative to the project directory.
    pub path: String,
    /// What happened.
    pub action: Action,
    /// Where the old content is (or would be) kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// The unified diff from the existing file to the rendered one, for files that differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// What `init` did, for people and for programs.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The project directory.
    pub dir: PathBuf,
    /// The stack id.
    pub stack: &'static str,
    /// Why this stack.
    pub reason: String,
    /// The runtime version used.
    pub version: String,
    /// Where the version came from (a file name, or `default`).
    pub version_source: String,
    /// Why the version differs from what its file says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_note: Option<String>,
    /// The values read from the project's files, each with where: "port: 4200 (from …)".
    pub read: Vec<String>,
    /// The values the project does not say, each with the `--var` that changes it.
    pub guessed: Vec<String>,
    /// The dependency manifests the runtime image copies.
    pub manifests: Vec<String>,
    /// The test dependencies the runtime image installs (tests run there), for people; change
    /// them with `--var test_deps=…`.
    pub test_deps: Vec<String>,
    /// One entry per file, in a fixed order.
    pub files: Vec<FileReport>,
    /// The line to add to the existing justfile, when the recipes went to `dockwright.just`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_line: Option<String>,
    /// Things the user should know (a manifest the image copies does not exist yet).
    pub warnings: Vec<String>,
    /// Whether nothing was written.
    pub dry_run: bool,
}

/// The rendered files of `stack` for the project in `dir`: (file name, content), in [`templates::FILES`] order.
pub fn render_all(
    stack: &Stack,
    vars: &BTreeMap<String, String>,
    user_templates: Option<&Path>,
) -> Result<Vec<(String, String)>> {
    let engine = render::Engine::new(user_templates);
    let values = vars::values(vars);
    templates::FILES
        .iter()
        .map(|file| {
            let name = templates::find(stack, file, user_templates)?;
            Ok((file.to_string(), engine.render(&name, vars, &values)?))
        })
        .collect()
}

/// Runs `init` in `dir`.
pub fn init(dir: &Path, options: &Options) -> Result<Report> {
    if !dir.is_dir() {
        return Err(Error::msg(
            format!("`{}` is not a directory", dir.display()),
            "give the project's directory: `dockwright init DIR`",
        ));
    }
    // In a subfolder of a repository, the service is that folder, registered at the root.
    let subfolder = subfolder(dir);
    let mut vars = options.vars.clone();
    if let Some(sub) = &subfolder {
        vars.entry("service".into())
            .or_insert_with(|| service_name(&sub.rel));
        vars.insert("context".into(), sub.rel.clone());
    }
    let options = &Options {
        vars,
        ..options.clone()
    };
    let detection = crate::stack::detect(dir, options.stack.as_deref())?;
    let stack = detection.stack;
    let version = match options.vars.get("version") {
        Some(v) => crate::stack::Version {
            value: v.clone(),
            source: "--var".into(),
            note: None,
        },
        None => stack.version(dir),
    };
    let computed = vars::compute(dir, stack, &version, &options.vars)?;
    let rendered = render_all(stack, &computed.vars, options.templates.as_deref())?;
    let manifests: Vec<String> = computed.vars["manifests"]
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let warnings = manifests
        .iter()
        .filter(|m| !m.contains('*') && !dir.join(m).is_file())
        .map(|m| format!("`{m}` does not exist yet; the runtime image copies it, so create it before `dockwright build`"))
        .collect();

    let mut files = Vec::new();
    let mut import_line = None;
    for (file, content) in rendered {
        let mut target = file.clone();
        if file == "justfile" {
            // A justfile of the user's is never touched: the recipes go beside it, to be imported.
            if let Some(existing) = JUSTFILES.iter().find(|j| dir.join(j).is_file()) {
                let text = std::fs::read_to_string(dir.join(existing)).unwrap_or_default();
                if text != content {
                    target = JUST_MODULE.to_string();
                    if !text.contains(JUST_MODULE) {
                        import_line = Some(format!("import '{JUST_MODULE}'"));
                    }
                } else {
                    target = existing.to_string();
                }
            }
        }
        if let (Some(sub), crate::config::FILE_NAME) = (&subfolder, file.as_str()) {
            files.push(register::register(
                &sub.root,
                &sub.root_config_shown,
                &computed.vars["service"],
                &content,
                options.dry_run,
            )?);
            continue;
        }
        files.push(write::place(
            dir,
            &target,
            &content,
            options.dry_run,
            options.force,
        )?);
    }
    if options.devcontainer {
        let engine = render::Engine::new(options.templates.as_deref());
        let values = vars::values(&computed.vars);
        for (template, target) in DEVCONTAINER_FILES {
            let name = templates::find(stack, template, options.templates.as_deref())?;
            let content = engine.render(&name, &computed.vars, &values)?;
            files.push(write::place(dir, target, &content, options.dry_run, false)?);
        }
    }
    Ok(Report {
        dir: dir.to_path_buf(),
        stack: stack.id,
        reason: detection.reason,
        version: version.value,
        version_source: version.source,
        version_note: version.note,
        read: computed
            .notes
            .iter()
            .filter(|n| n.source.is_some())
            .map(|n| n.line())
            .collect(),
        guessed: computed
            .notes
            .iter()
            .filter(|n| n.source.is_none())
            .map(|n| n.line())
            .collect(),
        manifests,
        test_deps: computed.test_deps,
        files,
        import_line,
        warnings,
        dry_run: options.dry_run,
    })
}

/// `init` run in a subfolder of a repository.
struct Subfolder {
    /// The repository root.
    root: PathBuf,
    /// The folder, relative to the root, `/`-separated.
    rel: String,
    /// The root's `dockwright.toml` as seen from the folder (`../dockwright.toml`).
    root_config_shown: String,
}

/// The repository root above `dir` and the path from it, when `dir` is not the root itself.
fn subfolder(dir: &Path) -> Option<Subfolder> {
    let repo = crate::repo::Repo::discover(dir).ok()?;
    let root = repo.root().canonicalize().ok()?;
    let dir = dir.canonicalize().ok()?;
    let rel = dir.strip_prefix(&root).ok()?;
    if rel.as_os_str().is_empty() {
        return None;
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(Subfolder {
        root_config_shown: format!("{}{}", "../".repeat(parts.len()), crate::config::FILE_NAME),
        rel: parts.join("/"),
        root,
    })
}

/// A service name for the folder `rel`: its last part, as image names allow (`Backend API`
/// becomes `backend-api`).
fn service_name(rel: &str) -> String {
    let last = rel.rsplit('/').next().unwrap_or(rel);
    let name: String = last
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    let name = name.trim_matches(|c| c == '-' || c == '_').to_string();
    if name.is_empty() {
        crate::config::DEFAULT_SERVICE.to_string()
    } else {
        name
    }
}
