//! Published ports as a path between zones: what `host.protect_published` needs of the
//! design's published ports, and what a flow `via: host` needs of its ends.

use crate::diagnostic::Code;
use crate::model::{NetworkMode, PortSpec, PublishedPort, ServiceId, ValidDesign};
use crate::raw::Action;

use super::ctx::{Ctx, key};

/// With `host.protect_published`, every published port that containers could reach binds a
/// fixed host port: the rules close it by that number.
pub(super) fn check(ctx: &mut Ctx, design: &ValidDesign) {
    if !design.host.as_ref().is_some_and(|h| h.protect_published) {
        return;
    }
    for svc in &design.services {
        for (i, port) in svc.ports.iter().enumerate() {
            if port.host_ports.is_none() && !port.is_loopback() {
                ctx.error(
                    Code::PublishedPortNotFixed,
                    format!("services.{}.ports[{i}]", key(svc.name.as_str())),
                    format!(
                        "{port} lets Docker pick the host port, and host.protect_published closes published ports to the zones by their host port; write a fixed one (e.g. \"{0}:{0}/{1}\"), or bind it to 127.0.0.1",
                        port.container_ports,
                        port.protocol.as_str()
                    ),
                );
            }
        }
    }
}

/// Why a flow `via: host` cannot be written as it is, before its pairs are looked at.
pub(super) fn via_host_flow_problem(design: &ValidDesign, action: Action) -> Option<String> {
    if action == Action::Deny {
        return Some("a flow via: host opens ports that host.protect_published closes, so it cannot deny; remove it (protect_published already closes every published port to the zones), or remove via: host".into());
    }
    if !design.host.as_ref().is_some_and(|h| h.protect_published) {
        return Some("a flow via: host opens published ports that host.protect_published closes; without protect_published: true under host: every zone reaches them already. Add it, or remove via: host".into());
    }
    None
}

/// The ports a container can reach through the host: published, not on a loopback address.
pub(crate) fn reachable_ports(
    design: &ValidDesign,
    s: ServiceId,
) -> impl Iterator<Item = &PublishedPort> {
    design
        .service(design.namespace_owner(s))
        .ports
        .iter()
        .filter(|p| !p.is_loopback())
}

/// Why one pair of a flow `via: host` cannot carry it: the source is not bridged, or the
/// target does not publish the flow's ports where containers reach them.
pub(super) fn via_host_pair_problem(
    design: &ValidDesign,
    a: ServiceId,
    b: ServiceId,
    specs: &[PortSpec],
) -> Option<(Code, String)> {
    let (oa, ob) = (design.namespace_owner(a), design.namespace_owner(b));
    if oa == ob {
        return None;
    }
    let (an, bn) = (&design.service(a).name, &design.service(b).name);
    if design.service(oa).network != NetworkMode::Bridged {
        return Some((
            Code::FlowEndpointNotBridged,
            format!(
                "{an} is not bridged, so it reaches nothing through the host that a flow could open; make it bridged, or remove the flow"
            ),
        ));
    }
    let published: Vec<&PublishedPort> = reachable_ports(design, b).collect();
    let list = || {
        let shown: Vec<String> = published.iter().map(|p| format!("\"{p}\"")).collect();
        shown.join(", ")
    };
    if published.is_empty() {
        return Some((
            Code::FlowViaHost,
            format!(
                "{bn} publishes no port that containers can reach through the host (none, or only on 127.0.0.1); publish one under its ports, or remove via: host"
            ),
        ));
    }
    for spec in specs {
        let covered = match spec {
            PortSpec::Any => true,
            PortSpec::Icmp => false,
            PortSpec::Ports(protocol, range) => published.iter().any(|p| {
                p.protocol == *protocol
                    && p.host_ports
                        .is_some_and(|h| h.lo() <= range.lo() && range.hi() <= h.hi())
            }),
        };
        if !covered {
            return Some((
                Code::FlowViaHost,
                format!(
                    "{bn} does not publish {spec} on the host (it publishes {}); a flow via: host names host ports the target publishes",
                    list()
                ),
            ));
        }
    }
    None
}
