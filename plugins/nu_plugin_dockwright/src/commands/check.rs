//! `dockwright check`: runtime-container mistakes, each with its file, line and fix.

use dockwright::check::Finding;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, Type, Value};

use crate::context::Context;
use crate::DockwrightPlugin;

/// `dockwright check`.
pub struct Check;

fn row(finding: Finding, span: Span) -> Value {
    Value::record(
        record! {
            "file" => Value::string(finding.file, span),
            "line" => Value::int(i64::try_from(finding.line).unwrap_or(i64::MAX), span),
            "rule" => Value::string(finding.rule, span),
            "message" => Value::string(finding.message, span),
            "fix" => Value::string(finding.fix, span),
        },
        span,
    )
}

impl SimplePluginCommand for Check {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright check"
    }

    fn signature(&self) -> Signature {
        super::signature(
            self.name(),
            Type::Table(
                [
                    ("file", Type::String),
                    ("line", Type::Int),
                    ("rule", Type::String),
                    ("message", Type::String),
                    ("fix", Type::String),
                ]
                .into(),
            ),
        )
    }

    fn description(&self) -> &str {
        "Find runtime-container mistakes in the project and say how to fix each."
    }

    fn extra_description(&self) -> &str {
        "Looks at the files as they are: each service's runtime Dockerfile, the multi-stage \
         Dockerfile, .dockerignore and the compose files. `line` is 0 when the mistake is a \
         missing file. Needs no Docker engine. An empty table means nothing was found."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec![
            "lint",
            "doctor",
            "mistakes",
            "dockerfile",
            "compose",
            "dockerignore",
        ]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright check",
                description: "Every finding, with its fix",
                result: None,
            },
            Example {
                example: "dockwright check | group-by rule --to-table | each { {rule: $in.rule, count: ($in.items | length)} }",
                description: "How often each rule fires",
                result: None,
            },
            Example {
                example: "if (dockwright check | is-not-empty) { error make {msg: 'runtime-container mistakes'} }",
                description: "Fail a script when anything is found",
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
        let findings = dockwright::usecase::check::check(&ctx.dir)
            .map_err(|e| ctx.fail(e, &[], format!("checking `{}`", ctx.dir.display())))?;
        Ok(Value::list(
            findings.into_iter().map(|f| row(f, call.head)).collect(),
            call.head,
        ))
    }
}
