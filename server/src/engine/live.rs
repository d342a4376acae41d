//! The engine's objects as Bulkhead sees them, converted from bollard's models at once.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::Serialize;

/// A network on the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveNetwork {
    /// Engine id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Driver (`bridge`, `host`, `null`, `overlay` …).
    pub driver: String,
    /// `--internal`.
    pub internal: bool,
    /// First IPAM subnet, when there is one.
    pub subnet: Option<String>,
    /// First IPAM gateway, when there is one.
    pub gateway: Option<String>,
    /// Driver options (`com.docker.network.bridge.name` …).
    pub options: BTreeMap<String, String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Attached containers: (container name, address).
    pub containers: Vec<(String, Option<Ipv4Addr>)>,
}

/// A container's place on one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveEndpoint {
    /// Network name.
    pub network: String,
    /// Its address there.
    pub ipv4: Option<Ipv4Addr>,
    /// The address the container asked for (IPAM config), when pinned.
    pub pinned: Option<Ipv4Addr>,
    /// DNS aliases, without the ones Docker adds itself (the short container id).
    pub aliases: Vec<String>,
}

/// A container on the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveContainer {
    /// Engine id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// The image as configured.
    pub image: String,
    /// True when running.
    pub running: bool,
    /// State in Docker's words (`running`, `exited` …).
    pub state: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// `bridge`, `none`, `host`, `container:<id>` or a network name.
    pub network_mode: String,
    /// Networks joined.
    pub networks: Vec<LiveEndpoint>,
    /// Privileged mode.
    pub privileged: bool,
    /// Read-only root filesystem.
    pub read_only: bool,
    /// Capabilities added (upper case, without `CAP_`).
    pub cap_add: Vec<String>,
    /// Capabilities dropped.
    pub cap_drop: Vec<String>,
    /// User.
    pub user: Option<String>,
    /// Published ports as `host_ip:host_port:container_port/proto`.
    pub ports: Vec<String>,
}

impl LiveContainer {
    /// The endpoint on `network`, when joined.
    pub fn endpoint(&self, network: &str) -> Option<&LiveEndpoint> {
        self.networks.iter().find(|e| e.network == network)
    }
}

/// Capability names without `CAP_`, upper case, sorted: how Docker's variants compare.
pub(crate) fn normalise_caps(caps: &[String]) -> Vec<String> {
    let mut out: Vec<String> = caps
        .iter()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            c.strip_prefix("CAP_").map(str::to_owned).unwrap_or(c)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
