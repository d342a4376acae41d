//! What keeps the audit chain honest against someone who can write the database: a key kept
//! outside it (`audit.key` in the data directory, mode 0600, made at first start), under which
//! every entry's hash is an HMAC-SHA-256; and checkpoints (the newest entry's number and hash,
//! signed with the key) appended to `audit.checkpoints` beside the database, so removing the
//! newest entries shows. Entries written before the key existed keep their plain SHA-256
//! hashes; the first checkpoint records where keyed entries begin.

use std::fmt;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The key file, in the data directory.
pub const KEY_FILE: &str = "audit.key";
/// The checkpoint file, beside the database.
pub const CHECKPOINTS_FILE: &str = "audit.checkpoints";

/// One signed checkpoint: entry `seq` had hash `hash`; entries from `keyed_since` on are keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub keyed_since: i64,
}

/// Why the audit key or its checkpoints cannot be used, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error(
        "the audit key {key} is missing but {checkpoints} shows the audit log was keyed; restore audit.key from your backup (without it the log cannot be verified or extended)"
    )]
    KeyMissing { key: String, checkpoints: String },
    #[error("the audit key {0} is not 64 hex digits; restore it from your backup")]
    KeyMalformed(String),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{0} holds no valid checkpoint: it was changed or written without the audit key; run `bulkhead audit verify` and restore the data directory from a backup"
    )]
    NoCheckpoint(String),
}

/// The key and the checkpoint file of one data directory. `Debug` never shows the key.
pub struct Anchor {
    key: [u8; 32],
    checkpoints: PathBuf,
    keyed_since: i64,
    writing: Mutex<()>,
}

impl fmt::Debug for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Anchor")
            .field("key", &"<redacted>")
            .field("checkpoints", &self.checkpoints)
            .field("keyed_since", &self.keyed_since)
            .finish()
    }
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> AnchorError + 'a {
    move |source| AnchorError::Io {
        what,
        path: path.display().to_string(),
        source,
    }
}

/// Writes a new key whole or not at all: a temporary file (mode 0600) in the same directory,
/// synced, then linked to `path` only if nothing is there (a key is never replaced).
fn write_key(path: &Path, key: &[u8; 32]) -> Result<(), AnchorError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file =
        tempfile::NamedTempFile::new_in(dir).map_err(io("creating the audit key", path))?;
    file.write_all(format!("{}\n", hex::encode(key)).as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(io("writing the audit key", path))?;
    file.persist_noclobber(path)
        .map_err(|e| e.error)
        .map_err(io("creating the audit key", path))?;
    Ok(())
}

