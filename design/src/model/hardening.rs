//! A service's hardening after merging over the defaults.

use serde::Serialize;

use super::{MemoryLimit, NanoCpus};

/// Hardening as it applies to one service: `defaults.hardening` with the service's own
/// fields laid over it, every value checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Hardening {
    /// `user`, e.g. `1000:1000`; the image's default when absent.
    pub user: Option<String>,
    /// Read-only root filesystem.
    pub read_only: bool,
    /// Capabilities dropped, upper case without `CAP_` (e.g. `ALL`).
    pub cap_drop: Vec<String>,
    /// Capabilities added back, upper case without `CAP_`.
    pub cap_add: Vec<String>,
    /// `no-new-privileges:true`.
    pub no_new_privileges: bool,
    /// Privileged mode.
    pub privileged: bool,
    /// tmpfs mounts, e.g. `/tmp:size=64m`.
    pub tmpfs: Vec<String>,
    /// Process limit (`-1` is unlimited).
    pub pids_limit: Option<i64>,
    /// Memory limit, e.g. `512m`.
    pub memory: Option<MemoryLimit>,
    /// CPU limit, e.g. `0.5`.
    pub cpus: Option<NanoCpus>,
    /// `security_opt` entries.
    pub security_opt: Vec<String>,
}

impl Hardening {
    /// True when `ALL` capabilities are dropped.
    pub fn drops_all_caps(&self) -> bool {
        self.cap_drop.iter().any(|c| c == "ALL")
    }
}
