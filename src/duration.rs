//! Durations a person writes: `90s`, `10m`, `1h30m`, `500ms`, `1.5h`, or a bare number of
//! seconds (`30`, `0.4`).
//!
//! Every duration dockwright reads has a range it accepts, named here so that a value outside
//! it is an error that says the range, never a panic or an overflowing timer.

use std::ops::RangeInclusive;
use std::time::Duration;

/// A test run's time limit (`--timeout`, `[services.*.sandbox] timeout`): at least a second,
/// at most a week.
pub const RUN_TIMEOUT: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(7 * 24 * 3600);

/// The bound of one engine call (`DOCKWRIGHT_ENGINE_TIMEOUT`): at least a millisecond, at most
/// an hour.
pub const ENGINE_TIMEOUT: RangeInclusive<Duration> =
    Duration::from_millis(1)..=Duration::from_secs(3600);

/// A duration that could not be read, or that lies outside the range its setting accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a duration at all.
    #[error("`{value}` is not a duration ({reason})")]
    Invalid {
        /// The text as given.
        value: String,
        /// What the parser said.
        reason: String,
        /// The range the setting accepts.
        range: RangeInclusive<Duration>,
    },
    /// A duration, but too short or too long (including one too large to represent).
    #[error("`{value}` is out of range: give a duration from {} to {}", show(range.start()), show(range.end()))]
    OutOfRange {
        /// The text as given.
        value: String,
        /// The range the setting accepts.
        range: RangeInclusive<Duration>,
    },
}

impl DurationError {
    /// The fix: the accepted forms and range.
    pub fn help(&self) -> String {
        match self {
            DurationError::Invalid { range, .. } | DurationError::OutOfRange { range, .. } => {
                help(range)
            }
        }
    }
}

/// How to write a duration that `range` accepts.
pub fn help(range: &RangeInclusive<Duration>) -> String {
    format!(
        "write a number with a unit, such as `90s`, `10m` or `1h30m` (a bare number is seconds), from {} to {}",
        show(range.start()),
        show(range.end())
    )
}

/// Reads `text` as a duration within `range`.
pub fn parse(text: &str, range: RangeInclusive<Duration>) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    let out_of_range = || DurationError::OutOfRange {
        value: text.to_string(),
        range: range.clone(),
    };
    let invalid = |reason: String| DurationError::Invalid {
        value: text.to_string(),
        reason,
        range: range.clone(),
    };
    let duration = match trimmed.parse::<f64>() {
        // A bare number is seconds, as `DOCKWRIGHT_ENGINE_TIMEOUT=0.4` always was. It is compared
        // with the range as a float first: `Duration::from_secs_f64` panics on `1e30`.
        Ok(secs) if secs.is_nan() => return Err(invalid("not a number".into())),
        Ok(secs) => {
            if secs < range.start().as_secs_f64() || secs > range.end().as_secs_f64() {
                return Err(out_of_range());
            }
            Duration::try_from_secs_f64(secs).map_err(|_| out_of_range())?
        }
        Err(_) => match humantime::parse_duration(trimmed) {
            Ok(duration) => duration,
            Err(humantime::DurationError::NumberOverflow) => return Err(out_of_range()),
            Err(e) => return Err(invalid(e.to_string())),
        },
    };
    if range.contains(&duration) {
        Ok(duration)
    } else {
        Err(out_of_range())
    }
}

/// A range end as a person reads it: `1s`, `7days`, `1ms`.
fn show(duration: &Duration) -> String {
    humantime::format_duration(*duration).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(text: &str) -> Result<Duration, DurationError> {
        parse(text, RUN_TIMEOUT)
    }

    #[test]
    fn units_and_bare_seconds() {
        assert_eq!(run("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(run("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(run("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(run("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(run("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(run(" 45 "), Ok(Duration::from_secs(45)));
        assert_eq!(
            parse("500ms", ENGINE_TIMEOUT),
            Ok(Duration::from_millis(500))
        );
        assert_eq!(parse("0.4", ENGINE_TIMEOUT), Ok(Duration::from_millis(400)));
    }

    #[test]
    fn a_huge_value_is_out_of_range_and_says_the_range() {
        for value in [
            "99999999999999999999s",
            "99999999999999999999",
            "1e30",
            "8d",
            "inf",
        ] {
            let err = run(value).unwrap_err();
            assert!(
                matches!(err, DurationError::OutOfRange { .. }),
                "{value}: {err}"
            );
            let text = err.to_string();
            assert!(text.contains(&format!("`{value}`")), "{text}");
            assert!(text.contains("from 1s to 7days"), "{text}");
        }
        let err = parse("1e30", ENGINE_TIMEOUT).unwrap_err();
        assert!(err.to_string().contains("from 1ms to 1h"), "{err}");
    }

    #[test]
    fn zero_and_negative_are_out_of_range() {
        for value in ["0s", "0", "-5", "0.0001"] {
            assert!(
                matches!(run(value), Err(DurationError::OutOfRange { .. })),
                "{value}"
            );
        }
    }

    #[test]
    fn words_are_not_durations() {
        for value in ["forever", "", "10 parsecs", "NaN", "1h30"] {
            let err = run(value).unwrap_err();
            assert!(
                matches!(err, DurationError::Invalid { .. }),
                "{value}: {err}"
            );
            assert!(err.to_string().contains(&format!("`{value}`")), "{err}");
            assert!(err.help().contains("`90s`"), "{}", err.help());
        }
    }

    proptest! {
        // The crash this module exists for: no text a user can write makes it panic, and what
        // it accepts lies in the range.
        #[test]
        fn never_panics(text in "\\PC*") {
            if let Ok(d) = run(&text) {
                prop_assert!(RUN_TIMEOUT.contains(&d));
            }
        }

        #[test]
        fn never_panics_on_number_and_unit(
            number in "[0-9]{1,30}(\\.[0-9]{0,12})?([eE][+-]?[0-9]{1,4})?",
            space in " ?",
            unit in "(|ns|us|ms|s|sec|m|min|h|hr|d|days|w|weeks|M|months|y|years)",
        ) {
            let text = format!("{number}{space}{unit}");
            for range in [RUN_TIMEOUT, ENGINE_TIMEOUT] {
                if let Ok(d) = parse(&text, range.clone()) {
                    prop_assert!(range.contains(&d));
                }
            }
        }
    }
}
