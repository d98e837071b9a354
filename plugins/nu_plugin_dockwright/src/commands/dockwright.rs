//! `dockwright`: the list of dockwright commands.

use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, Type, Value};

use crate::DockwrightPlugin;

/// `dockwright`: what the plugin offers, as a table.
pub struct Dockwright;

impl Dockwright {
    fn table(span: Span) -> Value {
        let rows = super::all()
            .iter()
            .filter(|c| c.name() != "dockwright")
            .map(|c| {
                Value::record(
                    record! {
                        "name" => Value::string(c.name(), span),
                        "description" => Value::string(c.description(), span),
                    },
                    span,
                )
            })
            .collect();
        Value::list(rows, span)
    }
}

impl SimplePluginCommand for Dockwright {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table([("name", Type::String), ("description", Type::String)].into()),
        )
    }

    fn description(&self) -> &str {
        "Runtime containers without the failures: the dockwright commands."
    }

    fn extra_description(&self) -> &str {
        "Every dockwright command returns records and tables. They run in the current directory's \
         git repository and talk to the Docker engine that $env.DOCKER_HOST or \
         $env.DOCKER_CONTEXT name, as set in this shell."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["docker", "runtime", "image", "container"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![Example {
            example: "(dockwright).name",
            description: "List the dockwright commands",
            result: Some(Value::list(
                [
                    "dockwright status",
                    "dockwright inputs",
                    "dockwright images",
                    "dockwright build",
                    "dockwright test",
                    "dockwright gc",
                    "dockwright hooks",
                    "dockwright hooks install",
                    "dockwright hooks uninstall",
                    "dockwright init",
                    "dockwright check",
                    "dockwright env",
                    "dockwright doctor",
                    "dockwright watch",
                ]
                .into_iter()
                .map(Value::test_string)
                .collect(),
                Span::test_data(),
            )),
        }]
    }

    fn run(
        &self,
        _plugin: &DockwrightPlugin,
        _engine: &EngineInterface,
        call: &EvaluatedCall,
        _input: &Value,
    ) -> Result<Value, LabeledError> {
        Ok(Self::table(call.head))
    }
}
