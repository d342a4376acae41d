//! The checked design: every name, address and port proven good, subnets and addresses
//! allocated. Compilers take only `&ValidDesign`.

use std::net::Ipv4Addr;

use indexmap::IndexMap;
use serde::Serialize;

use super::{
    Accepted, Alias, Cidr, DesignName, Hardening, Healthcheck, ImageRef, InterfaceName, PortSet,
    PortSpec, Process, PublishedPort, RestartPolicy, Secret, ServiceName, Ulimit, Volume, ZoneName,
};
use crate::raw::{Action, Driver, PolicyMode, Trust};

/// Index of a zone in [`ValidDesign::zones`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ZoneId(pub u32);

/// Index of a service in [`ValidDesign::services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ServiceId(pub u32);

impl ZoneId {
    /// The index into [`ValidDesign::zones`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ServiceId {
    /// The index into [`ValidDesign::services`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A checked design.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ValidDesign {
    /// The design's name (Compose project name).
    pub name: DesignName,
    /// Free text.
    pub description: Option<String>,
    /// What the firewall does with what the design would drop: the host policy's rules and
    /// the default of every zone.
    pub mode: PolicyMode,
    /// The pool zones without a subnet were given a /24 from.
    pub subnet_pool: Cidr,
    /// The zones, in document order.
    pub zones: Vec<Zone>,
    /// The services, in document order.
    pub services: Vec<Service>,
    /// The flows, in document order.
    pub flows: Vec<Flow>,
    /// The host policy, when the design has one.
    pub host: Option<HostPolicy>,
    /// Named volumes, in document order.
    pub volumes: Vec<Volume>,
    /// Secrets, in document order.
    pub secrets: Vec<Secret>,
}

/// A checked zone (a Docker network).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    /// The zone's name.
    pub name: ZoneName,
    /// Its trust level.
    pub trust: Trust,
    /// Its subnet, given or allocated.
    pub subnet: Cidr,
    /// True when the subnet was allocated from the pool rather than written.
    pub subnet_allocated: bool,
    /// The gateway address (the first host address unless written).
    pub gateway: Ipv4Addr,
    /// The Linux bridge name, given or derived.
    pub bridge: InterfaceName,
    /// No route out.
    pub internal: bool,
    /// Members reach each other only along declared flows.
    pub isolated: bool,
    /// What the firewall does with what it would drop between the zone's members: the
    /// zone's own `mode`, or the design's.
    pub mode: PolicyMode,
    /// Network driver.
    pub driver: Driver,
    /// Docker labels, in document order.
    pub labels: IndexMap<String, String>,
    /// Findings accepted for this zone.
    pub accept: Vec<Accepted>,
}

/// How a service is networked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", content = "service", rename_all = "lowercase")]
pub enum NetworkMode {
    /// On its zones' networks (the default).
    Bridged,
    /// `none`: no network at all.
    Closed,
    /// The host's network stack: bypasses every zone.
    Host,
    /// Shares another service's network namespace.
    Container(ServiceId),
}

/// A service's place in one zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The zone.
    pub zone: ZoneId,
    /// The service's address in the zone, pinned or allocated.
    pub ipv4: Ipv4Addr,
    /// True when the design wrote the address.
    pub pinned: bool,
    /// DNS aliases in this zone.
    pub aliases: Vec<Alias>,
}

/// A checked service (a container).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// The service's name.
    pub name: ServiceName,
    /// Its image; absent only for a closed service with no zones.
    pub image: Option<ImageRef>,
    /// How it is networked.
    pub network: NetworkMode,
    /// The zones it joins, in document order.
    pub zones: Vec<Membership>,
    /// Ports published on the host.
    pub ports: Vec<PublishedPort>,
    /// Hardening merged over the defaults.
    pub hardening: Hardening,
    /// Findings accepted for this service.
    pub accept: Vec<Accepted>,
    /// `compose: restart`, parsed.
    pub restart: Option<RestartPolicy>,
    /// `compose: healthcheck`, parsed.
    pub healthcheck: Option<Healthcheck>,
    /// `compose: ulimits`, parsed.
    pub ulimits: Vec<Ulimit>,
    /// `compose: command, entrypoint, environment, working_dir`, parsed.
    pub process: Process,
    /// The `compose:` map as written, in document order. The keys parsed above are written
    /// and applied from their parsed values only.
    pub compose: serde_json::Map<String, serde_json::Value>,
}

