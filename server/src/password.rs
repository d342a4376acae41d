//! Password hashing: argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), always
//! off the async threads.

use anyhow::Context;
use app::model::MIN_PASSWORD_LEN;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::LazyLock;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checked against when the user does not exist, so that an unknown name costs the same time
/// as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking(&SecretString::from("not a password of anyone".to_string()))
        .expect("hashing a constant succeeds")
});

/// The longest password accepted (argon2 takes any length; this bounds the work per request).
pub const MAX_LEN: usize = 1024;

/// Why a new password is refused.
pub fn check_new(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Err(format!(
            "use at least {MIN_PASSWORD_LEN} characters (this one has {chars})"
        ));
    }
    if password.len() > MAX_LEN {
        return Err(format!("use at most {MAX_LEN} bytes"));
    }
    Ok(())
}

fn hash_blocking(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let hash = hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `stored`. A stored hash that cannot be read is an error (a
/// damaged database), never a wrong password.
fn verify_blocking(password: &SecretString, stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| anyhow::anyhow!("a stored password hash is unreadable: {e}"))?;
    if parsed.hash.is_none() {
        anyhow::bail!("a stored password hash has no hash in it");
    }
    match hasher().verify_password(password.expose_secret().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(anyhow::anyhow!(
            "a stored password hash cannot be checked: {e}"
        )),
    }
}

/// Hashes a password on the blocking pool.
pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("the hashing task failed")?
}

/// Verifies a password on the blocking pool; with no stored hash, verifies against a dummy
/// hash and answers false, taking the same time.
pub async fn verify(password: SecretString, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify_blocking(&password, &h),
        None => verify_blocking(&password, &DUMMY_HASH).map(|_| false),
    })
    .await
    .context("the verification task failed")?
}

/// Computes the dummy hash ahead of the first sign-in.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash verifies its password and no other, and uses argon2id with OWASP's parameters.
    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash(SecretString::from("correct horse battery".to_string()))
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            verify(
                SecretString::from("correct horse battery".to_string()),
                Some(h.clone())
            )
            .await
            .unwrap()
        );
        assert!(
            !verify(SecretString::from("wrong".to_string()), Some(h))
                .await
                .unwrap()
        );
        assert!(
            !verify(SecretString::from("x".to_string()), None)
                .await
                .unwrap()
        );
    }

    /// A stored hash that cannot be read is an error, not a wrong password.
    #[tokio::test]
    async fn corrupt_hash_is_an_error() {
        for stored in ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$broken"] {
            let result = verify(SecretString::from("x".to_string()), Some(stored.into())).await;
            assert!(result.is_err(), "{stored:?}: {result:?}");
        }
    }

    /// Short and over-long passwords are refused with the rule.
    #[test]
    fn new_password_rules() {
        assert!(check_new("short").unwrap_err().contains("at least 12"));
        assert!(
            check_new(&"x".repeat(2000))
                .unwrap_err()
                .contains("at most")
        );
        assert!(check_new("twelve chars").is_ok());
    }
}
