//! What is wrong with `dockwright.toml`, with the file, line and column, and the fix.

use std::path::{Path, PathBuf};

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
    #[error(transparent)]
    Read(#[from] crate::fs::FsError),
}

impl ConfigError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            ConfigError::Syntax { help, .. } | ConfigError::Invalid { help, .. } => {
                Some(help.clone())
            }
            ConfigError::Read(_) => None,
        }
    }
}

pub(super) fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
    let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let (line, column) = line_column(text, offset);
    let message = e.message().trim().to_string();
    let help = if let Some(help) = duration_help(&message) {
        help
    } else if let Some(help) = super::sandbox::help(&message) {
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
