//! `dockwright inputs [...services] [--rev REV]`: the files each runtime image is built from.

use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, SyntaxShape, Type, Value};

use dockwright::usecase;

use crate::context::Context;
use crate::{values, DockwrightPlugin};

/// `dockwright inputs`.
pub struct Inputs;

impl SimplePluginCommand for Inputs {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright inputs"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), Type::Table(
                    [
                        ("service", Type::String),
                        ("path", Type::String),
                        ("kind", Type::String),
                        ("hash", Type::String),
                        ("size", Type::Filesize),
                    ]
                    .into(),
                ))
            .rest("services", SyntaxShape::String, "Services to list (default: all).")
            .named(
                "rev",
                SyntaxShape::String,
                "Read the files of this commit (from git objects, no checkout) instead of the working tree.",
                Some('r'),
            )
    }

    fn description(&self) -> &str {
        "List the inputs of each service's runtime image, with their hashes."
    }

    fn extra_description(&self) -> &str {
        "The inputs are the runtime Dockerfile and every file its COPY and ADD instructions take \
         from the build context, after the .dockerignore. Their contents make the image's \
         fingerprint. Needs no Docker engine. Paths are relative to the repository root."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["fingerprint", "hash", "dependencies", "copy", "dockerfile"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright inputs | describe",
                description: "What is known of each input",
                result: Some(Value::test_string(
                    "table<service: string, path: string, kind: string, hash: string, size: filesize>",
                )),
            },
            Example {
                example: "dockwright inputs backend | sort-by size --reverse | first 5",
                description: "The largest inputs of the `backend` service",
                result: None,
            },
            Example {
                example: "dockwright inputs --rev HEAD~1 | get path",
                description: "The inputs as they were one commit ago",
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
        let rev = super::flag(call, "rev")?;
        let project = ctx.project()?;
        let selection = super::selection(&names, rev.as_ref());
        let report = usecase::inputs::inputs(&project, &selection)
            .map_err(|e| ctx.fail(e, &super::args(&names, &rev), "reading the inputs"))?;
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        let span: Span = call.head;
        let rows = report
            .inputs
            .into_iter()
            .map(|input| {
                Value::record(
                    record! {
                        "service" => Value::string(input.service, span),
                        "path" => Value::string(input.path, span),
                        "kind" => Value::string(kind(input.kind), span),
                        "hash" => Value::string(input.hash, span),
                        "size" => values::filesize(input.size, span),
                    },
                    span,
                )
            })
            .collect();
        Ok(Value::list(rows, span))
    }
}

/// The kind as the CLI's JSON spells it. A match rather than serde: a new kind must be named here.
fn kind(kind: dockwright::inputs::InputKind) -> &'static str {
    use dockwright::inputs::InputKind;
    match kind {
        InputKind::File => "file",
        InputKind::Executable => "executable",
        InputKind::Symlink => "symlink",
        InputKind::Url => "url",
    }
}
