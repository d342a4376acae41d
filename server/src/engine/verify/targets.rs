//! What verify tries from each service: every address of every other service on the ports
//! the design declares for it, one port nothing declares and an echo request; and the
//! host's own address outside every zone.

use std::net::Ipv4Addr;

use design::ValidDesign;
use design::model::{PortRange, PortSet, PortSpec, Protocol, ServiceId};

use super::report::{Check, Transport};
use crate::engine::DockerEngine;
use crate::engine::error::EngineError;

/// What one check tries: a TCP or UDP port, or an echo request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Probe {
    Port(Protocol, u16),
    Icmp,
}

impl Probe {
    pub(super) fn port(self) -> Option<u16> {
        match self {
            Self::Port(_, p) => Some(p),
            Self::Icmp => None,
        }
    }

    pub(super) fn transport(self) -> Transport {
        match self {
            Self::Port(Protocol::Tcp, _) => Transport::Tcp,
            Self::Port(Protocol::Udp, _) => Transport::Udp,
            Self::Icmp => Transport::Icmp,
        }
    }
}

/// True when `set` holds what `probe` tries.
pub(super) fn allows(set: &PortSet, probe: Probe) -> bool {
    match probe {
        Probe::Port(protocol, p) => PortRange::single(p)
            .is_some_and(|r| PortSet::from_specs(&[PortSpec::Ports(protocol, r)]).is_subset(set)),
        Probe::Icmp => set.icmp(),
    }
}

/// What to try on the host's own address: one TCP port nothing lists (9, discard), and,
/// when the design protects the host, the first port of each range it leaves open (where
/// something may listen) and icmp when listed.
pub(super) fn host_probes(open: &PortSet) -> Vec<(Probe, bool)> {
    let mut probes = vec![(Probe::Port(Protocol::Tcp, 9), false)];
    if open.is_any() {
        return probes;
    }
    for (protocol, ranges) in [(Protocol::Tcp, open.tcp()), (Protocol::Udp, open.udp())] {
        for r in ranges {
            let probe = Probe::Port(protocol, r.lo());
            if !probes.iter().any(|(p, _)| *p == probe) {
                probes.push((probe, true));
            }
        }
    }
    if open.icmp() {
        probes.push((Probe::Icmp, true));
    }
    probes
}

/// The ports worth trying on `target`: its published container ports and the ports flows
/// name for it, TCP and UDP, plus one TCP port nothing declares (and one UDP port when
/// the target declares UDP at all).
pub(super) fn ports_for(design: &ValidDesign, target: ServiceId) -> Vec<(Probe, bool)> {
    let mut declared: Vec<(Protocol, u16)> = Vec::new();
    for p in &design.service(target).ports {
        declared.push((p.protocol, p.container_ports.lo()));
    }
    // Flows via the host name host ports, probed by the path through the host.
    for f in design.flows.iter().filter(|f| !f.via_host) {
        if design.endpoint_services(f.to).contains(&target) {
            for (protocol, ranges) in [
                (Protocol::Tcp, f.port_set.tcp()),
                (Protocol::Udp, f.port_set.udp()),
            ] {
                for r in ranges {
                    if r.len() < 65535 {
                        declared.push((protocol, r.lo()));
                    }
                }
            }
        }
    }
    declared.sort_unstable_by_key(|(protocol, p)| (*protocol == Protocol::Udp, *p));
    declared.dedup();
    let mut probes: Vec<(Probe, bool)> = declared
        .iter()
        .map(|(protocol, p)| (Probe::Port(*protocol, *p), true))
        .collect();
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let used: Vec<u16> = declared
            .iter()
            .filter(|(q, _)| *q == protocol)
            .map(|(_, p)| *p)
            .collect();
        if protocol == Protocol::Udp && used.is_empty() {
            continue;
        }
        let undeclared = (9u16..).find(|p| !used.contains(p)).unwrap_or(9);
        probes.push((Probe::Port(protocol, undeclared), false));
    }
    probes.push((Probe::Icmp, false));
    probes
}

/// A check to run, and whether its port is one the design declares.
pub(super) struct Planned {
    pub(super) check: Check,
    /// A declared port: a service may listen there (for UDP, silently).
    pub(super) declared: bool,
}

/// An address on this host outside every zone: the default bridge's gateway.
pub(super) async fn outside_address(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<Option<Ipv4Addr>, EngineError> {
    let networks = engine.networks().await?;
    // Older engines report no gateway for the default bridge: it is the subnet's first host.
    let gateway = networks.iter().find(|n| n.name == "bridge").and_then(|n| {
        n.gateway
            .as_deref()
            .and_then(|g| g.parse::<Ipv4Addr>().ok())
            .or_else(|| {
                n.subnet
                    .as_deref()
                    .and_then(|s| s.parse::<ipnet::Ipv4Net>().ok())
                    .and_then(|net| net.hosts().next())
            })
    });
    Ok(gateway.filter(|g| !design.zones.iter().any(|z| z.subnet.contains(*g))))
}
