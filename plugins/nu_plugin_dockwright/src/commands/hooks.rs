//! `dockwright hooks`: the git hooks and their state.

use dockwright::hooks::install::{HookStatus, Installed, Removed};
use dockwright::usecase::hooks::{self, Done};
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{
    record, Example, LabeledError, Signature, Span, Spanned, SyntaxShape, Type, Value,
};

use crate::context::Context;
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
         (someone else's) or missing. Install or remove them with `dockwright hooks install` \
         and `dockwright hooks uninstall`."
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
        let report = on_named(engine, call, |dir, _| hooks::status(dir))?;
        let rows = report
            .hooks
            .into_iter()
            .map(|s| row(s, call.head))
            .collect();
        Ok(Value::list(rows, call.head))
    }
}

/// `dockwright hooks install`.
pub struct HooksInstall;

/// `dockwright hooks uninstall`.
pub struct HooksUninstall;

/// The table both commands return.
fn result_type() -> Type {
    Type::Table(
        [
            ("hook", Type::String),
            ("result", Type::String),
            ("path", Type::String),
            ("kept", Type::String),
            ("detail", Type::String),
        ]
        .into(),
    )
}

/// Runs a hooks use case on the hooks named as rest arguments; an unknown name is an error
/// labelled at it, found before anything is written.
fn on_named<T>(
    engine: &EngineInterface,
    call: &EvaluatedCall,
    action: impl FnOnce(&std::path::Path, &[String]) -> dockwright::error::Result<T>,
) -> Result<T, LabeledError> {
    let ctx = Context::new(engine, call)?;
    let named: Vec<Spanned<String>> = super::names(call, 0)?;
    let names: Vec<String> = named.iter().map(|n| n.item.clone()).collect();
    action(&ctx.dir, &names).map_err(|e| {
        let args: Vec<&Spanned<String>> = named.iter().collect();
        ctx.fail(e, &args, format!("run in `{}`", ctx.dir.display()))
    })
}

/// One row of what install or uninstall did: `kept` is the hook kept aside, when there is one;
/// `notes` go to the end of `detail`.
fn result_row<T>(
    done: &Done<T>,
    result: &str,
    kept: Option<&std::path::Path>,
    detail: String,
    span: Span,
) -> Value {
    Value::record(
        record! {
            "hook" => Value::string(done.hook.name(), span),
            "result" => Value::string(result, span),
            "path" => Value::string(done.path.display().to_string(), span),
            "kept" => values::opt_string(kept.map(|p| p.display().to_string()), span),
            "detail" => Value::string(detail, span),
        },
        span,
    )
}

impl SimplePluginCommand for HooksInstall {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright hooks install"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), result_type()).rest(
            "hooks",
            SyntaxShape::String,
            "Hooks to install (default: post-checkout, post-merge, post-rewrite and pre-push).",
        )
    }

    fn description(&self) -> &str {
        "Install dockwright's git hooks; a hook that is already there is kept, and runs first."
    }

    fn extra_description(&self) -> &str {
        "result: managed (a hook manager such as pre-commit, prek, lefthook or husky is in \
         charge: nothing was written, and detail says what to add to its config), written (there was no hook), kept (someone else's hook was renamed to `kept` \
         and runs first), upgraded (an older shim of ours was replaced) or unchanged. \
         Installing twice changes nothing."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["git", "hook", "install", "post-checkout", "pre-push"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright hooks install",
                description: "Install all four hooks",
                result: None,
            },
            Example {
                example: "dockwright hooks install pre-push | where result == kept",
                description: "Install the pre-push hook and see whether an existing one was kept",
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
        let report = on_named(engine, call, hooks::install)?;
        if let (Some(managed), Some(entry)) = (&report.managed, &report.entry) {
            let detail = format!(
                "managed by {} (`{}`); nothing written; add to its config:\n{entry}",
                managed.manager.name(),
                managed.config.display()
            );
            let rows = dockwright::hooks::Hook::parse_all(&super::names(call, 0)?.iter().map(|n| n.item.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|hook| {
                    Value::record(
                        record! {
                            "hook" => Value::string(hook.name(), call.head),
                            "result" => Value::string("managed", call.head),
                            "path" => Value::string(report.hooks_dir.join(hook.name()).display().to_string(), call.head),
                            "kept" => Value::nothing(call.head),
                            "detail" => Value::string(detail.clone(), call.head),
                        },
                        call.head,
                    )
                })
                .collect();
            return Ok(Value::list(rows, call.head));
        }
        let rows = report
            .hooks
            .iter()
            .map(|done| {
                let kept = match &done.result {
                    Installed::Kept { kept } => Some(kept.as_path()),
                    _ => None,
                };
                let mut detail = done.result.describe();
                for note in report.notes.iter().filter(|n| n.concerns(done.hook)) {
                    detail.push_str("; ");
                    detail.push_str(&note.describe());
                }
                result_row(done, done.result.as_str(), kept, detail, call.head)
            })
            .collect();
        Ok(Value::list(rows, call.head))
    }
}

impl SimplePluginCommand for HooksUninstall {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright hooks uninstall"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), result_type()).rest(
            "hooks",
            SyntaxShape::String,
            "Hooks to remove (default: all).",
        )
    }

    fn description(&self) -> &str {
        "Remove dockwright's git hooks, and put back every hook that install kept, byte for byte."
    }

    fn extra_description(&self) -> &str {
        "result: removed, restored (the hook install kept is back in place), not-ours (someone \
         else's hook, left alone) or nothing. Removing all hooks also removes the background \
         builds' logs, except where a build still runs."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["git", "hook", "uninstall", "remove"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![Example {
            example: "dockwright hooks uninstall | where result == restored | get hook",
            description: "Remove the hooks and list those where the earlier hook came back",
            result: None,
        }]
    }

    fn run(
        &self,
        _plugin: &DockwrightPlugin,
        engine: &EngineInterface,
        call: &EvaluatedCall,
        _input: &Value,
    ) -> Result<Value, LabeledError> {
        let report = on_named(engine, call, hooks::uninstall)?;
        // The state directory of a build that still runs stays: said on every row, not lost.
        let left: String = report
            .left
            .iter()
            .map(|dir| {
                format!(
                    "; a background build is running, `{}` stays until it ends",
                    dir.display()
                )
            })
            .collect();
        let rows = report
            .hooks
            .iter()
            .map(|done| {
                let kept = match &done.result {
                    Removed::NotOurs { stranded } => stranded.as_deref(),
                    _ => None,
                };
                let detail = format!("{}{left}", done.result.describe());
                result_row(done, done.result.as_str(), kept, detail, call.head)
            })
            .collect();
        Ok(Value::list(rows, call.head))
    }
}
