//! `dockwright test [rev] [--service S] [--worktree] …`: run the tests of exactly a commit in a
//! fresh, hardened, throwaway container.

use dockwright::config::TestCommand;
use dockwright::engine::Pace;
use dockwright::sandbox::{Request, RunResult};
use dockwright::usecase;
use nu_plugin::{EngineInterface, EvaluatedCall, SimplePluginCommand};
use nu_protocol::{
    record, Category, Example, LabeledError, Signature, Span, Spanned, SyntaxShape, Type, Value,
};

use crate::context::Context;
use crate::term;
use crate::{values, DockwrightPlugin};

/// `dockwright test`.
pub struct Test;

fn columns() -> Vec<(String, Type)> {
    vec![
        ("commit".into(), Type::String),
        ("service".into(), Type::String),
        ("image".into(), Type::String),
        ("exit_code".into(), Type::Int),
        ("duration".into(), Type::Duration),
        ("passed".into(), Type::Bool),
        ("container".into(), Type::String),
        ("files".into(), Type::Int),
        ("bytes".into(), Type::Filesize),
        ("cached".into(), Type::Bool),
        ("proven_commit".into(), Type::String),
        ("proven_at".into(), Type::Date),
    ]
}

fn row(result: RunResult, span: Span) -> Value {
    let (proven_commit, proven_at) = match result.proven {
        Some(p) => (Some(p.commit), Some(p.when)),
        None => (None, None),
    };
    let duration = std::time::Duration::try_from_secs_f64(result.duration).unwrap_or_default();
    Value::record(
        record! {
            "commit" => Value::string(result.commit, span),
            "service" => Value::string(result.service, span),
            "image" => Value::string(result.image, span),
            "exit_code" => Value::int(result.exit_code, span),
            "duration" => values::duration(duration, span),
            "passed" => Value::bool(result.passed, span),
            "container" => values::opt_string(result.container, span),
            "files" => Value::int(i64::try_from(result.files).unwrap_or(i64::MAX), span),
            "bytes" => values::filesize(result.bytes, span),
            "cached" => Value::bool(result.cached, span),
            "proven_commit" => values::opt_string(proven_commit, span),
            "proven_at" => values::opt_date(proven_at, span),
        },
        span,
    )
}

impl SimplePluginCommand for Test {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright test"
    }

    fn signature(&self) -> Signature {
        // The list first: with the string first, `[a b]` would parse as one bare word.
        let list_or_one = SyntaxShape::OneOf(vec![
            SyntaxShape::List(Box::new(SyntaxShape::String)),
            SyntaxShape::String,
        ]);
        Signature::build(self.name())
            .input_output_types(vec![
                (Type::Nothing, Type::Record(columns().into())),
                (Type::Nothing, Type::Table(columns().into())),
            ])
            .optional("rev", SyntaxShape::String, "The commit to test (default HEAD); its tracked files only.")
            .named("service", list_or_one.clone(), "Test only this service, or these (a list).", Some('s'))
            .switch(
                "worktree",
                "Test the working tree (tracked and untracked-but-not-ignored files) instead of a commit.",
                Some('w'),
            )
            .switch("keep", "Keep the container afterwards, for inspection.", Some('k'))
            .named("timeout", SyntaxShape::Duration, "Stop the run after this long.", Some('t'))
            .named(
                "target",
                SyntaxShape::String,
                "Build this stage of the service's multi-stage Dockerfile from the commit and test in it.",
                None,
            )
            .named(
                "command",
                list_or_one,
                "The test command instead of the configured one: a string runs with `sh -c`, a list is the argument vector.",
                Some('c'),
            )
            .switch("verbose", "Print the effective sandbox settings.", Some('v'))
            .switch(
                "rerun",
                "Run even when this exact run (files, image, command, settings) passed before.",
                None,
            )
            .category(Category::Custom("dockwright".into()))
    }

    fn description(&self) -> &str {
        "Run the tests of exactly a commit in a fresh, hardened, throwaway container."
    }

    fn extra_description(&self) -> &str {
        "The test output streams live to stderr. The result is a record (commit, service, image, \
         exit_code, duration, passed, …) when one service is tested, a table when several are. \
         A failing test is a result with `passed: false`, not an error. A run that passed before \
         with the same files, image, command and settings is not run again: its result says \
         `cached: true` with the proof's commit and time (`--rerun` runs it). Ctrl-C stops the run \
         and removes its container."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["sandbox", "ci", "pytest", "run", "container", "clean"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright test | get passed",
                description: "Test HEAD as committed, in a clean container",
                result: None,
            },
            Example {
                example: "dockwright test main~1 --service backend",
                description: "Test one service at an earlier commit",
                result: None,
            },
            Example {
                example:
                    "dockwright test --worktree --command [pytest -x tests/unit] --timeout 5min",
                description:
                    "Test uncommitted changes with another command, for at most five minutes",
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
        let rev: Option<Spanned<String>> = call.opt(0)?;
        let services = super::one_or_many(call, "service")?;
        let worktree = call.has_flag("worktree")?;
        if let (true, Some(rev)) = (worktree, &rev) {
            return Err(LabeledError::new("a revision and --worktree cannot go together")
                .with_label("this revision", rev.span)
                .with_label("and the working tree", call.get_flag_span("worktree").unwrap_or(call.head))
                .with_help("drop the revision to test the working tree, or --worktree to test a commit"));
        }
        let timeout = match call.get_flag_value("timeout") {
            Some(value) => {
                let span = value.span();
                let nanos = value.as_duration()?;
                let nanos = u64::try_from(nanos).map_err(|_| {
                    LabeledError::new("the timeout must be positive").with_label("negative", span)
                })?;
                Some(std::time::Duration::from_nanos(nanos))
            }
            None => None,
        };
        let command = match call.get_flag_value("command") {
            Some(Value::List { vals, .. }) => vals
                .iter()
                .map(|v| Ok(v.coerce_str()?.into_owned()))
                .collect::<Result<Vec<_>, LabeledError>>()?,
            Some(value) => TestCommand::Shell(value.coerce_str()?.into_owned()).argv(),
            None => Vec::new(),
        };
        let project = ctx.project()?;
        let target = super::flag(call, "target")?;
        let request = Request {
            rev: rev.as_ref().map(|r| r.item.clone()),
            worktree,
            services: services.iter().map(|s| s.item.clone()).collect(),
            keep: call.has_flag("keep")?,
            timeout,
            command,
            target: target.as_ref().map(|t| t.item.clone()),
            verbose: call.has_flag("verbose")?,
            rerun: call.has_flag("rerun")?,
        };
        let docker = ctx.engine(Pace::Run)?;
        let interrupt = ctx.interrupt()?;
        // Stdout is the plugin protocol: the test's output, both streams, goes to stderr.
        let mut output = term::RunOutput::new(request.verbose, true);
        let cancel = interrupt.wait();
        tokio::pin!(cancel);
        let args: Vec<&Spanned<String>> = rev.iter().chain(&services).chain(&target).collect();
        let results = usecase::test::test(&project, &request, &docker, &mut output, cancel)
            .map_err(|e| ctx.fail(e, &args, "running the tests"))?;
        let mut rows: Vec<Value> = results.into_iter().map(|r| row(r, call.head)).collect();
        Ok(match rows.len() {
            1 => rows.remove(0),
            _ => Value::list(rows, call.head),
        })
    }
}
