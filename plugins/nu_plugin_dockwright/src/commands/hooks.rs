//! `dockwright hooks`: the git hooks and their state.

use std::path::{Path, PathBuf};

use dockwright::hooks::install::{self, HookStatus, Installer};
use dockwright::hooks::Hook;
use dockwright::repo::Repo;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, Type, Value};

use crate::context::{self, Context};
use crate::{values, DockwrightPlugin};

/// `dockwright hooks`.
pub struct Hooks;

fn row(status: HookStatus, span: Span) -> Value {
    Value::record(
        record! {
            "hook" => Value::string(status.hook.name(), span),
            "state" => Value::string(status.state.as_str(), span),
            "path" => Value::string(status.path.display().to_string(), span),
            "chained" => values::opt_string(status.chained.map(|p| p.display().to_string()), span),
            "version" => values::opt_string(status.version, span),
            "binary" => values::opt_string(status.binary, span),
            "detail" => Value::string(status.detail, span),
        },
        span,
    )
}

/// The hook binary an installed shim should run, as `dockwright hooks status` judges it: found
/// beside this executable or on PATH, else where it would be beside this executable.
fn binary(hook: Hook) -> PathBuf {
    install::find_binary(hook).unwrap_or_else(|| {
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        beside.join(hook.binary_name())
    })
}

impl SimplePluginCommand for Hooks {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright hooks"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table(
                [
                    ("hook", Type::String),
                    ("state", Type::String),
                    ("path", Type::String),
                    ("chained", Type::String),
                    ("version", Type::String),
                    ("binary", Type::String),
                    ("detail", Type::String),
                ]
                .into(),
            ),
        )
    }

    fn description(&self) -> &str {
        "Say, per git hook, whether it is dockwright's, someone else's, chained, outdated or missing."
    }

    fn extra_description(&self) -> &str {
        "state: ours (dockwright's current shim), chained (ours, running a hook that was there \
         before first), outdated (ours, but `dockwright hooks install` would rewrite it), foreign \
         (someone else's) or missing. Install or remove them with `^dockwright hooks install` \
         and `^dockwright hooks uninstall`."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["git", "hook", "post-checkout", "pre-push", "installed"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "(dockwright hooks).hook",
                description: "The hooks dockwright installs",
                result: Some(Value::test_list(
                    ["post-checkout", "post-merge", "post-rewrite", "pre-push"]
                        .into_iter()
                        .map(Value::test_string)
                        .collect(),
                )),
            },
            Example {
                example: "dockwright hooks | where state not-in [ours chained] | get hook",
                description: "The hooks that are not installed, or out of date",
                result: None,
            },
        ]
    }

    fn run(
        &self,
        _plugin: &DockwrightPlugin,
        engine: &EngineInterface,
        call: &EvaluatedCall,
        _input: &Value,
    ) -> Result<Value, LabeledError> {
        let ctx = Context::new(engine, call)?;
        let at = |e: dockwright::Error| {
            context::error(e, call.head, format!("run in `{}`", ctx.dir.display()))
        };
        let repo = Repo::discover(&ctx.dir).map_err(|e| at(e.into()))?;
        let installer = Installer::new(install::hooks_dir(&repo).map_err(at)?);
        let mut rows = Vec::new();
        for hook in Hook::ALL {
            rows.push(row(
                installer.status(hook, &binary(hook)).map_err(at)?,
                call.head,
            ));
        }
        Ok(Value::list(rows, call.head))
    }
}
