//! The one-time token first-run setup asks for. It is printed to the server's log and
//! standard output when the server starts without users, so creating the first admin needs
//! access to the host, not only to the port: whoever reaches the page first cannot claim the
//! server.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A 128-bit random token, shown as 32 hex digits; `Debug` never shows it.
#[derive(Clone)]
pub struct SetupToken(String);

impl SetupToken {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// The token, to print for the operator.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// True when `given` is the token (surrounding spaces ignored), compared in time that
    /// does not depend on where they differ.
    pub fn matches(&self, given: &str) -> bool {
        let a = Sha256::digest(self.0.as_bytes());
        let b = Sha256::digest(given.trim().as_bytes());
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

impl fmt::Debug for SetupToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetupToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_itself_and_never_prints() {
        let t = SetupToken::generate();
        assert_eq!(t.reveal().len(), 32);
        assert!(t.matches(t.reveal()));
        assert!(t.matches(&format!(" {}\n", t.reveal())));
        assert!(!t.matches(""));
        assert!(!t.matches(&t.reveal()[..31]));
        assert!(!SetupToken::generate().matches(t.reveal()));
        assert!(!format!("{t:?}").contains(t.reveal()));
    }
}
