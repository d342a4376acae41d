//! What the engine should hold for a design: one [`NetworkSpec`] per zone and one
//! [`ContainerSpec`] per service, named as Compose names them and labelled as ours.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use design::ValidDesign;
use design::compile::network_name;
use design::model::{NetworkMode, RestartPolicy, Service};
use serde::Serialize;

use super::firewall::FirewallBackend;
use super::labels;

mod container;
#[cfg(test)]
mod tests;

/// A zone's network, as Bulkhead creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkSpec {
    /// `<design>_<zone>`.
    pub name: String,
    /// The zone.
    pub zone: String,
    /// `bridge` or `overlay`.
    pub driver: String,
    /// `--internal`.
    pub internal: bool,
    /// IPv4 subnet.
    pub subnet: Ipv4Net,
    /// Gateway address.
    pub gateway: Ipv4Addr,
    /// Driver options: bridge name, and ICC off for isolated zones (iptables engines).
    pub options: BTreeMap<String, String>,
    /// Labels, ours included.
    pub labels: BTreeMap<String, String>,
}

/// A container's place in one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointSpec {
    /// Network name.
    pub network: String,
    /// The zone.
    pub zone: String,
    /// Fixed address.
    pub ipv4: Ipv4Addr,
    /// DNS aliases: the service name first, as Compose does, then the design's.
    pub aliases: Vec<String>,
}

/// A service's container, as Bulkhead creates it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerSpec {
    /// `<design>-<service>-1`.
    pub name: String,
    /// The service.
    pub service: String,
    /// Image reference.
    pub image: String,
    /// `compose: command`.
    pub cmd: Option<Vec<String>>,
    /// `compose: entrypoint`.
    pub entrypoint: Option<Vec<String>>,
    /// `compose: environment`, as `KEY=value`, sorted.
    pub env: Vec<String>,
    /// `compose: volumes` (short syntax binds).
    pub binds: Vec<String>,
    /// `compose: restart` (serialised as Compose writes it).
    pub restart: Option<RestartPolicy>,
    /// `compose: working_dir`.
    pub working_dir: Option<String>,
    /// `compose: healthcheck` test and timings (nanoseconds).
    pub healthcheck: Option<Healthcheck>,
    /// Hardening: user.
    pub user: Option<String>,
    /// Hardening: read-only root filesystem.
    pub read_only: bool,
    /// Hardening: capabilities added.
    pub cap_add: Vec<String>,
    /// Hardening: capabilities dropped.
    pub cap_drop: Vec<String>,
    /// Hardening: security options (no-new-privileges included).
    pub security_opt: Vec<String>,
    /// Hardening: privileged.
    pub privileged: bool,
    /// Hardening: tmpfs mounts, path to options.
    pub tmpfs: BTreeMap<String, String>,
    /// Hardening: pids limit.
    pub pids_limit: Option<i64>,
    /// Hardening: memory limit in bytes.
    pub memory: Option<i64>,
    /// Hardening: CPU limit in billionths of a CPU.
    pub nano_cpus: Option<i64>,
    /// `compose: ulimits`. Left out of the configuration hash when there are none, so a
    /// container without limits keeps its hash.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ulimits: Vec<design::model::Ulimit>,
    /// Published ports.
    pub ports: Vec<PortBinding>,
    /// How it is networked.
    pub network_mode: ContainerNetwork,
    /// Networks with addresses, first one joined at create.
    pub networks: Vec<EndpointSpec>,
    /// Labels, ours included (the config hash among them).
    pub labels: BTreeMap<String, String>,
    /// `compose:` keys the engine API has no field for (carried by the export only).
    pub unapplied: Vec<String>,
}

/// A healthcheck as the engine takes it (nanoseconds). Its serialised form is part of the
/// configuration hash, so fields are only ever added, and only when set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `["CMD", …]`, `["CMD-SHELL", …]` or `["NONE"]`; empty keeps the image's test.
    pub test: Vec<String>,
    /// Interval in ns.
    pub interval: Option<i64>,
    /// Timeout in ns.
    pub timeout: Option<i64>,
    /// Retries.
    pub retries: Option<i64>,
    /// Start period in ns.
    pub start_period: Option<i64>,
    /// Interval during the start period in ns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<i64>,
}

