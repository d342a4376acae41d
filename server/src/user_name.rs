//! A user's name: Docker's object-name rule (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 63
//! characters), the same as design names, so names read alike everywhere in Bulkhead.

use std::fmt;

use design::model::{NameError, check_docker_name};

/// A user name that follows the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// Checks `text` against the rule; the error says what is wrong and what is allowed.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        check_docker_name(text).map(|()| Self(text.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::UserName;

    /// User names follow Docker's rule; each refusal says what is allowed.
    #[test]
    fn rule() {
        for ok in ["a", "prod-host", "A_1.b", &"x".repeat(63)] {
            assert!(UserName::parse(ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("", "empty"),
            ("-x", "contains '-' at position 1"),
            ("a b", "contains ' '"),
            ("a;rm", "contains ';'"),
            ("é", "contains 'é'"),
            (&"x".repeat(64), "at most 63"),
        ] {
            let e = UserName::parse(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(e.contains("[a-zA-Z0-9][a-zA-Z0-9_.-]*"), "{bad}: {e}");
        }
    }
}
