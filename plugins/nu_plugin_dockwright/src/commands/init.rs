//! `dockwright init [dir] [--stack S] [--dry-run] [--force] [--var {k: v}]`: scaffold the
//! runtime-container setup for the project's stack, never overwriting a file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockwright::scaffold::{self, FileReport};
use dockwright::usecase::init;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{
    record, Example, LabeledError, Signature, Span, Spanned, SyntaxShape, Type, Value,
};

use crate::context::Context;
use crate::{values, DockwrightPlugin};

/// `dockwright init`.
pub struct Init;

fn row(file: FileReport, span: Span) -> Value {
    Value::record(
        record! {
            "path" => Value::string(file.path, span),
            "action" => Value::string(file.action.word(), span),
            "backup" => values::opt_string(file.backup, span),
            "diff" => values::opt_string(file.diff, span),
        },
        span,
    )
}

impl SimplePluginCommand for Init {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright init"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), Type::Table(
                    [
                        ("path", Type::String),
                        ("action", Type::String),
                        ("backup", Type::String),
                        ("diff", Type::String),
                    ]
                    .into(),
                ))
            .optional("dir", SyntaxShape::Directory, "The project directory (default: the current one).")
            .named(
                "stack",
                SyntaxShape::String,
                "The stack when detection is wrong or the project is new: a stack such as `python-uv`, or a language such as `node`.",
                None,
            )
            .switch(
                "dry-run",
                "Write nothing: say what would be written, with a diff for files that exist and differ.",
                Some('n'),
            )
            .switch(
                "force",
                "Replace files that differ from the templates, keeping each old one as `<file>.dockwright-backup`.",
                Some('f'),
            )
            .switch(
                "devcontainer",
                "Also write `.devcontainer/devcontainer.json`: Dev Containers on the compose service and the runtime image (never replacing a file).",
                None,
            )
            .named(
                "var",
                SyntaxShape::Record(Default::default()),
                "Template variables over the detected ones, such as {uid: 1001, version: '3.12'}.",
                None,
            )
    }

    fn description(&self) -> &str {
        "Scaffold the runtime-container setup for the project's stack (never overwrites)."
    }

    fn extra_description(&self) -> &str {
        "One row per file: `action` is created, unchanged, skipped (exists and differs; kept) or \
         replaced (--force); with --dry-run, would create, would skip or would replace, and \
         `diff` holds the difference for files that exist. The stack, its version and warnings \
         go to stderr."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec![
            "scaffold",
            "template",
            "dockerfile",
            "new",
            "setup",
            "compose",
        ]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright init --dry-run | select path action",
                description: "What init would write here, writing nothing",
                result: None,
            },
            Example {
                example: "dockwright init --stack python-uv --var {version: '3.12'} services/api",
                description: "Scaffold a new Python project managed by uv",
                result: None,
            },
            Example {
                example: "dockwright init --dry-run | where diff != null | each { print $in.diff }",
                description: "How the existing files differ from the templates",
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
        let given: Option<Spanned<String>> = call.opt(0)?;
        let stack = super::flag(call, "stack")?;
        let mut vars = BTreeMap::new();
        if let Some(value) = call.get_flag_value("var") {
            for (key, value) in value.as_record()?.iter() {
                vars.insert(key.clone(), value.coerce_str()?.into_owned());
            }
        }
        let request = init::Request {
            dir: given.as_ref().map(|d| PathBuf::from(&d.item)),
            stack: stack.as_ref().map(|s| s.item.clone()),
            vars,
            dry_run: call.has_flag("dry-run")?,
            force: call.has_flag("force")?,
            devcontainer: call.has_flag("devcontainer")?,
        };
        let args: Vec<&Spanned<String>> = stack.iter().chain(given.iter()).collect();
        let report =
            init::init(&ctx.dir, request, &ctx.lookup()).map_err(|e| ctx.fail(e, &args, "here"))?;
        eprintln!(
            "stack: {} ({}); version {} (from {})",
            report.stack, report.reason, report.version, report.version_source
        );
        if let Some(note) = &report.version_note {
            eprintln!("  {note}; change it with `--var {{version: …}}`");
        }
        // What was read from the project, and what had to be guessed (with its `--var`).
        for line in report.read.iter().chain(&report.guessed) {
            eprintln!("{line}");
        }
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        if let Some(line) = &report.import_line {
            eprintln!(
                "your justfile is untouched; the recipes are in `{}`; add `{line}` to it",
                scaffold::JUST_MODULE
            );
        }
        Ok(Value::list(
            report
                .files
                .into_iter()
                .map(|f| row(f, call.head))
                .collect(),
            call.head,
        ))
    }
}
