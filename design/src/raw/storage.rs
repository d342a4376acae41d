//! Compose's top-level `volumes:` and `secrets:` as a design writes them: named volumes the
//! services mount, and secrets read from files on the host, carried into the Compose export
//! and applied the same way.

use serde::{Deserialize, Serialize};

use super::{Scalar, UniqueMap};

fn is_false(value: &bool) -> bool {
    !*value
}

/// `volumes.<key>`: a named volume. Written as `key:` (null) or a map.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVolume {
    /// The volume's name on the engine; `<design>_<key>` when absent, as Compose names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The volume exists already; it is used, never created.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// Docker labels put on the volume.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub labels: UniqueMap<Scalar>,
    /// Refused with what to do instead (a driver can bind any host path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<serde_json::Value>,
    /// Refused with what to do instead (`o: bind` mounts any host path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_opts: Option<serde_json::Value>,
}

/// `secrets.<key>`: a secret Compose and apply read from a file on the host and mount at
/// `/run/secrets/<key>` in the services that list it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecret {
    /// The absolute path of the file holding the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Refused: Compose would read the secret from the environment of whoever runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<serde_json::Value>,
    /// Refused: external secrets exist only in Swarm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<serde_json::Value>,
}

/// The top-level storage sections of a design.
pub type RawVolumes = UniqueMap<Option<RawVolume>>;
/// See [`RawVolumes`].
pub type RawSecrets = UniqueMap<RawSecret>;
