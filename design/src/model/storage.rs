//! Checked named volumes and secrets.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::{DesignName, StorageName};

/// A named volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// Its key under `volumes:`, the name services mount it by.
    pub key: StorageName,
    /// The name written under `name:`, when one is.
    pub name: Option<StorageName>,
    /// It exists already and is never created.
    pub external: bool,
    /// Docker labels, in document order.
    pub labels: IndexMap<String, String>,
}

impl Volume {
    /// The volume's name on the engine, as Compose gives it: `name:` when written, the key
    /// for an external volume, else `<design>_<key>`.
    pub fn engine_name(&self, design: &DesignName) -> String {
        match (&self.name, self.external) {
            (Some(n), _) => n.as_str().to_owned(),
            (None, true) => self.key.as_str().to_owned(),
            (None, false) => format!("{design}_{}", self.key),
        }
    }
}

/// A secret read from a file on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Secret {
    /// Its key under `secrets:`, the name services list it by and the file name under
    /// `/run/secrets/`.
    pub key: StorageName,
    /// The absolute path of the file on the host.
    pub file: String,
}

/// Where a service finds secret `key` by default: `/run/secrets/<key>`.
pub fn secret_target(key: &StorageName) -> String {
    format!("/run/secrets/{key}")
}

/// The named volume a `compose: volumes` entry mounts, or `None` for a bind mount, an
/// anonymous volume or a tmpfs.
pub fn named_volume(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(s) => {
            let (source, _) = s.split_once(':')?;
            let is_path = source.starts_with(['/', '.', '~']) || source.is_empty();
            (!is_path).then_some(source)
        }
        Value::Object(o) => {
            let kind = o.get("type").and_then(Value::as_str).unwrap_or("volume");
            let source = o.get("source").and_then(Value::as_str)?;
            (kind == "volume").then_some(source)
        }
        _ => None,
    }
}

/// The secret a `compose: secrets` entry names: `name` or `{source: name, target: …}`.
pub fn secret_source(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("source").and_then(Value::as_str),
        _ => None,
    }
}
