//! How long a quick engine call (inspect, list, create, remove) may take: one policy, by what
//! the caller is doing, with `DOCKWRIGHT_ENGINE_TIMEOUT` read here and nowhere else. Long calls
//! (a build's stream, a test run's wait) are bounded by their own settings, not by this.
//!
//! Two bounds: until the engine has answered once, a quick call gets [`Pace::default_bound`],
//! so a hung engine is said to be not answering within seconds; once it has answered, it is
//! alive, and a call may wait up to [`Pace::patience`] on an engine loaded by the run itself.

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
    /// Test runs and gc: once the engine answered, calls may wait on an engine loaded by the
    /// run itself.
    Run,
}

impl Pace {
    /// The bound of a quick call, until the engine has answered once, when
    /// `DOCKWRIGHT_ENGINE_TIMEOUT` does not set one.
    pub const fn default_bound(self) -> Duration {
        match self {
            Pace::Hook => Duration::from_millis(400),
            Pace::Command => Duration::from_millis(1500),
            Pace::Push | Pace::Run => Duration::from_secs(3),
        }
    }

    /// The bound of a quick call once the engine has answered (it is alive, perhaps loaded),
    /// when `DOCKWRIGHT_ENGINE_TIMEOUT` does not set one.
    pub const fn patience(self) -> Duration {
        match self {
            Pace::Push => Duration::from_secs(10),
            Pace::Run => Duration::from_secs(30),
            other => other.default_bound(),
        }
    }

    /// The bound of a quick call: `DOCKWRIGHT_ENGINE_TIMEOUT` (seconds, or a duration such as
    /// `1500ms`; read through `lookup`: the plugin reads the calling shell's environment, not
    /// its own), else the default. A value that is set but unusable is an error naming it and
    /// the accepted range; an empty one counts as unset.
    pub fn bound(self, lookup: EnvLookup<'_>) -> Result<Duration, EngineError> {
        Ok(self.bounds(lookup)?.0)
    }

    /// The bounds of a quick call before and after the engine's first answer:
    /// `DOCKWRIGHT_ENGINE_TIMEOUT` sets both, else [`Pace::default_bound`] and
    /// [`Pace::patience`].
    pub fn bounds(self, lookup: EnvLookup<'_>) -> Result<(Duration, Duration), EngineError> {
        let variable = crate::env::ENGINE_TIMEOUT;
        match lookup(variable).filter(|v| !v.trim().is_empty()) {
            None => Ok((self.default_bound(), self.patience())),
            Some(value) => crate::duration::parse(&value, crate::duration::ENGINE_TIMEOUT)
                .map(|bound| (bound, bound))
                .map_err(|error| EngineError::Timeout {
                    variable,
                    error: Box::new(error),
                }),
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
