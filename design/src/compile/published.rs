//! `host.protect_published`: the rules that close the design's published ports to its zones,
//! except along flows `via: host`. A container reaches a published port through the host
//! by two paths, and both are closed on every zone bridge:
//! - Docker's userland proxy (its default): the connection arrives on `INPUT` from the
//!   source's bridge, to the host port: the input chain drops new ones;
//! - hairpin NAT (`userland-proxy: false`, and internal bridges): Docker translates it to
//!   the target's address and it is forwarded: the forward chain drops connections from a
//!   zone bridge whose original destination port, before the translation, is the host port.
//!
//! A flow `via: host` opens the ports it names first, from each of the source's addresses
//! (`RETURN`: the host's and Docker's own rules decide, as for `host.host_ports`).

use std::collections::HashSet;
use std::net::Ipv4Addr;

use crate::model::{PortRange, PortSpec, Protocol, ServiceId, ValidDesign, Zone};
use crate::raw::Driver;

use super::policy::{PortField, Ports, Rule, State, Verdict, pairs, push_drop};

/// True when the design closes published ports and has some that containers could reach:
/// then the input chain holds rules for them.
pub(super) fn closes_any(design: &ValidDesign) -> bool {
    design.host.as_ref().is_some_and(|h| h.protect_published) && !closed_ports(design).is_empty()
}

/// Every host port (protocol, range) the design publishes where containers could reach it,
/// once each, in document order.
fn closed_ports(design: &ValidDesign) -> Vec<(Protocol, PortRange)> {
    let mut seen = HashSet::new();
    design
        .services
        .iter()
        .flat_map(|s| &s.ports)
        .filter(|p| !p.is_loopback())
        .filter_map(|p| Some((p.protocol, p.host_ports?)))
        .filter(|key| seen.insert(*key))
        .collect()
}

/// What a flow `via: host` opens from one of its source's addresses.
struct Opening<'d> {
    flow: usize,
    from: ServiceId,
    to: ServiceId,
    zone: &'d Zone,
    address: Ipv4Addr,
    protocol: Protocol,
    range: PortRange,
}

/// Everything the flows `via: host` open, flow by flow.
fn openings(design: &ValidDesign) -> Vec<Opening<'_>> {
    let mut out = Vec::new();
    for flow in design.flows.iter().filter(|f| f.via_host) {
        for (a, b) in pairs(design, flow.from, flow.to) {
            let published: Vec<(Protocol, PortRange)> = design
                .service(b)
                .ports
                .iter()
                .filter(|p| !p.is_loopback())
                .filter_map(|p| Some((p.protocol, p.host_ports?)))
                .collect();
            let mut opened: Vec<(Protocol, PortRange)> = Vec::new();
            for spec in &flow.ports {
                match spec {
                    PortSpec::Any => opened.extend(&published),
                    PortSpec::Ports(protocol, range) => opened.push((*protocol, *range)),
                    PortSpec::Icmp => {}
                }
            }
            opened.dedup();
            for m in &design.service(a).zones {
                let zone = design.zone(m.zone);
                if zone.driver != Driver::Bridge {
                    continue;
                }
                for &(protocol, range) in &opened {
                    out.push(Opening {
                        flow: flow.index,
                        from: a,
                        to: b,
                        zone,
                        address: m.ipv4,
                        protocol,
                        range,
                    });
                }
            }
        }
    }
    out
}

/// The rules of one path: openings first, then a drop per zone bridge and published port.
fn rules(
    design: &ValidDesign,
    bridge_zones: &[&Zone],
    log_denied: bool,
    path: &str,
    shape: impl Fn(&mut Rule),
) -> Vec<Rule> {
    let name = &design.name;
    let mut rules = Vec::new();
    for o in openings(design) {
        let mut r = Rule::new(
            Verdict::Return,
            format!(
                "bulkhead {name} flow[{}] via host {}>{} {}/{} zone {} {path}",
                o.flow,
                design.service(o.from).name,
                design.service(o.to).name,
                o.protocol.as_str(),
                o.range,
                o.zone.name
            ),
        );
        r.in_iface = Some(o.zone.bridge.as_str().to_owned());
        r.source = Some(o.address);
        r.ports = Ports::Range(o.protocol, o.range);
        shape(&mut r);
        rules.push(r);
    }
    let closed = closed_ports(design);
    for zone in bridge_zones {
        for &(protocol, range) in &closed {
            let mut drop = Rule::new(
                Verdict::Drop,
                format!(
                    "bulkhead {name} protect_published {}/{range} zone {} {path}",
                    protocol.as_str(),
                    zone.name
                ),
            );
            drop.in_iface = Some(zone.bridge.as_str().to_owned());
            drop.ports = Ports::Range(protocol, range);
            shape(&mut drop);
            push_drop(&mut rules, drop, log_denied);
        }
    }
    rules
}

/// The input chain's rules for the userland proxy's path (new connections to the host port).
pub(super) fn input(design: &ValidDesign, bridge_zones: &[&Zone], log_denied: bool) -> Vec<Rule> {
    if !closes_any(design) {
        return Vec::new();
    }
    rules(design, bridge_zones, log_denied, "proxy", |r| {
        r.state = State::New;
    })
}

/// The forward chain's rules for the hairpin-NAT path (translated connections, by their
/// original destination port).
pub(super) fn forward(design: &ValidDesign, bridge_zones: &[&Zone], log_denied: bool) -> Vec<Rule> {
    if !closes_any(design) {
        return Vec::new();
    }
    rules(design, bridge_zones, log_denied, "nat", |r| {
        r.state = State::Translated;
        r.port_field = PortField::OriginalDestination;
    })
}
