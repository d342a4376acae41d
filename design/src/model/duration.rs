//! Durations in Compose's notation (Go's): `1m30s`, `10s`, `500ms`, `1.5h`.

use std::fmt;

use serde::{Serialize, Serializer};

/// A non-negative duration as written, and in nanoseconds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    text: String,
    nanos: i64,
}

/// The accepted notation, as users need to hear it.
pub const DURATION_RULE: &str =
    "write a duration as numbers with units h, m, s, ms, us or ns, e.g. 30s or 1m30s";

impl Duration {
    /// Parses Compose's notation; the error states the rule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let fail = || format!("{text:?} is not a duration; {DURATION_RULE}");
        let mut rest = text;
        let mut total: f64 = 0.0;
        if rest.is_empty() {
            return Err(fail());
        }
        while !rest.is_empty() {
            let number_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(fail)?;
            let number: f64 = rest[..number_len].parse().map_err(|_| fail())?;
            rest = &rest[number_len..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(rest.len());
            let scale = match &rest[..unit_len] {
                "ns" => 1.0,
                "us" | "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => return Err(fail()),
            };
            rest = &rest[unit_len..];
            total += number * scale;
        }
        if !total.is_finite() || total > i64::MAX as f64 {
            return Err(fail());
        }
        Ok(Self {
            text: text.to_owned(),
            nanos: total as i64,
        })
    }

    /// The duration in nanoseconds.
    pub fn nanos(&self) -> i64 {
        self.nanos
    }

    /// The duration as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    /// Go's notation, units combined; anything else is refused with the rule.
    #[test]
    fn notation() {
        for (text, nanos) in [
            ("1m30s", 90_000_000_000),
            ("500ms", 500_000_000),
            ("1.5h", 5_400_000_000_000),
            ("0s", 0),
            ("10us", 10_000),
        ] {
            assert_eq!(Duration::parse(text).unwrap().nanos(), nanos, "{text}");
        }
        for bad in ["", "10", "s", "5 s", "-1s", "1d", "1m30", "9999999999h"] {
            let e = Duration::parse(bad).unwrap_err();
            assert!(e.contains("1m30s"), "{bad}: {e}");
        }
    }
}
