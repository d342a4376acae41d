//! Time as Bulkhead stores and shows it, and the clock that sessions and sign-in throttling
//! read: the system's, or one a test moves by hand.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Where "now" comes from.
#[derive(Clone)]
pub struct Clock(Source);

#[derive(Clone)]
enum Source {
    System,
    /// Seconds since the epoch, moved by [`ManualClock::advance`].
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// Now, in seconds since the epoch.
    pub fn unix(&self) -> i64 {
        match &self.0 {
            Source::System => OffsetDateTime::now_utc().unix_timestamp(),
            Source::Manual(at) => at.load(Ordering::SeqCst),
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::System => f.write_str("Clock::system"),
            Source::Manual(at) => write!(f, "Clock::manual({})", at.load(Ordering::SeqCst)),
        }
    }
}

/// A clock that stands still until a test moves it.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing the system's time now, from then on moved only by [`Self::advance`].
    pub fn new() -> Self {
        ManualClock(Arc::new(AtomicI64::new(Clock::system().unix())))
    }

    /// The clock to give the application.
    pub fn clock(&self) -> Clock {
        Clock(Source::Manual(self.0.clone()))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

/// Now, as stored: RFC 3339 in UTC, whole seconds.
pub fn now_text() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&Rfc3339)
        .expect("a UTC time of this era formats as RFC 3339")
}

/// A stored time as Unix seconds; `None` for text that is not a stored time.
pub fn unix_of(stored: &str) -> Option<i64> {
    OffsetDateTime::parse(stored, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// A stored time as the pages show it: `2026-11-22 14:05 UTC`; text that is not a stored
/// time is shown as it is.
pub fn display(stored: &str) -> String {
    let shown = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::parse(stored, &Rfc3339)
        .ok()
        .and_then(|t| t.format(shown).ok())
        .unwrap_or_else(|| stored.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored times show to the minute; a manual clock moves only when told.
    #[test]
    fn times() {
        assert_eq!(display("2026-11-22T14:05:09Z"), "2026-11-22 14:05 UTC");
        assert_eq!(display("yesterday"), "yesterday");
        assert!(OffsetDateTime::parse(&now_text(), &Rfc3339).is_ok());
        let manual = ManualClock::new();
        let clock = manual.clock();
        let start = clock.unix();
        manual.advance(Duration::from_secs(90));
        assert_eq!(clock.unix(), start + 90);
    }
}
