//! `dockwright status [...services] [--rev REV]`: is each runtime image fresh, stale or missing,
//! and what changed.

use dockwright::status::ServiceStatus;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{record, Example, LabeledError, Signature, Span, SyntaxShape, Type, Value};

use dockwright::engine::Pace;
use dockwright::usecase;

use crate::context::Context;
use crate::{values, DockwrightPlugin};

/// `dockwright status`.
pub struct Status;

/// The columns of the table, in order.
fn columns() -> Type {
    Type::Table(
        [
            ("service", Type::String),
            ("state", Type::String),
            ("fingerprint", Type::String),
            ("image", Type::String),
            ("built", Type::Date),
            ("size", Type::Filesize),
            (
                "changed",
                Type::Table([("path", Type::String), ("change", Type::String)].into()),
            ),
            ("compared_with", Type::String),
            ("warnings", Type::List(Box::new(Type::String))),
        ]
        .into(),
    )
}

/// One row.
fn row(status: ServiceStatus, span: Span) -> Value {
    Value::record(
        record! {
            "service" => Value::string(status.service, span),
            "state" => Value::string(status.state.as_str(), span),
            "fingerprint" => Value::string(status.fingerprint, span),
            "image" => Value::string(status.image, span),
            "built" => values::opt_date(status.built, span),
            "size" => status.size.map_or_else(|| Value::nothing(span), |s| Value::filesize(s, span)),
            "changed" => values::changes(status.changed, span),
            "compared_with" => values::opt_string(status.compared_with, span),
            "warnings" => Value::list(status.warnings.into_iter().map(|w| Value::string(w, span)).collect(), span),
        },
        span,
    )
}

impl SimplePluginCommand for Status {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright status"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), columns())
            .rest("services", SyntaxShape::String, "Services to check (default: all).")
            .named(
                "rev",
                SyntaxShape::String,
                "Read the files of this commit (from git objects, no checkout) instead of the working tree.",
                Some('r'),
            )
    }

    fn description(&self) -> &str {
        "Say, per service, whether the runtime image is fresh, stale or missing, and what changed."
    }

    fn extra_description(&self) -> &str {
        "fresh: an image with the current fingerprint of the service's inputs exists. stale: images \
         were built for the service, but none with this fingerprint; `changed` lists the inputs \
         that differ from the newest one. missing: no image was ever built. `built` and `size` \
         are those of the fresh image, else of the newest one."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["fresh", "stale", "fingerprint", "image", "outdated"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright status",
                description: "The state of every service's runtime image",
                result: None,
            },
            Example {
                example: "dockwright status | where state != fresh | get service",
                description: "The services whose runtime image needs a build",
                result: None,
            },
            Example {
                example: "dockwright status | where state == stale | get changed | flatten",
                description: "What changed since the images were built",
                result: None,
            },
            Example {
                example: "dockwright status --rev origin/main backend",
                description:
                    "Whether the image for a commit's files exists, without checking it out",
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
        let docker = ctx.engine(Pace::Command)?;
        let selection = super::selection(&names, rev.as_ref());
        let statuses = usecase::status::status(&project, &selection, &docker)
            .map_err(|e| ctx.fail(e, &super::args(&names, &rev), "asking the engine"))?;
        Ok(Value::list(
            statuses.into_iter().map(|s| row(s, call.head)).collect(),
            call.head,
        ))
    }
}
