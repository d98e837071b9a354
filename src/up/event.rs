//! What `dockwright up` reports: one [`Event`] per thing that happened, rendered as one line for
//! people or one JSON object per line for programs (`--format json`, the Nushell plugin's
//! `dockwright watch` stream).

use std::time::{Duration, SystemTime};

use crate::inputs::Change;
use crate::term::{paint, Style};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// At start-up: the service's runtime image matches its inputs.
    Fresh,
    /// A build started (at start-up in the foreground, later in the background).
    Building,
    /// A build ended well.
    Built,
    /// Compose started the services.
    Started,
    /// The watch began; `inputs` lists what is watched.
    Watching,
    /// Inputs changed: the fingerprint is new (`inputs` names what changed).
    Changed,
    /// The service's container was recreated on the new image; `duration` is the downtime.
    Swapped,
    /// A background build or a swap failed; the old container keeps serving.
    Failed,
    /// The project cannot be read (an invalid `dockwright.toml`, a deleted Dockerfile): nothing
    /// is built until a save makes it readable again.
    Invalid,
    /// The project reads well again after [`Kind::Invalid`].
    Recovered,
    /// The engine stopped answering; the watch goes on and resumes when it answers.
    EngineLost,
    /// The engine answers again.
    EngineBack,
    /// Ctrl-C: the services started are stopped, a running build is abandoned.
    Stopped,
}

impl Kind {
    /// The word used in JSON and in `where event == …`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fresh => "fresh",
            Kind::Building => "building",
            Kind::Built => "built",
            Kind::Started => "started",
            Kind::Watching => "watching",
            Kind::Changed => "changed",
            Kind::Swapped => "swapped",
            Kind::Failed => "failed",
            Kind::Invalid => "invalid",
            Kind::Recovered => "recovered",
            Kind::EngineLost => "engine-lost",
            Kind::EngineBack => "engine-back",
            Kind::Stopped => "stopped",
        }
    }
}

/// One event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    /// When, RFC 3339 in UTC (`2026-11-30T22:10:05.123Z`).
    pub time: String,
    /// The service, when the event is about one.
    pub service: Option<String>,
    /// What happened.
    pub event: Kind,
    /// Inputs added, removed or changed (for `changed`), or watched (for `watching`).
    pub inputs: Vec<Change>,
    /// The runtime image concerned (`repository:tag`).
    pub image: Option<String>,
    /// Seconds: of the build (`built`), of the downtime (`swapped`).
    pub duration: Option<f64>,
    /// Why, for `failed`, `invalid` and `engine-lost`.
    pub message: Option<String>,
    /// The build's log, for `building` in the background and `failed`.
    pub log: Option<String>,
}

impl Event {
    /// An event of `kind` now, with nothing else set.
    pub fn new(kind: Kind) -> Event {
        Event {
            time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            service: None,
            event: kind,
            inputs: Vec::new(),
            image: None,
            duration: None,
            message: None,
            log: None,
        }
    }

    /// The same, about `service`.
    pub fn service(mut self, service: &str) -> Event {
        self.service = Some(service.to_string());
        self
    }

    /// The same, with `image`.
    pub fn image(mut self, image: &str) -> Event {
        self.image = Some(image.to_string());
        self
    }

    /// The same, with `duration`.
    pub fn duration(mut self, duration: Duration) -> Event {
        self.duration = Some((duration.as_secs_f64() * 1000.0).round() / 1000.0);
        self
    }

    /// The same, with `message` (made one line).
    pub fn message(mut self, message: &str) -> Event {
        self.message = Some(message.split_whitespace().collect::<Vec<_>>().join(" "));
        self
    }

    /// The same, with `log`.
    pub fn log(mut self, log: &str) -> Event {
        self.log = Some(log.to_string());
        self
    }

    /// The same, with `inputs`.
    pub fn inputs(mut self, inputs: Vec<Change>) -> Event {
        self.inputs = inputs;
        self
    }

    /// The event as one JSON line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The event as one line for people (`dockwright: app: …`).
    pub fn line(&self, colour: bool) -> String {
        let who = match &self.service {
            Some(s) => format!("{}: ", paint(colour, Style::Bold, s)),
            None => String::new(),
        };
        let secs = |d: Option<f64>| format!("{:.1}s", d.unwrap_or_default());
        let image = self.image.as_deref().unwrap_or("the runtime image");
        let log = self.log.as_deref().unwrap_or("");
        let message = self.message.as_deref().unwrap_or("");
        let text = match self.event {
            Kind::Fresh => format!("`{image}` is fresh"),
            Kind::Building if log.is_empty() => format!("building `{image}`"),
            Kind::Building => format!(
                "building `{image}` in the background (the old container keeps serving); log: {log}"
            ),
            Kind::Built => format!("built `{image}` in {}", secs(self.duration)),
            Kind::Started => "compose started the services".to_string(),
            Kind::Watching => format!(
                "watching {} input{} (Ctrl-C stops)",
                self.inputs.len(),
                if self.inputs.len() == 1 { "" } else { "s" }
            ),
            Kind::Changed => paint(
                colour,
                Style::Yellow,
                &crate::hooks::freshness::changes(&self.inputs),
            ),
            Kind::Swapped => paint(
                colour,
                Style::Green,
                &format!(
                    "now runs `{image}` (container recreated, {} of downtime)",
                    secs(self.duration)
                ),
            ),
            Kind::Failed => paint(
                colour,
                Style::Red,
                &format!(
                    "{message}; the old container keeps serving{}",
                    if log.is_empty() {
                        String::new()
                    } else {
                        format!("; log: {log}")
                    }
                ),
            ),
            Kind::Invalid => paint(
                colour,
                Style::Red,
                &format!("{message}; still watching, the next valid save resumes"),
            ),
            Kind::Recovered => "the project reads well again".to_string(),
            Kind::EngineLost => paint(
                colour,
                Style::Red,
                &format!("{message}; still watching, resuming when the engine answers"),
            ),
            Kind::EngineBack => "the engine answers again".to_string(),
            Kind::Stopped => "stopped".to_string(),
        };
        format!("dockwright: {who}{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_the_documented_fields() {
        let e = Event::new(Kind::Swapped)
            .service("app")
            .image("p-app-runtime:abc")
            .duration(Duration::from_millis(1234));
        let v: serde_json::Value = serde_json::from_str(&e.json()).unwrap();
        assert_eq!(v["event"], "swapped");
        assert_eq!(v["service"], "app");
        assert_eq!(v["image"], "p-app-runtime:abc");
        assert_eq!(v["duration"], 1.234);
        assert!(v["time"].as_str().unwrap().ends_with('Z'));
        assert!(v["inputs"].as_array().unwrap().is_empty());
    }

    #[test]
    fn lines_name_the_inputs_and_the_log() {
        let e = Event::new(Kind::Changed)
            .service("app")
            .inputs(vec![Change {
                path: "requirements.txt".into(),
                change: "changed",
            }]);
        assert_eq!(e.line(false), "dockwright: app: requirements.txt changed");
        let f = Event::new(Kind::Failed)
            .service("app")
            .message("the build failed\n at `RUN x`")
            .log(".git/dockwright/up-app.log");
        assert_eq!(
            f.line(false),
            "dockwright: app: the build failed at `RUN x`; the old container keeps serving; log: .git/dockwright/up-app.log"
        );
    }
}
