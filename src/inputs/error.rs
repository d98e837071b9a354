//! Why the inputs of a runtime image could not be determined.

// An InputsError carries everything its message and fix need (file, line, source, help); it is
// built once per failed command, so its size costs nothing that matters (the functions that
// return it allow clippy's result_large_err).

/// Why the inputs could not be determined.
#[derive(Debug, thiserror::Error)]
pub enum InputsError {
    /// The runtime Dockerfile does not exist.
    #[error("service `{service}`: `{path}` does not exist")]
    MissingDockerfile {
        /// The service.
        service: String,
        /// The Dockerfile, relative to the repository root.
        path: String,
    },
    /// The Dockerfile cannot be parsed.
    #[error("`{path}` line {line}: {message}")]
    Dockerfile {
        /// The Dockerfile.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
        /// The fix.
        help: String,
    },
    /// The stage named by `target` is not in the Dockerfile.
    #[error("`{path}`: {message}")]
    Target {
        /// The Dockerfile.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A `.dockerignore` pattern is malformed.
    #[error("`{path}` line {line}: {message}")]
    Ignore {
        /// The ignore file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A COPY/ADD source that is not in the build context.
    #[error("`{dockerfile}` line {line}: {instruction} source `{source_path}` {problem}")]
    MissingSource {
        /// The Dockerfile.
        dockerfile: String,
        /// 1-based line of the instruction.
        line: usize,
        /// COPY or ADD.
        instruction: String,
        /// The source as written.
        source_path: String,
        /// "does not exist", "is excluded by `.dockerignore`", "matches no file".
        problem: String,
        /// The fix.
        help: String,
    },
    /// A symlink among the inputs that points outside the repository; it is never followed.
    #[error("`{path}` is a symlink to `{target}`, outside the repository; refused")]
    SymlinkEscapes {
        /// The link, relative to the repository root.
        path: String,
        /// Its target.
        target: String,
    },
    /// A file that could not be read.
    #[error("cannot read `{path}`: {message}")]
    Read {
        /// The file, relative to the repository root.
        path: String,
        /// Why.
        message: String,
    },
}

impl InputsError {
    /// The fix.
    pub fn help(&self) -> Option<String> {
        match self {
            InputsError::MissingDockerfile { .. } => Some(
                "create it with `dockwright init`, or point `dockerfile` at it in dockwright.toml"
                    .into(),
            ),
            InputsError::Dockerfile { help, .. } | InputsError::MissingSource { help, .. } => {
                Some(help.clone())
            }
            InputsError::Target { .. } => {
                Some("set `target` in dockwright.toml to one of the stage names above".into())
            }
            InputsError::Ignore { .. } => Some("correct or remove the pattern".into()),
            InputsError::SymlinkEscapes { .. } => Some(
                "copy the file into the repository, or exclude the link in .dockerignore".into(),
            ),
            InputsError::Read { .. } => None,
        }
    }
}
