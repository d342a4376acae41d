//! Time as Bulkhead stores and shows it.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, as stored: RFC 3339 in UTC, whole seconds.
pub fn now_text() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::now_utc());
    now.format(&Rfc3339).unwrap_or_default()
}

/// Now, in seconds since the epoch.
pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// A stored time as the pages show it: `2026-11-22 14:05 UTC`.
pub fn display(stored: &str) -> String {
    match OffsetDateTime::parse(stored, &Rfc3339) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => stored.to_string(),
    }
}
