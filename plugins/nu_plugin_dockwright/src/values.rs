//! Core values as Nushell values: times as dates, byte counts as file sizes, durations as
//! durations, so that `sort-by`, `where size > 100mb` and `where built < (date now) - 1day` work.

use nu_protocol::{record, Span, Value};

/// Seconds since the epoch as a date (UTC); `nothing` when the engine gave a time out of range.
pub fn date(secs: i64, span: Span) -> Value {
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(time) => Value::date(time.fixed_offset(), span),
        None => Value::nothing(span),
    }
}

/// An optional time: `nothing` when absent.
pub fn opt_date(secs: Option<i64>, span: Span) -> Value {
    secs.map_or_else(|| Value::nothing(span), |secs| date(secs, span))
}

/// A byte count.
pub fn filesize(bytes: u64, span: Span) -> Value {
    Value::filesize(i64::try_from(bytes).unwrap_or(i64::MAX), span)
}

/// A duration.
pub fn duration(duration: std::time::Duration, span: Span) -> Value {
    Value::duration(i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX), span)
}

/// Text, or `nothing`.
pub fn opt_string(text: Option<impl Into<String>>, span: Span) -> Value {
    text.map_or_else(|| Value::nothing(span), |t| Value::string(t, span))
}

/// Inputs added, removed or changed, as a table of path and change.
pub fn changes(changes: Vec<dockwright::inputs::Change>, span: Span) -> Value {
    let rows = changes
        .into_iter()
        .map(|c| {
            Value::record(
                record! {
                    "path" => Value::string(c.path, span),
                    "change" => Value::string(c.change, span),
                },
                span,
            )
        })
        .collect();
    Value::list(rows, span)
}
