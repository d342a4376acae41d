//! The design file as written (format version 1): every field as the document gives it,
//! before any check. [`crate::validate`] turns it into a [`crate::ValidDesign`].

mod accept;
mod memberships;
mod scalar;
mod storage;
mod unique_map;

pub use accept::RawAccept;
pub use memberships::{RawMembership, RawMemberships};
pub use scalar::Scalar;
pub use storage::{RawSecret, RawSecrets, RawVolume, RawVolumes};
pub use unique_map::UniqueMap;

use serde::{Deserialize, Serialize};

/// A whole design document, as parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    /// The format version; only `1` exists.
    pub bulkhead: u32,
    /// The design's name (Compose project name on export).
    pub name: String,
    /// Free text describing the design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `enforce` (the default) or `observe`: what the firewall does with what the design
    /// would drop, in every zone and in the host policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PolicyMode>,
    /// Defaults applied to every zone and service.
    #[serde(default, skip_serializing_if = "RawDefaults::is_empty")]
    pub defaults: RawDefaults,
    /// The zones (Docker networks), in document order.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub zones: UniqueMap<RawZone>,
    /// The services (containers), in document order.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub services: UniqueMap<RawService>,
    /// The declared flows, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<RawFlow>,
    /// The host policy for traffic arriving from outside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<RawHost>,
    /// Named volumes the services mount (Compose's top-level `volumes:`).
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub volumes: RawVolumes,
    /// Secrets the services read from files (Compose's top-level `secrets:`).
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub secrets: RawSecrets,
}

impl RawDesign {
    /// The design's name as written (not yet checked against the naming rule).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// `defaults:`: the subnet pool and the baseline hardening.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    /// Where zones without a subnet get a /24 from (default `172.30.0.0/16`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_pool: Option<String>,
    /// Hardening every service starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardening: Option<RawHardening>,
}

impl RawDefaults {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.subnet_pool.is_none() && self.hardening.is_none()
    }
}

/// A zone's trust level: `public` < `internal` < `restricted` < `vault`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trust {
    /// The lobby: reachable from anywhere.
    Public,
    /// The offices.
    Internal,
    /// The labs.
    Restricted,
    /// The vault: the data that must not leak.
    Vault,
}

impl Trust {
    /// The level as a number, 0 (public) to 3 (vault).
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The keyword used in the design file.
    pub fn as_str(self) -> &'static str {
        match self {
            Trust::Public => "public",
            Trust::Internal => "internal",
            Trust::Restricted => "restricted",
            Trust::Vault => "vault",
        }
    }
}

/// A zone's network driver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    /// A Linux bridge on one host (the default).
    #[default]
    Bridge,
    /// A Swarm overlay network.
    Overlay,
}

impl Driver {
    /// The Docker driver name.
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Bridge => "bridge",
            Driver::Overlay => "overlay",
        }
    }
}

/// What the firewall does with what a design would drop (`mode:`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyMode {
    /// Drop it (the default).
    #[default]
    Enforce,
    /// Log and count it, and let it through: see what enforcing would break first.
    Observe,
}

impl PolicyMode {
    /// The keyword used in the design file.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyMode::Enforce => "enforce",
            PolicyMode::Observe => "observe",
        }
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// `zones.<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    /// The trust level (required).
    pub trust: Trust,
    /// IPv4 CIDR; allocated from the pool when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// Gateway address inside the subnet; the first host address when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// No route out (`docker network create --internal`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
    /// Members reach each other only along declared flows.
    #[serde(default, skip_serializing_if = "is_false")]
    pub isolated: bool,
    /// `enforce` or `observe` for the rules between the zone's members (its isolation and
    /// the deny flows in it); the design's `mode` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PolicyMode>,
    /// Linux bridge name (at most 15 characters); derived when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<String>,
    /// `bridge` (default) or `overlay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// Docker labels put on the network.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub labels: UniqueMap<Scalar>,
    /// Finding codes the team has reviewed and accepts for this zone (for example
    /// `{code: vault-not-internal, reason: "…"}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<RawAccept>,
}

