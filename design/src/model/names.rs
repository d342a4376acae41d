//! Names checked against Docker's and Linux's rules: once built, always safe to emit.

use std::fmt;

use serde::{Serialize, Serializer};

/// Why a name was refused. Each variant states the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty.
    #[error("is empty; {rule}")]
    Empty {
        /// The rule the name must follow.
        rule: &'static str,
    },
    /// The name is longer than allowed.
    #[error("is {len} characters long; {rule}")]
    TooLong {
        /// The name's length in characters.
        len: usize,
        /// The rule the name must follow.
        rule: &'static str,
    },
    /// The name holds a character that is not allowed at that place.
    #[error("contains {ch:?} at position {pos}; {rule}")]
    Char {
        /// The offending character.
        ch: char,
        /// Its 1-based position.
        pos: usize,
        /// The rule the name must follow.
        rule: &'static str,
    },
}

/// Docker's object-name rule, shared by designs, zones, services and aliases.
pub const DOCKER_NAME_RULE: &str =
    "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 63 characters";

/// Linux interface-name rule (bridges, the external interface), kept to safe characters.
pub const INTERFACE_NAME_RULE: &str =
    "interface names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 15 characters";

fn check_name(text: &str, max: usize, rule: &'static str) -> Result<(), NameError> {
    if text.is_empty() {
        return Err(NameError::Empty { rule });
    }
    for (i, ch) in text.chars().enumerate() {
        let ok = ch.is_ascii_alphanumeric() || (i > 0 && matches!(ch, '_' | '.' | '-'));
        if !ok {
            return Err(NameError::Char {
                ch,
                pos: i + 1,
                rule,
            });
        }
    }
    if text.len() > max {
        return Err(NameError::TooLong {
            len: text.len(),
            rule,
        });
    }
    Ok(())
}

/// Checks `text` against Docker's object-name rule ([`DOCKER_NAME_RULE`]), for names that
/// follow it without being part of a design (Bulkhead's user names).
pub fn check_docker_name(text: &str) -> Result<(), NameError> {
    check_name(text, 63, DOCKER_NAME_RULE)
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $max:expr, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks `text` against the naming rule.
            pub fn parse(text: &str) -> Result<Self, NameError> {
                check_name(text, $max, $rule).map(|()| Self(text.to_owned()))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A design's name (the Compose project name on export).
    DesignName, 63, DOCKER_NAME_RULE
);
name_type!(
    /// A zone's name.
    ZoneName, 63, DOCKER_NAME_RULE
);
name_type!(
    /// A service's name.
    ServiceName, 63, DOCKER_NAME_RULE
);
name_type!(
    /// A DNS alias of a service inside a zone.
    Alias, 63, DOCKER_NAME_RULE
);
name_type!(
    /// A Linux network interface name: a zone's bridge or the host's external interface.
    InterfaceName, 15, INTERFACE_NAME_RULE
);
name_type!(
    /// The key of a named volume or a secret under the design's `volumes:` or `secrets:`.
    StorageName, 63, DOCKER_NAME_RULE
);
