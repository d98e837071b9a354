//! `dockwright build [...services] [--verbose]`: build each runtime image that does not exist yet.

use dockwright::build::Outcome;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, SyntaxShape, Type, Value};

use dockwright::engine::Pace;
use dockwright::usecase;

use crate::context::Context;
use crate::term;
use crate::{values, DockwrightPlugin};

/// `dockwright build`.
pub struct Build;

fn row(outcome: Outcome, span: Span) -> Value {
    Value::record(
        record! {
            "service" => Value::string(outcome.service, span),
            "image" => Value::string(outcome.image, span),
            "id" => Value::string(outcome.id, span),
            "fingerprint" => Value::string(outcome.fingerprint, span),
            "built" => Value::bool(outcome.built, span),
            "duration" => values::duration(outcome.duration, span),
        },
        span,
    )
}

impl SimplePluginCommand for Build {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright build"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table(
                [
                    ("service", Type::String),
                    ("image", Type::String),
                    ("id", Type::String),
                    ("fingerprint", Type::String),
                    ("built", Type::Bool),
                    ("duration", Type::Duration),
                ]
                .into(),
            ),
        )
        .rest(
            "services",
            SyntaxShape::String,
            "Services to build (default: all).",
        )
        .switch(
            "verbose",
            "Print every line of build output, even on a terminal.",
            Some('v'),
        )
    }

    fn description(&self) -> &str {
        "Build the runtime image of each service (or those named), unless it already exists."
    }

    fn extra_description(&self) -> &str {
        "Progress goes to stderr; the result is one record per service. `built` is false when an \
         image with the current fingerprint already existed and was reused. Ctrl-C stops waiting \
         for the build."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["docker", "image", "rebuild", "runtime"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright build",
                description: "Build every service's runtime image that is not fresh",
                result: None,
            },
            Example {
                example: "dockwright status | where state != fresh | get service | dockwright build ...$in",
                description: "Build only what is stale or missing",
                result: None,
            },
            Example {
                example: "dockwright build backend | get duration",
                description: "How long the `backend` build took",
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
        let verbose = call.has_flag("verbose")?;
        let project = ctx.project()?;
        let docker = ctx.engine(Pace::Command)?;
        let interrupt = ctx.interrupt()?;
        let mut progress = term::BuildProgress::new(verbose);
        let services: Vec<String> = names.iter().map(|n| n.item.clone()).collect();
        let outcomes = usecase::build::build(
            &project,
            &services,
            &docker,
            &mut progress,
            interrupt.wait(),
        )
        .map_err(|e| ctx.fail(e, &super::args(&names, &None), "building"))?;
        Ok(Value::list(
            outcomes.into_iter().map(|o| row(o, call.head)).collect(),
            call.head,
        ))
    }
}
