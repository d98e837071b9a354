//! What `dockwright up` reports: one [`Event`] per thing that happened, as one JSON object per
//! line for programs (`--format json`, the Nushell plugin's `dockwright watch` stream); the
//! faces render it for people.

use std::time::{Duration, SystemTime};

use crate::inputs::Change;

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
}
