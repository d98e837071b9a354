//! `dockwright watch [...services]`: `dockwright up` as a stream of event records. It makes the
//! runtime images fresh, starts compose on them, watches the inputs by content, rebuilds in the
//! background and swaps; each thing that happens is a record as it happens. Ctrl-C, or the
//! stream's end (`first`, `take until`), stops what it started.

use std::sync::mpsc;
use std::time::Duration;

use nu_plugin::{EngineInterface, EvaluatedCall, PluginCommand};
use nu_protocol::{
    record, Example, LabeledError, ListStream, PipelineData, Signals, Signature, Span, SyntaxShape,
    Type, Value,
};

use dockwright::engine::Pace;
use dockwright::up::{self, Event, Options};

use crate::context::Context;
use crate::{term, values, DockwrightPlugin};

/// `dockwright watch`.
pub struct Watch;

fn columns() -> Type {
    Type::List(Box::new(Type::Record(
        [
            ("time", Type::Date),
            ("service", Type::String),
            ("event", Type::String),
            (
                "inputs",
                Type::Table([("path", Type::String), ("change", Type::String)].into()),
            ),
            ("image", Type::String),
            ("duration", Type::Duration),
            ("message", Type::String),
            ("log", Type::String),
        ]
        .into(),
    )))
}

/// One event as a record.
fn row(event: Event, span: Span) -> Value {
    let time = chrono::DateTime::parse_from_rfc3339(&event.time).map_or_else(
        |_| Value::string(&event.time, span),
        |t| Value::date(t, span),
    );
    Value::record(
        record! {
            "time" => time,
            "service" => values::opt_string(event.service, span),
            "event" => Value::string(event.event.as_str(), span),
            "inputs" => values::changes(event.inputs, span),
            "image" => values::opt_string(event.image, span),
            "duration" => event.duration.map_or_else(
                || Value::nothing(span),
                |d| values::duration(Duration::from_secs_f64(d), span),
            ),
            "message" => values::opt_string(event.message, span),
            "log" => values::opt_string(event.log, span),
        },
        span,
    )
}

impl PluginCommand for Watch {
    type Plugin = DockwrightPlugin;

    fn name(&self) -> &str {
        "dockwright watch"
    }

    fn signature(&self) -> Signature {
        super::signature(self.name(), columns()).rest(
            "services",
            SyntaxShape::String,
            "Compose services to start (default: every dockwright service the compose file has).",
        )
    }

    fn description(&self) -> &str {
        "Run the dev server on the runtime images and watch their inputs: `dockwright up` as a stream of events."
    }

    fn extra_description(&self) -> &str {
        "Each event is a record (time, service, event, inputs, image, duration, message, log) \
         as it happens: fresh, building, built, started, watching, changed, swapped, failed, \
         invalid, recovered, engine-lost, engine-back, stopped. A change that leaves the \
         fingerprint as it was (touch, the same bytes saved) makes no event. Compose's output \
         goes to the terminal. Ctrl-C, or the end of the stream (`first`, `take until`), stops \
         the services it started."
    }

    fn search_terms(&self) -> Vec<&str> {
        vec!["up", "compose", "dev", "server", "rebuild", "swap"]
    }

    fn examples(&self) -> Vec<Example<'_>> {
        vec![
            Example {
                example: "dockwright watch | where event == swapped",
                description: "Only the swaps onto a new runtime image",
                result: None,
            },
            Example {
                example: "dockwright watch | take until {|e| $e.event == watching } | get event",
                description: "Start the services, stop when the watch begins (a smoke test)",
                result: None,
            },
        ]
    }

    fn run(
        &self,
        _plugin: &DockwrightPlugin,
        engine: &EngineInterface,
        call: &EvaluatedCall,
        _input: PipelineData,
    ) -> Result<PipelineData, LabeledError> {
        let ctx = Context::new(engine, call)?;
        let names = super::names(call, 0)?;
        // The project is read here, so a bad directory or service is an error of the call,
        // not of the stream.
        let project = ctx.project()?;
        let services: Vec<String> = names.iter().map(|n| n.item.clone()).collect();
        project
            .services(&project.config, &services)
            .map_err(|e| ctx.fail(e, &super::args(&names, &None), "reading the services"))?;
        let docker = ctx.engine(Pace::Run)?;
        let interrupt = ctx.interrupt()?;
        let dir = ctx.dir.clone();
        let span = call.head;

        let (events, received) = mpsc::channel::<Event>();
        // Dropped with the stream: its end is a stop as Ctrl-C is.
        let (ended, stream_end) = tokio::sync::oneshot::channel::<()>();
        let worker = std::thread::Builder::new()
            .name("dockwright watch".into())
            .spawn(move || {
                let options = Options {
                    services,
                    watch: true,
                    detach: false,
                    // Stdout is the plugin protocol: compose's output goes to stderr.
                    events_only_on_stdout: true,
                };
                let cancel = interrupt.wait();
                let stop = async move {
                    tokio::select! {
                        _ = cancel => {}
                        _ = stream_end => {}
                    }
                };
                let mut sink = |event: &Event| {
                    let _ = events.send(event.clone());
                };
                let mut progress = term::BuildProgress::new(false);
                let result = up::run(&dir, &options, docker, &mut sink, &mut progress, stop);
                if let Err(e) = result {
                    let _ = events.send(Event::new(up::Kind::Failed).message(&format!(
                            "{e}{}",
                            e.help().map(|h| format!(" (help: {h})")).unwrap_or_default()
                        )));
                }
                drop(interrupt);
            })
            .map_err(|e| LabeledError::new(format!("cannot start the watch: {e}")))?;
        let stream = Stream {
            engine: engine.clone(),
            received,
            ended: Some(ended),
            worker: Some(worker),
            span,
        };
        Ok(PipelineData::list_stream(
            ListStream::new(stream, span, Signals::empty()),
            None,
        ))
    }
}

/// The events as they arrive; dropping it ends the watch.
struct Stream {
    /// The call's link to `nu`, to learn that nobody reads the stream any more.
    engine: EngineInterface,
    received: mpsc::Receiver<Event>,
    ended: Option<tokio::sync::oneshot::Sender<()>>,
    worker: Option<std::thread::JoinHandle<()>>,
    span: Span,
}

impl Drop for Stream {
    /// Ends the watch and waits until what it started is stopped, so that `nu` ending right
    /// after the stream cannot cut the stop short.
    fn drop(&mut self) {
        drop(self.ended.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Iterator for Stream {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        // nu dropping the stream (`first`, `take until`, the shell closed) reaches the plugin
        // only as a failed write of the next value, which an idle watch may never make. So
        // while no event comes, ask nu something once a second: once the call's context is
        // gone, the question fails, the stream ends, and its drop stops the watch.
        loop {
            match self.received.recv_timeout(Duration::from_secs(1)) {
                Ok(event) => return Some(row(event, self.span)),
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if self.engine.get_current_dir().is_err() {
                        return None;
                    }
                }
            }
        }
    }
}
