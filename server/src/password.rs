//! Password hashing: argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), always
//! off the async threads.

use anyhow::Context;
use app::model::MIN_PASSWORD_LEN;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::LazyLock;
use std::time::Duration;

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

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot stayed taken for the whole wait: too many sign-ins at once.
    #[error("every password-hashing slot is busy")]
    Busy,
    /// Hashing failed, or a stored hash cannot be read.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Bounds the argon2 work in flight: each hash holds 19 MiB and a core for tens of
/// milliseconds, so a burst of sign-ins queues for a slot, briefly, instead of starting
/// unbounded blocking threads; whoever waits too long is told the server is busy.
#[derive(Debug)]
pub struct Hashing {
    slots: tokio::sync::Semaphore,
    wait: Duration,
}

/// How long a request waits for a hashing slot before it is refused as busy.
pub const HASH_WAIT: Duration = Duration::from_secs(2);

impl Hashing {
    /// `slots` hashes at once; a request waits at most `wait` for one.
    pub fn new(slots: usize, wait: Duration) -> Self {
        Self {
            slots: tokio::sync::Semaphore::new(slots.max(1)),
            wait,
        }
    }

    /// One slot a core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, HASH_WAIT)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let _slot = tokio::time::timeout(self.wait, self.slots.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|e| HashError::Failed(e.into()))?;
        let result = tokio::task::spawn_blocking(work)
            .await
            .context("the hashing task failed")?;
        Ok(result?)
    }

    /// Hashes a password on the blocking pool.
    pub async fn hash(&self, password: SecretString) -> Result<String, HashError> {
        self.run(move || hash_blocking(&password)).await
    }

    /// Verifies a password on the blocking pool; with no stored hash, verifies against a
    /// dummy hash and answers false, taking the same time.
    pub async fn verify(
        &self,
        password: SecretString,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        self.run(move || match stored {
            Some(h) => verify_blocking(&password, &h),
            None => verify_blocking(&password, &DUMMY_HASH).map(|_| false),
        })
        .await
    }
}

/// The slots this process hashes with.
static HASHING: LazyLock<Hashing> = LazyLock::new(Hashing::for_this_machine);

/// Hashes a password, in one of this process's hashing slots.
pub async fn hash(password: SecretString) -> Result<String, HashError> {
    HASHING.hash(password).await
}

/// Verifies a password, in one of this process's hashing slots.
pub async fn verify(password: SecretString, stored: Option<String>) -> Result<bool, HashError> {
    HASHING.verify(password, stored).await
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

    /// With every slot taken for the whole wait, hashing is refused as busy rather than
    /// queued without end; once a slot frees, it goes ahead.
    #[tokio::test]
    async fn busy_when_every_slot_is_taken() {
        let hashing = Hashing::new(1, Duration::from_millis(50));
        let taken = hashing.slots.acquire().await.unwrap();
        let busy = hashing
            .hash(SecretString::from("a long password".to_string()))
            .await;
        assert!(matches!(busy, Err(HashError::Busy)), "{busy:?}");
        let busy = hashing
            .verify(SecretString::from("x".to_string()), None)
            .await;
        assert!(matches!(busy, Err(HashError::Busy)), "{busy:?}");
        drop(taken);
        assert!(
            hashing
                .hash(SecretString::from("a long password".to_string()))
                .await
                .is_ok()
        );
    }
}
