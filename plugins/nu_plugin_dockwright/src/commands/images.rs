//! `dockwright images`: the runtime images dockwright built for this project, newest first.

use dockwright::engine::Pace;
use dockwright::usecase::{self, images::Image};
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, Type, Value};

use crate::context::Context;
use crate::{values, DockwrightPlugin};

/// `dockwright images`.
pub struct Images;

/// One row: the image, then one column per label (named as the label is).
fn row(image: Image, span: Span) -> Value {
    let mut row = record! {
        "service" => Value::string(image.service, span),
        "image" => values::opt_string(image.tags.first().cloned(), span),
        "tags" => Value::list(image.tags.into_iter().map(|t| Value::string(t, span)).collect(), span),
        "id" => Value::string(image.id, span),
        "fingerprint" => Value::string(image.fingerprint, span),
        "created" => values::date(image.created, span),
        "size" => Value::filesize(image.size, span),
    };
    for (label, value) in image.labels {
        row.push(label, Value::string(value, span));
    }
    Value::record(row, span)
}

impl SimplePluginCommand for Images {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright images"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), Type::table())
    }

    fn description(&self) -> &str {
        "List the runtime images dockwright built for this project, newest first."
    }

    fn extra_description(&self) -> &str {
        "Columns: service, image (the first tag), tags, id, fingerprint, created, size, then one \
         column per image label, named as the label is (`dev.dockwright.project`, …)."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["docker", "image", "list", "labels"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright images",
                description: "Every runtime image of the project",
                result: None,
            },
            Example {
                example: "dockwright images | where created < ((date now) - 30day) | get id",
                description: "Images older than a month",
                result: None,
            },
            Example {
                example: "dockwright images | select image 'dev.dockwright.version'",
                description: "Which dockwright built each image",
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
        let project = ctx.project()?;
        let docker = ctx.engine(Pace::Command)?;
        let images = usecase::images::images(&project, &docker)
            .map_err(|e| ctx.fail(e, &[], "asking the engine"))?;
        Ok(Value::list(
            images.into_iter().map(|i| row(i, call.head)).collect(),
            call.head,
        ))
    }
}