/// Compose service keys the design manages itself (through a service's zones, ports,
/// network and hardening, and Bulkhead's own names and labels). `compose:` may not set them,
/// since that would bypass what the design checks; importing a Compose file maps them onto
/// the design instead of carrying them.
pub const MANAGED_COMPOSE_KEYS: &[&str] = &[
    "image",
    "networks",
    "network_mode",
    "ports",
    "expose",
    "cap_add",
    "cap_drop",
    "privileged",
    "read_only",
    "user",
    "security_opt",
    "tmpfs",
    "pids_limit",
    "mem_limit",
    "cpus",
    "container_name",
    "links",
    "external_links",
    "labels",
];

/// `services.<name>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Image reference (required unless `network: closed` and no zones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The zones the service joins.
    #[serde(default, skip_serializing_if = "RawMemberships::is_empty")]
    pub zones: RawMemberships,
    /// Published ports, Compose short syntax (`"127.0.0.1:8080:80/tcp"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Scalar>,
    /// `bridged` (default), `closed`, `host` or `container:<service>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Hardening, merged field by field over `defaults.hardening`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardening: Option<RawHardening>,
    /// Finding codes the team has reviewed and accepts for this service
    /// (for example `host-network`, or `{code: privileged, reason: "…"}`); they are reported
    /// as notes, and an accepted error no longer stops apply and export.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<RawAccept>,
    /// Any other Compose service keys, carried into the export as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `hardening:` of a service or of `defaults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHardening {
    /// `user`, e.g. `1000:1000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Scalar>,
    /// Read-only root filesystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Capabilities dropped (`ALL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_drop: Option<Vec<String>>,
    /// Capabilities added back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_add: Option<Vec<String>>,
    /// `no-new-privileges`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_new_privileges: Option<bool>,
    /// Privileged mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// tmpfs mounts, e.g. `/tmp:size=64m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<Vec<String>>,
    /// Maximum number of processes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pids_limit: Option<i64>,
    /// Memory limit, e.g. `512m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Scalar>,
    /// CPU limit, e.g. `0.5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<Scalar>,
    /// `security_opt` entries, e.g. `apparmor=docker-default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_opt: Option<Vec<String>>,
}

/// Whether a flow opens or cuts a connection.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Allow the connection (the default).
    #[default]
    Allow,
    /// Deny the connection.
    Deny,
}

impl Action {
    /// The keyword used in the design file.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
        }
    }
}

/// `flows[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    /// Source: a service, or a zone meaning every member.
    pub from: String,
    /// Target: a service, or a zone meaning every member.
    pub to: String,
    /// Ports (`tcp/5432`, `udp/53`, `tcp/8000-8100`, `icmp`, `any`); `any` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<Scalar>>,
    /// `allow` (default) or `deny`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Log matching connections.
    #[serde(default, skip_serializing_if = "is_false")]
    pub log: bool,
    /// Why the flow exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `host`: the flow goes through the host to ports the target publishes, rather than
    /// to the target's own addresses (it needs `host.protect_published`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
}

/// The way a flow takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Through the host, to a port the target publishes.
    Host,
}

/// `host:`: the policy for traffic arriving from outside the host, and for what the zones
/// may reach on the host itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHost {
    /// The interface traffic from outside arrives on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_interface: Option<String>,
    /// Ports reachable from outside; everything else arriving there is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_inbound: Option<Vec<Scalar>>,
    /// Rate limits per port spec.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub rate_limit: UniqueMap<RawRateLimit>,
    /// Log dropped connections.
    #[serde(default, skip_serializing_if = "is_false")]
    pub log_denied: bool,
    /// Drop what the zones' containers send to the host itself, except `host_ports`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect_host: bool,
    /// The host's ports the zones may still reach when `protect_host` is on (e.g. `udp/53`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_ports: Option<Vec<Scalar>>,
    /// Drop what the zones' containers send to the design's published ports through the
    /// host, except along flows with `via: host`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect_published: bool,
}

/// `host.rate_limit.<port>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRateLimit {
    /// New connections per source, e.g. `100/sec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_source: Option<String>,
    /// Concurrent connections per source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u32>,
}
