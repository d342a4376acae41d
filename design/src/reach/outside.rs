//! The world beyond the host: what reaches a service from outside, and what a service
//! reaches out to (egress).

use serde::Serialize;

use crate::model::PortSet;
use crate::model::{NetworkMode, PortSpec, Protocol, PublishedPort, ServiceId};

use super::analysis::{Mode, Reachability};

/// Who can reach a published port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Anyone who can reach the host.
    Outside,
    /// Only processes on the host itself.
    HostOnly,
    /// Nobody: the host policy drops it, or Docker does not publish it.
    Nobody,
}

/// One published port of a service and who can reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inbound {
    /// The service.
    pub service: String,
    /// The published port.
    pub port: PublishedPort,
    /// Who can reach it.
    pub audience: Audience,
    /// Why, in words.
    pub why: String,
}

/// Whether a service can open connections to the internet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Egress {
    /// The service.
    pub service: String,
    /// True when it has a route out.
    pub allowed: bool,
    /// Why, in words.
    pub why: String,
}

/// What a service reaches on the host itself (any of the host's addresses, its zone's
/// gateway included): services listening on the host are exposed to it on these ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostAccess {
    /// The service.
    pub service: String,
    /// The host's ports it reaches (every port, unless `host.protect_host` guards the host).
    pub ports: PortSet,
    /// Why, in words.
    pub why: String,
}

fn policy_allows(specs: &[PortSpec], port: &PublishedPort) -> bool {
    let Some(host) = port.host_ports else {
        return false;
    };
    specs.iter().any(|spec| match spec {
        PortSpec::Any => true,
        PortSpec::Icmp => false,
        PortSpec::Ports(proto, range) => {
            *proto == port.protocol && range.lo() <= host.lo() && host.hi() <= range.hi()
        }
    })
}

impl Reachability<'_> {
    /// Every published port of every service, with who can reach it.
    pub fn inbound(&self) -> Vec<Inbound> {
        let d = self.design;
        let mut out = Vec::new();
        for (i, svc) in d.services.iter().enumerate() {
            let name = svc.name.as_str();
            for port in &svc.ports {
                let only_internal = svc.network == NetworkMode::Bridged
                    && !svc.zones.is_empty()
                    && svc.zones.iter().all(|m| d.zone(m.zone).internal);
                let default_bridge = svc.network == NetworkMode::Bridged && svc.zones.is_empty();
                let ext = d
                    .host
                    .as_ref()
                    .and_then(|h| h.external_interface.as_ref())
                    .map_or("the external interface", |i| i.as_str());
                let (audience, why) = if only_internal {
                    (
                        Audience::Nobody,
                        format!(
                            "{name} is only in internal zones, so Docker does not publish {port}"
                        ),
                    )
                } else if port.is_loopback() {
                    (
                        Audience::HostOnly,
                        format!(
                            "{port} is bound to a loopback address: reachable from the host only"
                        ),
                    )
                } else if default_bridge {
                    (
                        Audience::Outside,
                        format!(
                            "{name} is on Docker's default bridge, which the design's firewall does not cover: {port} is published to everyone who reaches the host; put {name} in a zone"
                        ),
                    )
                } else {
                    match d.host.as_ref().and_then(|h| h.allow_inbound.as_ref()) {
                        Some(specs)
                            if !policy_allows(specs, port)
                                && d.mode == crate::raw::PolicyMode::Observe =>
                        {
                            (
                                Audience::Outside,
                                format!(
                                    "{port} is published; the host policy would drop it (it is not in host.allow_inbound), but the design is in observe mode: the drop is logged and counted, not enforced"
                                ),
                            )
                        }
                        Some(specs) if !policy_allows(specs, port) => (
                            Audience::Nobody,
                            format!(
                                "the host policy drops {port} arriving on {ext}: it is not in host.allow_inbound (traffic arriving on other interfaces of the host is not filtered)"
                            ),
                        ),
                        Some(_) => (
                            Audience::Outside,
                            format!("{port} is published and host.allow_inbound lets it in"),
                        ),
                        None => (
                            Audience::Outside,
                            format!("{port} is published and there is no host policy"),
                        ),
                    }
                };
                out.push(Inbound {
                    service: name.to_owned(),
                    port: *port,
                    audience,
                    why,
                });
            }
            if self.mode[i] == Mode::Host && svc.network == NetworkMode::Host {
                let all = PublishedPort {
                    host_ip: None,
                    host_ports: None,
                    container_ports: crate::model::PortRange::ALL,
                    protocol: Protocol::Tcp,
                };
                out.push(Inbound {
                    service: name.to_owned(),
                    port: all,
                    audience: Audience::Outside,
                    why: format!("{name} uses the host network: every port it listens on is open on the host, and DOCKER-USER rules do not filter it"),
                });
            }
        }
        out
    }

    /// Whether `service` can reach the internet, and why.
    pub fn egress(&self, service: ServiceId) -> Egress {
        let d = self.design;
        let s = service.index();
        let name = d.service(service).name.as_str();
        let owner = d.service(ServiceId(self.owner[s])).name.as_str();
        let via = if self.owner[s] as usize == s {
            String::new()
        } else {
            format!(" (through {owner}'s namespace)")
        };
        let (allowed, why) = match self.mode[s] {
            Mode::Closed => (false, format!("{name} has no network{via}")),
            Mode::Host => (true, format!("{name} uses the host network{via}")),
            Mode::Bridged => {
                let open: Vec<&str> = d
                    .service(ServiceId(self.owner[s]))
                    .zones
                    .iter()
                    .map(|m| d.zone(m.zone))
                    .filter(|z| !z.internal)
                    .map(|z| z.name.as_str())
                    .collect();
                match open.first() {
                    Some(z) => (
                        true,
                        format!("{name} is in {z}, which is not internal{via}"),
                    ),
                    None if d.service(ServiceId(self.owner[s])).zones.is_empty() => (
                        true,
                        format!("{name} joins no zone and lands on Docker's default bridge{via}"),
                    ),
                    None => (
                        false,
                        format!("{name} is only in internal zones, which have no route out{via}"),
                    ),
                }
            }
        };
        Egress {
            service: name.to_owned(),
            allowed,
            why,
        }
    }

    /// What `service` reaches on the host itself, and why.
    pub fn host_access(&self, service: ServiceId) -> HostAccess {
        let d = self.design;
        let s = service.index();
        let name = d.service(service).name.as_str();
        let ports = self.host_ports(service);
        let why = match self.mode[s] {
            Mode::Closed => format!("{name} has no network"),
            Mode::Host => format!("{name} uses the host network: it is the host"),
            Mode::Bridged if self.host_guarded(s) => format!(
                "host.protect_host drops what {name}'s zones send to the host, except host.host_ports"
            ),
            Mode::Bridged if d.service(ServiceId(self.owner[s])).zones.is_empty() => format!(
                "{name} is on Docker's default bridge, which host.protect_host does not cover; put {name} in a zone"
            ),
            Mode::Bridged if self.host_ports.is_some() => format!(
                "{name} is in a zone without a local bridge, which host.protect_host does not cover"
            ),
            Mode::Bridged => format!(
                "Docker filters only traffic between networks: {name} reaches every port the host listens on, its gateway's included; host.protect_host closes them"
            ),
        };
        HostAccess {
            service: name.to_owned(),
            ports,
            why,
        }
    }
}
