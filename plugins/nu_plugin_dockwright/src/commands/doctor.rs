//! `dockwright doctor`: what the setup needs, one row per check, with its fix.

use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Type, Value};

use dockwright::usecase::doctor;

use crate::context::Context;
use crate::values;
use crate::DockwrightPlugin;

/// `dockwright doctor`.
pub struct Doctor;

impl SimplePluginCommand for Doctor {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright doctor"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table(
                [
                    ("name", Type::String),
                    ("level", Type::String),
                    ("detail", Type::String),
                    ("fix", Type::Any),
                ]
                .into(),
            ),
        )
    }

    fn description(&self) -> &str {
        "Check what dockwright needs (engine, Compose, hooks, nu plugin, disk) and say how to fix each."
    }

    fn extra_description(&self) -> &str {
        "One row per check: level is ok, warn (works, less well; fix says how), fail (broken; \
         fix says how to mend it) or skip (does not apply here, such as the registry when none \
         is configured). The engine is the one the caller's DOCKER_HOST or docker context names."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["check", "health", "setup", "diagnose"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![Example {
            example: "dockwright doctor | where level == fail",
            description: "What is broken, and the fix of each",
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
        let ctx = Context::new(engine, call)?;
        let lookup = ctx.lookup();
        let report = doctor::doctor(&ctx.dir, &lookup);
        let span = call.head;
        let rows = report
            .checks
            .into_iter()
            .map(|c| {
                Value::record(
                    record! {
                        "name" => Value::string(c.name, span),
                        "level" => Value::string(c.level.as_str(), span),
                        "detail" => Value::string(c.detail, span),
                        "fix" => values::opt_string(c.fix, span),
                    },
                    span,
                )
            })
            .collect();
        Ok(Value::list(rows, span))
    }
}