/// One end of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Endpoint {
    /// One service.
    Service(ServiceId),
    /// Every member of a zone.
    Zone(ZoneId),
}

/// A checked flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    /// Position in the document's `flows` list (for paths such as `flows[2]`).
    pub index: usize,
    /// Source.
    pub from: Endpoint,
    /// Target.
    pub to: Endpoint,
    /// The ports as written.
    pub ports: Vec<PortSpec>,
    /// The ports as a set.
    pub port_set: PortSet,
    /// Allow or deny.
    pub action: Action,
    /// Log matching connections.
    pub log: bool,
    /// Why the flow exists.
    pub note: Option<String>,
    /// The flow goes through the host to ports the target publishes (`via: host`): it
    /// opens those host ports to the source when `host.protect_published` closes them, and
    /// takes no part in what the source reaches at the target's own addresses.
    pub via_host: bool,
}

/// The host policy for traffic from outside.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostPolicy {
    /// The interface traffic from outside arrives on.
    pub external_interface: Option<InterfaceName>,
    /// When present, only these ports are reachable from outside.
    pub allow_inbound: Option<Vec<PortSpec>>,
    /// Rate limits per port.
    pub rate_limits: Vec<RateLimit>,
    /// Log dropped connections.
    pub log_denied: bool,
    /// The zones' containers reach the host itself only on `host_ports` (INPUT rules on
    /// every zone bridge).
    pub protect_host: bool,
    /// What the zones may reach on the host when `protect_host` is on.
    pub host_ports: Vec<PortSpec>,
    /// The zones' containers reach the design's published ports through the host only along
    /// flows with `via: host` (INPUT rules for Docker's userland proxy, forward rules for
    /// its hairpin NAT, on every zone bridge).
    pub protect_published: bool,
}

/// A rate limit on one port spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// The ports it applies to.
    pub port: PortSpec,
    /// New connections per source per time unit.
    pub per_source: Option<Rate>,
    /// Concurrent connections per source.
    pub max_connections: Option<u32>,
}

/// `N/unit`, e.g. `100/sec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rate {
    /// How many.
    pub count: u32,
    /// Per what: `second`, `minute`, `hour` or `day`.
    pub unit: &'static str,
}

impl ValidDesign {
    /// The zone with this id.
    pub fn zone(&self, id: ZoneId) -> &Zone {
        &self.zones[id.index()]
    }

    /// The service with this id.
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }

    /// The id of the zone called `name`.
    pub fn zone_id(&self, name: &str) -> Option<ZoneId> {
        self.zones
            .iter()
            .position(|z| z.name.as_str() == name)
            .map(|i| ZoneId(i as u32))
    }

    /// The id of the service called `name`.
    pub fn service_id(&self, name: &str) -> Option<ServiceId> {
        self.services
            .iter()
            .position(|s| s.name.as_str() == name)
            .map(|i| ServiceId(i as u32))
    }

    /// The service whose network namespace `id` uses: itself, or the end of its
    /// `container:` chain.
    pub fn namespace_owner(&self, id: ServiceId) -> ServiceId {
        let mut current = id;
        // Validation refuses cycles; the bound only guards against a hand-built model.
        for _ in 0..=self.services.len() {
            match self.service(current).network {
                NetworkMode::Container(next) => current = next,
                _ => return current,
            }
        }
        current
    }

    /// The name of an endpoint.
    pub fn endpoint_name(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::Service(s) => self.service(s).name.as_str(),
            Endpoint::Zone(z) => self.zone(z).name.as_str(),
        }
    }

    /// The services an endpoint stands for: the service, or the zone's members.
    pub fn endpoint_services(&self, endpoint: Endpoint) -> Vec<ServiceId> {
        match endpoint {
            Endpoint::Service(s) => vec![s],
            Endpoint::Zone(z) => self.members(z),
        }
    }

    /// The services that join zone `id`, in document order.
    pub fn members(&self, id: ZoneId) -> Vec<ServiceId> {
        (0..self.services.len())
            .filter(|&i| self.services[i].zones.iter().any(|m| m.zone == id))
            .map(|i| ServiceId(i as u32))
            .collect()
    }
}
