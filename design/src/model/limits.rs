//! Resource limits in Compose's notation, parsed once: the text as written (for the Compose
//! export) and the number the engine takes.

use std::fmt;

use serde::{Serialize, Serializer};

/// The smallest memory limit Docker accepts (6 MiB).
pub const MIN_MEMORY_BYTES: u64 = 6 * 1024 * 1024;

/// A memory limit such as `512m`: bytes with an optional unit `b`, `k`, `m` or `g` (also
/// `kb`, `mb`, `gb`; powers of 1024).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemoryLimit {
    text: String,
    bytes: u64,
}

/// The accepted notation of a memory limit, as users need to hear it.
pub const MEMORY_RULE: &str =
    "write bytes with an optional unit b, k, m or g, e.g. 512m, at least 6m (Docker's minimum)";

impl MemoryLimit {
    /// Parses Compose's notation; the error states the rule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.to_ascii_lowercase();
        let digits = lower.trim_end_matches(['b', 'k', 'm', 'g']);
        let scale: u64 = match &lower[digits.len()..] {
            "" | "b" => 1,
            "k" | "kb" => 1024,
            "m" | "mb" => 1024 * 1024,
            "g" | "gb" => 1024 * 1024 * 1024,
            _ => return Err(MEMORY_RULE.to_owned()),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MEMORY_RULE.to_owned());
        }
        let bytes = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .filter(|&b| i64::try_from(b).is_ok())
            .ok_or_else(|| format!("{text} is more memory than any host has; {MEMORY_RULE}"))?;
        if bytes < MIN_MEMORY_BYTES {
            return Err(format!("{text} is below Docker's minimum; {MEMORY_RULE}"));
        }
        Ok(Self {
            text: text.to_owned(),
            bytes,
        })
    }

    /// The limit as written, e.g. `512m`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The limit in bytes (always fits Docker's signed 64-bit field).
    pub fn bytes(&self) -> i64 {
        i64::try_from(self.bytes).unwrap_or(i64::MAX)
    }
}

/// A CPU limit such as `0.5` or `2`: a positive number of CPUs with at most nine decimals,
/// which Docker takes in billionths (`NanoCpus`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NanoCpus {
    text: String,
    nanos: i64,
}

/// The accepted notation of a CPU limit, as users need to hear it.
pub const CPUS_RULE: &str = "write a positive number of CPUs with at most 9 decimals, e.g. 0.5";

impl NanoCpus {
    /// Parses a decimal number of CPUs exactly (no floating point); the error states the rule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 9
            || (text.contains('.') && fraction.is_empty())
        {
            return Err(CPUS_RULE.to_owned());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| format!("{text} CPUs is more than any host has; {CPUS_RULE}"))?
        };
        let fraction: i64 = format!("{fraction:0<9}").parse().unwrap_or(0);
        let nanos = whole
            .checked_mul(1_000_000_000)
            .and_then(|n| n.checked_add(fraction))
            .ok_or_else(|| format!("{text} CPUs is more than any host has; {CPUS_RULE}"))?;
        if nanos == 0 {
            return Err(format!("0 CPUs would stop the service; {CPUS_RULE}"));
        }
        // What the engine is given is computed as earlier versions did (the decimal as a
        // 64-bit float, times 10^9, truncated): a running container's configuration hash
        // includes it, so it must not move with an upgrade. It is at most one billionth of a
        // CPU below the exact value (4.1 gives 4 099 999 999).
        let legacy = text
            .parse::<f64>()
            .map(|v| (v * 1e9) as i64)
            .unwrap_or(nanos);
        Ok(Self {
            text: text.to_owned(),
            nanos: legacy.max(1),
        })
    }

    /// The limit as written, e.g. `0.5`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The limit in billionths of a CPU, as the engine is given it (see `parse`).
    pub fn nanos(&self) -> i64 {
        self.nanos
    }
}

macro_rules! as_text {
    ($ty:ty) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }
    };
}

as_text!(MemoryLimit);
as_text!(NanoCpus);

#[cfg(test)]
mod tests {
    use super::*;

    /// Compose's notations become the engine's numbers; each refusal states the rule.
    #[test]
    fn notations() {
        for (text, bytes) in [
            ("512m", 512 << 20),
            ("1g", 1 << 30),
            ("2GB", 2 << 30),
            ("6m", 6 << 20),
            ("7340032", 7 << 20),
            ("8192k", 8 << 20),
        ] {
            assert_eq!(MemoryLimit::parse(text).unwrap().bytes(), bytes, "{text}");
        }
        for bad in ["", "m", "1.5g", "12x", "-1g", "5m", "1024", "99999999999g"] {
            let e = MemoryLimit::parse(bad).unwrap_err();
            assert!(e.contains("512m"), "{bad}: {e}");
        }
        for (text, nanos) in [
            ("0.5", 500_000_000),
            ("2", 2_000_000_000),
            ("0.1", 100_000_000),
            (".25", 250_000_000),
            ("4.1", 4_099_999_999),
            ("1.000000001", 1_000_000_001),
        ] {
            assert_eq!(NanoCpus::parse(text).unwrap().nanos(), nanos, "{text}");
        }
        for bad in [
            "",
            "0",
            "0.0",
            "1.",
            "-1",
            "1e3",
            "0.0000000001",
            "x",
            "99999999999",
        ] {
            let e = NanoCpus::parse(bad).unwrap_err();
            assert!(e.contains("0.5"), "{bad}: {e}");
        }
    }
}
