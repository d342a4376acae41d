//! A container's restart policy, as Compose writes it under `restart:`.

use std::fmt;

use serde::{Serialize, Serializer};

/// When Docker restarts a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartPolicy {
    /// Never (`no`).
    No,
    /// Always, also after the daemon restarts.
    Always,
    /// When it exits with an error, at most this many times when given (`on-failure[:N]`).
    OnFailure(Option<u32>),
    /// Always, unless it was stopped by hand.
    UnlessStopped,
}

/// The accepted values, as users need to hear them.
pub const RESTART_RULE: &str =
    "write no, always, unless-stopped, on-failure or on-failure:N (N retries)";

impl RestartPolicy {
    /// Parses Compose's notation; the error states the rule.
    pub fn parse(text: &str) -> Result<Self, String> {
        let fail = || format!("{text:?} is not a restart policy; {RESTART_RULE}");
        match text {
            "no" => Ok(Self::No),
            "always" => Ok(Self::Always),
            "unless-stopped" => Ok(Self::UnlessStopped),
            "on-failure" => Ok(Self::OnFailure(None)),
            other => match other.strip_prefix("on-failure:") {
                Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n
                    .parse()
                    .map(|n| Self::OnFailure(Some(n)))
                    .map_err(|_| fail()),
                _ => Err(fail()),
            },
        }
    }
}

impl fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::No => f.write_str("no"),
            Self::Always => f.write_str("always"),
            Self::UnlessStopped => f.write_str("unless-stopped"),
            Self::OnFailure(None) => f.write_str("on-failure"),
            Self::OnFailure(Some(n)) => write!(f, "on-failure:{n}"),
        }
    }
}

impl Serialize for RestartPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::RestartPolicy;

    /// Every policy reads back as written; anything else is refused with the rule.
    #[test]
    fn notation() {
        for text in [
            "no",
            "always",
            "unless-stopped",
            "on-failure",
            "on-failure:3",
        ] {
            assert_eq!(RestartPolicy::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "",
            "sometimes",
            "on-failure:",
            "on-failure:x",
            "Always",
            "false",
        ] {
            let e = RestartPolicy::parse(bad).unwrap_err();
            assert!(e.contains("unless-stopped"), "{bad}: {e}");
        }
    }
}
