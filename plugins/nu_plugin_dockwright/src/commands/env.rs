//! `dockwright env [...services]`: the variables that name the current runtime images for
//! compose, as a record for `load-env`.

use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{Example, LabeledError, Record, Signature, SyntaxShape, Type, Value};

use dockwright::engine::Pace;
use dockwright::usecase;

use crate::context::Context;
use crate::DockwrightPlugin;

/// `dockwright env`.
pub struct Env;

impl SimplePluginCommand for Env {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright env"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), Type::Record([].into())).rest(
            "services",
            SyntaxShape::String,
            "Services to name (default: all).",
        )
    }

    fn description(&self) -> &str {
        "The variables that name each service's current runtime image for `docker compose` run by hand."
    }

    fn extra_description(&self) -> &str {
        "A record of `DOCKWRIGHT_IMAGE_<SERVICE>` to the image of the current fingerprint, which \
         the scaffolded compose.yaml runs. Only fresh images are named: a stale or missing one \
         is an error that says what changed and to run `dockwright build`."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["compose", "environment", "image", "variable"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright env | load-env; ^docker compose run --rm app sh",
                description: "A shell on the current runtime image through compose",
                result: None,
            },
            Example {
                example: "with-env (dockwright env backend) { ^docker compose up -d backend }",
                description: "Start one service by hand on its current runtime image",
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
        let names = super::names(call, 0)?;
        let project = ctx.project()?;
        let docker = ctx.engine(Pace::Command)?;
        let selection = super::selection(&names, None);
        let vars = usecase::env::env(&project, &selection, &docker)
            .map_err(|e| ctx.fail(e, &super::args(&names, &None), "naming the images"))?;
        let mut record = Record::new();
        for (name, image) in usecase::env::as_map(&vars) {
            record.push(name, Value::string(image, call.head));
        }
        Ok(Value::record(record, call.head))
    }
}