impl Healthcheck {
    /// The engine's form of the design's healthcheck. A disabled one carries no timings
    /// (Docker ignores them, and earlier versions left them out of the hash).
    pub fn of(h: &design::model::Healthcheck) -> Self {
        let disabled = h.test.as_deref() == Some(&["NONE".to_owned()][..]);
        let ns = |d: &Option<design::model::Duration>| {
            d.as_ref().filter(|_| !disabled).map(|d| d.nanos())
        };
        Self {
            test: h.test.clone().unwrap_or_default(),
            interval: ns(&h.interval),
            timeout: ns(&h.timeout),
            retries: h.retries.filter(|_| !disabled).map(i64::from),
            start_period: ns(&h.start_period),
            start_interval: ns(&h.start_interval),
        }
    }
}

/// How a container is networked, as the engine is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerNetwork {
    /// On the design's networks: created on the first, then joined to the others.
    Bridge,
    /// No network at all.
    None,
    /// The host's network stack.
    Host,
    /// Another container's network namespace, by container name.
    Container(String),
}

impl ContainerNetwork {
    /// Docker's word for it: `bridge`, `none`, `host` or `container:<name>`.
    pub fn docker_mode(&self) -> String {
        match self {
            Self::Bridge => "bridge".to_owned(),
            Self::None => "none".to_owned(),
            Self::Host => "host".to_owned(),
            Self::Container(name) => format!("container:{name}"),
        }
    }
}

// Serialised as Docker's word, as before it was a type: the configuration hash reads it.
impl Serialize for ContainerNetwork {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.docker_mode())
    }
}

/// One published port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortBinding {
    /// Container port.
    pub container_port: u16,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// Host address (`0.0.0.0` for all).
    pub host_ip: String,
    /// Host port; `None` lets Docker choose.
    pub host_port: Option<u16>,
}

/// Everything the engine should hold for one design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Specs {
    /// The design's name (the value of its objects' `io.bulkhead.design` label).
    pub design: String,
    /// One network per zone, in zone order.
    pub networks: Vec<NetworkSpec>,
    /// One container per service with an image; namespace owners first.
    pub containers: Vec<ContainerSpec>,
}

impl Specs {
    /// The specs of `design` on an engine whose firewall is `backend`.
    pub fn of(design: &ValidDesign, backend: FirewallBackend) -> Self {
        Self {
            design: design.name.as_str().to_owned(),
            networks: network_specs(design, backend),
            containers: container_specs(design),
        }
    }
}

/// The networks of a design on an engine whose firewall is `backend`. On iptables an
/// isolated zone's network has Docker's ICC off, and the design's chain lets its flows
/// through first (DOCKER-USER comes before Docker's drop). On nftables Docker's ICC-off drop
/// would be final and beat the design's accepts, so ICC stays on and the design's table
/// isolates the zone: there it is part of what apply installs before any container runs.
pub fn network_specs(d: &ValidDesign, backend: FirewallBackend) -> Vec<NetworkSpec> {
    let design = d.name.as_str();
    d.zones
        .iter()
        .map(|z| {
            let mut options = BTreeMap::new();
            if z.driver.as_str() == "bridge" {
                options.insert(
                    "com.docker.network.bridge.name".to_owned(),
                    z.bridge.as_str().to_owned(),
                );
                if z.isolated && backend == FirewallBackend::Iptables {
                    options.insert(
                        "com.docker.network.bridge.enable_icc".to_owned(),
                        "false".to_owned(),
                    );
                }
            }
            let mut labels: BTreeMap<String, String> = z.labels.clone().into_iter().collect();
            labels.insert(self::labels::DESIGN.into(), design.into());
            labels.insert(self::labels::ZONE.into(), z.name.as_str().into());
            if z.isolated && backend == FirewallBackend::Nftables {
                labels.insert(self::labels::ISOLATED.into(), "true".into());
            }
            NetworkSpec {
                name: network_name(&d.name, &z.name),
                zone: z.name.as_str().to_owned(),
                driver: z.driver.as_str().to_owned(),
                internal: z.internal,
                subnet: z.subnet.net(),
                gateway: z.gateway,
                options,
                labels,
            }
        })
        .collect()
}

/// The containers of a design (services without an image, closed and zoneless, have none).
pub fn container_specs(d: &ValidDesign) -> Vec<ContainerSpec> {
    let depth = |s: &Service| {
        let mut n = 0;
        let mut mode = s.network;
        while let NetworkMode::Container(next) = mode {
            n += 1;
            mode = d.service(next).network;
            if n > d.services.len() {
                break;
            }
        }
        n
    };
    // Namespace owners come before the containers that join them.
    let mut services: Vec<&Service> = d.services.iter().filter(|s| s.image.is_some()).collect();
    services.sort_by_key(|s| depth(s));
    services
        .into_iter()
        .map(|s| container::container_spec(d, s))
        .collect()
}
