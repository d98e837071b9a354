//! `dockwright gc [--all] [--everywhere]`: remove what interrupted test runs left behind.

use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Type, Value};

use dockwright::engine::Pace;
use dockwright::usecase::gc;

use crate::context::Context;
use crate::DockwrightPlugin;

/// `dockwright gc`.
pub struct Gc;

impl SimplePluginCommand for Gc {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright gc"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table(
                [
                    ("kind", Type::String),
                    ("container", Type::String),
                    ("name", Type::String),
                    ("project", Type::String),
                    ("service", Type::String),
                    ("commit", Type::String),
                    ("action", Type::String),
                ]
                .into(),
            ),
        )
        .switch(
            "all",
            "Also remove containers kept with --keep and runs that look alive.",
            Some('a'),
        )
        .switch(
            "everywhere",
            "Collect every project's leftovers, not only this repository's.",
            None,
        )
    }

    fn description(&self) -> &str {
        "Remove containers and volumes that an interrupted test run left behind."
    }

    fn extra_description(&self) -> &str {
        "One row per test container or unused test volume found (`kind: container`, `volume`): \
         `action` is `removed`, or why it was \
         left (`kept`: made with --keep; `running`: its run is still going on this machine). One row \
         per proven test result whose image no longer exists (`kind: proof`, `action: pruned`)."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["clean", "prune", "container", "leftover", "remove"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright gc | where action == removed | length",
                description: "How many leftover test containers were removed",
                result: None,
            },
            Example {
                example: "dockwright gc --all --everywhere",
                description: "Remove every dockwright test container on the engine, kept ones too",
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
        let options = gc::Options {
            all: call.has_flag("all")?,
            everywhere: call.has_flag("everywhere")?,
        };
        let docker = ctx.engine(Pace::Run)?;
        let collected = gc::gc(&ctx.dir, options, &docker)
            .map_err(|e| ctx.fail(e, &[], "asking the engine"))?;
        let span = call.head;
        let rows = collected
            .into_iter()
            .map(|c| {
                Value::record(
                    record! {
                        "kind" => Value::string(c.kind, span),
                        "container" => Value::string(c.container, span),
                        "name" => Value::string(c.name, span),
                        "project" => Value::string(c.project, span),
                        "service" => Value::string(c.service, span),
                        "commit" => Value::string(c.commit, span),
                        "action" => Value::string(c.action, span),
                    },
                    span,
                )
            })
            .collect();
        Ok(Value::list(rows, span))
    }
}