impl Anchor {
    /// The anchor of `data_dir`. Without a key and checkpoints (a new directory, or one from
    /// before keyed audit), makes the key and a first checkpoint at `newest` (the newest
    /// entry's number and hash), from which entries are keyed.
    pub fn open(data_dir: &Path, newest: Option<(i64, String)>) -> Result<Anchor, AnchorError> {
        let key_path = data_dir.join(KEY_FILE);
        let checkpoints = data_dir.join(CHECKPOINTS_FILE);
        let key = match std::fs::read_to_string(&key_path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| AnchorError::KeyMalformed(key_path.display().to_string()))?;
                Some(bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io("reading the audit key", &key_path)(e)),
        };
        match key {
            Some(key) => {
                let mut anchor = Anchor {
                    key,
                    checkpoints,
                    keyed_since: 0,
                    writing: Mutex::new(()),
                };
                let first = anchor
                    .checkpoints()?
                    .into_iter()
                    .flatten()
                    .next()
                    .ok_or_else(|| {
                        AnchorError::NoCheckpoint(anchor.checkpoints.display().to_string())
                    })?;
                anchor.keyed_since = first.keyed_since;
                Ok(anchor)
            }
            None if checkpoints.exists() => Err(AnchorError::KeyMissing {
                key: key_path.display().to_string(),
                checkpoints: checkpoints.display().to_string(),
            }),
            None => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                write_key(&key_path, &key)?;
                let (seq, hash) = newest.unwrap_or_else(|| (0, super::GENESIS.to_owned()));
                let anchor = Anchor {
                    key,
                    checkpoints,
                    keyed_since: seq + 1,
                    writing: Mutex::new(()),
                };
                anchor.checkpoint(seq, &hash)?;
                Ok(anchor)
            }
        }
    }

    /// The first entry whose hash is keyed.
    pub fn keyed_since(&self) -> i64 {
        self.keyed_since
    }

    /// HMAC-SHA-256 of `text` under the key, as hex.
    pub fn mac(&self, text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn line(&self, seq: i64, hash: &str, keyed_since: i64) -> String {
        format!("bulkhead-audit-checkpoint v1 {seq} {hash} {keyed_since}")
    }

    /// Appends a signed checkpoint for entry `seq` with hash `hash`, and syncs it to disk.
    pub fn checkpoint(&self, seq: i64, hash: &str) -> Result<(), AnchorError> {
        let _one = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let body = self.line(seq, hash, self.keyed_since);
        let signed = format!("{body} {}\n", self.mac(&body));
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&self.checkpoints)
            .map_err(io("opening the audit checkpoints", &self.checkpoints))?;
        file.write_all(signed.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io("writing an audit checkpoint", &self.checkpoints))
    }

    /// Every line of the checkpoint file: the checkpoint, or `None` for a line whose
    /// signature does not match (changed, or written without the key).
    pub fn checkpoints(&self) -> Result<Vec<Option<Checkpoint>>, AnchorError> {
        let text = match std::fs::read_to_string(&self.checkpoints) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io("reading the audit checkpoints", &self.checkpoints)(e)),
        };
        Ok(text
            .lines()
            .map(|line| {
                let (body, mac) = line.rsplit_once(' ')?;
                let mut parts = body
                    .strip_prefix("bulkhead-audit-checkpoint v1 ")?
                    .split(' ');
                let seq = parts.next()?.parse().ok()?;
                let hash = parts.next()?.to_owned();
                let keyed_since = parts.next()?.parse().ok()?;
                let signature = hex::decode(mac).ok()?;
                let mut check =
                    Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
                check.update(self.line(seq, &hash, keyed_since).as_bytes());
                // The HMAC crate compares in constant time.
                let same = check.verify_slice(&signature).is_ok();
                (same && parts.next().is_none()).then_some(Checkpoint {
                    seq,
                    hash,
                    keyed_since,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_private_and_checkpoints_are_signed() {
        let dir = tempfile::tempdir().unwrap();
        let anchor = Anchor::open(dir.path(), Some((41, "ab".repeat(32)))).unwrap();
        assert_eq!(anchor.keyed_since(), 42);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        anchor.checkpoint(50, &"cd".repeat(32)).unwrap();
        let again = Anchor::open(dir.path(), None).unwrap();
        assert_eq!(again.keyed_since(), 42);
        let lines = again.checkpoints().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].as_ref().unwrap().seq, 50);
        assert!(!format!("{again:?}").contains(&hex::encode(again.key)));

        let path = dir.path().join(CHECKPOINTS_FILE);
        let forged = std::fs::read_to_string(&path)
            .unwrap()
            .replace(" 50 ", " 51 ");
        std::fs::write(&path, forged).unwrap();
        assert!(again.checkpoints().unwrap()[1].is_none());

        let kept = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let err = Anchor::open(dir.path(), None).unwrap_err();
        assert!(matches!(err, AnchorError::NoCheckpoint(_)), "{err}");
        assert!(err.to_string().contains("restore"), "{err}");
        std::fs::write(&path, kept).unwrap();

        std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
        assert!(matches!(
            Anchor::open(dir.path(), None),
            Err(AnchorError::KeyMissing { .. })
        ));
    }
}
