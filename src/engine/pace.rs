//! How long a quick engine call (inspect, list, create, remove) may take: one policy, by what
//! the caller is doing, with `DOCKWRIGHT_ENGINE_TIMEOUT` read here and nowhere else. Long calls
//! (a build's stream, a test run's wait) are bounded by their own settings, not by this.

use std::time::Duration;

use super::{EngineError, EnvLookup};

/// What the engine's calls are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// A post-checkout, post-merge or post-rewrite hook: git waits for it, so an absent or hung
    /// engine must cost a fraction of a second.
    Hook,
    /// A command someone waits on (status, inputs, build, images): an unreachable engine is an
    /// error in well under two seconds.
    Command,
    /// The pre-push hook: it runs tests anyway, but a hung engine must not hold the push long.
    Push,
    /// Test runs and gc: calls may wait on an engine loaded by the run itself.
    Run,
}

impl Pace {
    /// The bound of a quick call when `DOCKWRIGHT_ENGINE_TIMEOUT` does not set one.
    pub const fn default_bound(self) -> Duration {
        match self {
            Pace::Hook => Duration::from_millis(400),
            Pace::Command => Duration::from_millis(1500),
            Pace::Push => Duration::from_secs(10),
            Pace::Run => Duration::from_secs(30),
        }
    }

    /// The bound of a quick call: `DOCKWRIGHT_ENGINE_TIMEOUT` (seconds, or a duration such as
    /// `1500ms`; read through `lookup`: the plugin reads the calling shell's environment, not
    /// its own), else the default. A value that is set but unusable is an error naming it and
    /// the accepted range; an empty one counts as unset.
    pub fn bound(self, lookup: EnvLookup<'_>) -> Result<Duration, EngineError> {
        let variable = crate::env::ENGINE_TIMEOUT;
        match lookup(variable).filter(|v| !v.trim().is_empty()) {
            None => Ok(self.default_bound()),
            Some(value) => {
                crate::duration::parse(&value, crate::duration::ENGINE_TIMEOUT).map_err(|error| {
                    EngineError::Timeout {
                        variable,
                        error: Box::new(error),
                    }
                })
            }
        }
    }
}

/// The async runtime every engine call runs on: one thread, as every use case is a handful of
/// sequential engine calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, EngineError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(EngineError::Runtime)
}
