//! BuildKit's status stream turned into step events: a vertex is a step, announced once when it
//! starts, its log lines as they come, and once when it ends with its time and cache hit.

use std::collections::HashMap;
use std::time::Duration;

use bollard::moby::buildkit::v1::StatusResponse;

use super::BuildEvent;

/// What is known of one vertex so far.
#[derive(Debug, Default)]
struct Vertex {
    name: String,
    started: bool,
    done: bool,
    /// A log line not yet ended by a newline.
    partial: Vec<u8>,
}

/// Follows the vertices of one build across status messages.
#[derive(Debug, Default)]
pub struct Steps {
    vertices: HashMap<String, Vertex>,
    /// Digests in the order they were first seen, for stable output.
    order: Vec<String>,
}

impl Steps {
    /// The events one status message adds.
    pub fn update(&mut self, status: StatusResponse) -> Vec<BuildEvent> {
        let mut events = Vec::new();
        for vertex in status.vertexes {
            let known = self.vertices.entry(vertex.digest.clone()).or_default();
            if known.name.is_empty() {
                self.order.push(vertex.digest.clone());
            }
            known.name = vertex.name.clone();
            let begun = vertex.started.is_some() || vertex.cached;
            if begun && !known.started {
                known.started = true;
                events.push(BuildEvent::Started {
                    id: vertex.digest.clone(),
                    name: vertex.name.clone(),
                });
            }
            let failed = !vertex.error.is_empty();
            if (vertex.completed.is_some() || failed) && !known.done {
                known.done = true;
                let duration = match (&vertex.started, &vertex.completed) {
                    (Some(start), Some(end)) => {
                        let nanos = (end.seconds - start.seconds) as i128 * 1_000_000_000
                            + (end.nanos - start.nanos) as i128;
                        Some(Duration::from_nanos(nanos.max(0) as u64))
                    }
                    _ => None,
                };
                if !known.partial.is_empty() {
                    let rest = std::mem::take(&mut known.partial);
                    events.push(BuildEvent::Output {
                        id: vertex.digest.clone(),
                        name: vertex.name.clone(),
                        line: String::from_utf8_lossy(&rest).into_owned(),
                    });
                }
                events.push(BuildEvent::Done {
                    id: vertex.digest.clone(),
                    name: vertex.name.clone(),
                    cached: vertex.cached,
                    duration,
                    error: failed.then(|| vertex.error.clone()),
                });
            }
        }
        for log in status.logs {
            let known = self.vertices.entry(log.vertex.clone()).or_default();
            known.partial.extend_from_slice(&log.msg);
            while let Some(end) = known.partial.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = known.partial.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line);
                // Progress bars of the step's own tools redraw with `\r`: keep the last state.
                let text = text.trim_end_matches(['\n', '\r']);
                let text = text.rsplit('\r').next().unwrap_or_default();
                events.push(BuildEvent::Output {
                    id: log.vertex.clone(),
                    name: known.name.clone(),
                    line: text.to_string(),
                });
            }
        }
        events
    }

    /// Names of the vertices seen, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .filter_map(|d| self.vertices.get(d).map(|v| v.name.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::moby::buildkit::v1::{Vertex as PbVertex, VertexLog};

    fn time(
        seconds: i64,
        nanos: i32,
    ) -> Option<bollard_buildkit_proto::google::protobuf::Timestamp> {
        Some(bollard_buildkit_proto::google::protobuf::Timestamp { seconds, nanos })
    }

    fn vertex(digest: &str, name: &str) -> PbVertex {
        PbVertex {
            digest: digest.into(),
            name: name.into(),
            ..PbVertex::default()
        }
    }

    #[test]
    fn a_vertex_starts_logs_and_ends_once() {
        let mut steps = Steps::default();
        let mut first = vertex("sha256:a", "[2/3] RUN make");
        first.started = time(10, 0);
        let events = steps.update(StatusResponse {
            vertexes: vec![first.clone(), first.clone()],
            ..StatusResponse::default()
        });
        assert_eq!(events.len(), 1, "{events:?}");
        let events = steps.update(StatusResponse {
            logs: vec![
                VertexLog {
                    vertex: "sha256:a".into(),
                    msg: b"compiling\npart".to_vec(),
                    ..VertexLog::default()
                },
                VertexLog {
                    vertex: "sha256:a".into(),
                    msg: b"ial\r\n".to_vec(),
                    ..VertexLog::default()
                },
            ],
            ..StatusResponse::default()
        });
        let lines: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                BuildEvent::Output { line, name, .. } => Some(format!("{name}: {line}")),
                _ => None,
            })
            .collect();
        assert_eq!(
            lines,
            ["[2/3] RUN make: compiling", "[2/3] RUN make: partial"]
        );
        let mut done = first;
        done.completed = time(11, 500_000_000);
        let events = steps.update(StatusResponse {
            vertexes: vec![done.clone(), done],
            ..StatusResponse::default()
        });
        match events.as_slice() {
            [BuildEvent::Done {
                duration,
                cached,
                error,
                ..
            }] => {
                assert_eq!(*duration, Some(Duration::from_millis(1500)));
                assert!(!cached);
                assert!(error.is_none());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cached_vertex_and_a_failed_one() {
        let mut steps = Steps::default();
        let mut cached = vertex("sha256:c", "[1/2] COPY a /a");
        cached.cached = true;
        cached.started = time(1, 0);
        cached.completed = time(1, 0);
        let mut failed = vertex("sha256:f", "[2/2] RUN false");
        failed.started = time(1, 0);
        failed.completed = time(2, 0);
        failed.error = "exit code: 1".into();
        let events = steps.update(StatusResponse {
            vertexes: vec![cached, failed],
            ..StatusResponse::default()
        });
        let summary: Vec<String> = events
            .iter()
            .map(|e| match e {
                BuildEvent::Started { name, .. } => format!("start {name}"),
                BuildEvent::Done {
                    name,
                    cached,
                    error,
                    ..
                } => format!("done {name} cached={cached} error={error:?}"),
                BuildEvent::Output { line, .. } => format!("out {line}"),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "start [1/2] COPY a /a",
                "done [1/2] COPY a /a cached=true error=None",
                "start [2/2] RUN false",
                "done [2/2] RUN false cached=false error=Some(\"exit code: 1\")",
            ]
        );
        assert_eq!(steps.names().count(), 2);
    }
}
