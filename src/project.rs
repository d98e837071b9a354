//! The project: a repository, its configuration and its services, and the analysis of one
//! service in one snapshot (inputs, fingerprint, image reference).

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{Config, ServiceConfig};
use crate::error::{Error, Result};
use crate::fingerprint;
use crate::inputs::{self, Inputs};
use crate::repo::Repo;
use crate::tree::Tree;

/// Labels dockwright puts on what it creates, so that it can find it again.
pub mod labels {
    /// Full fingerprint of a runtime image.
    pub const FINGERPRINT: &str = "dev.dockwright.fingerprint";
    /// Service name.
    pub const SERVICE: &str = "dev.dockwright.service";
    /// Project name.
    pub const PROJECT: &str = "dev.dockwright.project";
    /// Per-input hashes, a JSON object path → `sha256:…`.
    pub const INPUTS: &str = "dev.dockwright.inputs";
    /// The dockwright version that built the image.
    pub const VERSION: &str = "dev.dockwright.version";
    /// Set on test-run containers and volumes: the run's id.
    pub const RUN: &str = "dev.dockwright.run";
    /// The commit a test run tests.
    pub const COMMIT: &str = "dev.dockwright.commit";
    /// Set on the image a test run derives from a runtime image so that its workdir belongs to
    /// the test's user (`sandbox::workdir`): the runtime image's id. Such an image is not a
    /// runtime image, and listings leave it out.
    pub const WORKDIR_OF: &str = "dev.dockwright.workdir-of";
}

/// The running dockwright's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A repository and its configuration.
pub struct Project {
    /// The repository.
    pub repo: Repo,
    /// Its configuration (from the working tree).
    pub config: Config,
    /// The project name, used in image names and labels.
    pub name: String,
}

/// One service analysed in one snapshot.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The service.
    pub service: ServiceConfig,
    /// Image repository name (without tag).
    pub repository: String,
    /// The fingerprint, 64 hex digits.
    pub fingerprint: String,
    /// Inputs and the parsed Dockerfile.
    pub inputs: Inputs,
}

impl Analysis {
    /// `repository:tag`, the image this fingerprint is built as.
    pub fn image(&self) -> String {
        format!(
            "{}:{}",
            self.repository,
            fingerprint::tag(&self.fingerprint)
        )
    }

    /// Per-input hashes, path → hash.
    pub fn hashes(&self) -> BTreeMap<String, String> {
        self.inputs
            .inputs
            .iter()
            .map(|i| (i.path.clone(), i.hash.clone()))
            .collect()
    }

    /// An input's path as the user knows it: relative to the repository root.
    pub fn display_path(&self, path: &str) -> String {
        if path.contains("://") || path.starts_with("git@") {
            return path.to_string();
        }
        if path == self.inputs.dockerfile_in_context || path == inputs::OUTSIDE_DOCKERFILE {
            return self.service.dockerfile.clone();
        }
        inputs::join(&self.service.context, path)
    }
}

impl Project {
    /// The project of the repository that contains `dir`.
    pub fn discover(dir: &Path) -> Result<Project> {
        let repo = Repo::discover(dir)?;
        let mut config = Config::load(repo.root())?;
        if config.path.is_none() {
            // No dockwright.toml: the compose file's build sections, else the default.
            if let Some(from_compose) =
                crate::compose_file::config(&Tree::work(repo.root()), repo.root())?
            {
                config = from_compose;
            }
        }
        let name = config
            .project
            .clone()
            .unwrap_or_else(|| repo.default_project_name());
        Ok(Project { repo, config, name })
    }

    /// The working tree with the configuration as it is, or the tree of `rev` read from git
    /// objects with the configuration committed there.
    pub fn snapshot(&self, rev: Option<&str>) -> Result<(Tree<'_>, Config)> {
        let Some(rev) = rev else {
            return Ok((self.worktree(), self.config.clone()));
        };
        let oid = self.repo.resolve(rev)?;
        let tree = Tree::commit(self.repo.git(), oid).map_err(crate::repo::RepoError::from)?;
        let config = self.config_in(&tree)?;
        Ok((tree, config))
    }

    /// The configuration as committed in `tree` (a commit's `dockwright.toml`), falling back
    /// to the zero-config default when the commit has none.
    pub fn config_in(&self, tree: &Tree<'_>) -> Result<Config> {
        let path = self.repo.root().join(crate::config::FILE_NAME);
        match tree
            .read_text(crate::config::FILE_NAME)
            .map_err(|e| Error::io("read", &path, e))?
        {
            Some(text) => Ok(Config::parse(&text, &path)?),
            None => Ok(crate::compose_file::config(tree, self.repo.root())?
                .unwrap_or_else(Config::default_config)),
        }
    }

    /// The services named, in order; every service when none is named.
    pub fn services<'c>(
        &self,
        config: &'c Config,
        names: &[String],
    ) -> Result<Vec<&'c ServiceConfig>> {
        if names.is_empty() {
            return Ok(config.services.iter().collect());
        }
        names
            .iter()
            .map(|name| {
                config
                    .services
                    .iter()
                    .find(|s| &s.name == name)
                    .ok_or_else(|| {
                        let known: Vec<&str> =
                            config.services.iter().map(|s| s.name.as_str()).collect();
                        let help = crate::suggest::help(name, &known, "the services are");
                        Error::msg(format!("no service named `{name}`"), help)
                    })
            })
            .collect()
    }

    /// The image repository name of a service.
    pub fn repository(&self, service: &ServiceConfig) -> String {
        service
            .image
            .clone()
            .unwrap_or_else(|| format!("{}-{}-runtime", self.name, service.name))
    }

    /// Resolves the inputs of `service` in `tree` and fingerprints them.
    pub fn analyze(&self, service: &ServiceConfig, tree: &Tree<'_>) -> Result<Analysis> {
        let inputs = inputs::resolve(tree, service)?;
        let fingerprint = fingerprint::compute(
            &inputs.inputs,
            &service.build_args,
            service.target.as_deref(),
        );
        Ok(Analysis {
            service: service.clone(),
            repository: self.repository(service),
            fingerprint,
            inputs,
        })
    }

    /// The working tree.
    pub fn worktree(&self) -> Tree<'static> {
        Tree::work(self.repo.root())
    }
}
