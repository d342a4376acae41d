//! The path through the host: from each source, every published port of every other
//! service at the host addresses the source can send to (its zones' gateways, the host's
//! address outside every zone, and the bind address when the port names one), judged
//! against the analysis's paths through the host.

use std::net::Ipv4Addr;

use design::ValidDesign;
use design::compile::container_name;
use design::model::{NetworkMode, PublishedPort, ServiceId};
use design::reach::Reachability;

use super::report::{Check, Target};
use super::targets::{Planned, Probe, allows};
use crate::engine::DockerEngine;
use crate::engine::error::EngineError;

/// A published port of a service as the engine bound it.
pub(super) struct Bound {
    target: ServiceId,
    published: PublishedPort,
    /// The host port probed: the first written, or the one Docker picked.
    host_port: u16,
}

/// Every published port of the design's services that containers could reach (not on a
/// loopback address), with the host port it has on the engine; a port whose host port
/// Docker picks is read off the running container (absent: not probed, and said so).
pub(super) async fn bound(
    design: &ValidDesign,
    engine: &DockerEngine,
    notes: &mut Vec<String>,
) -> Result<Vec<Bound>, EngineError> {
    let mut out = Vec::new();
    for (ti, svc) in design.services.iter().enumerate() {
        let target = ServiceId(ti as u32);
        for p in svc.ports.iter().filter(|p| !p.is_loopback()) {
            let host_port = match p.host_ports {
                Some(h) => Some(h.lo()),
                None => picked_port(engine, &container_name(&design.name, &svc.name), p).await?,
            };
            match host_port {
                Some(host_port) => out.push(Bound {
                    target,
                    published: *p,
                    host_port,
                }),
                None => notes.push(format!(
                    "{} publishes {p} and Docker picks its host port, which the engine does not show (is the container running?): the path through the host to it was not probed",
                    svc.name
                )),
            }
        }
    }
    Ok(out)
}

/// The host port Docker bound for `port` of the container `name`, when it runs.
async fn picked_port(
    engine: &DockerEngine,
    name: &str,
    port: &PublishedPort,
) -> Result<Option<u16>, EngineError> {
    let Some(inspected) = engine.inspect(name).await? else {
        return Ok(None);
    };
    let key = format!("{}/{}", port.container_ports.lo(), port.protocol.as_str());
    Ok(inspected
        .network_settings
        .and_then(|n| n.ports)
        .and_then(|mut ports| ports.remove(&key))
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|b| b.host_port?.parse().ok())
        .next())
}

/// The checks from service `s` to every other service's published ports through the host.
/// `outside` is the host's address outside every zone.
pub(super) fn plan(
    design: &ValidDesign,
    reach: &Reachability<'_>,
    s: ServiceId,
    outside: Option<Ipv4Addr>,
    bound: &[Bound],
) -> Vec<Planned> {
    let owner = design.namespace_owner(s);
    let source = design.service(owner);
    if source.network != NetworkMode::Bridged {
        return Vec::new();
    }
    let sname = design.service(s).name.as_str();
    // Where a packet to a host address arrives: the bridge of the zone whose gateway it
    // is sent to, or for any other address the zone of the source's default route (a zone
    // that is not internal when it has one). Docker translates what arrives on an internal
    // bridge and drops it on its way out of the internal network.
    let zones: Vec<&design::model::Zone> =
        source.zones.iter().map(|m| design.zone(m.zone)).collect();
    let default_internal = !zones.is_empty() && zones.iter().all(|z| z.internal);
    let mut addresses: Vec<(Ipv4Addr, Option<String>, bool)> = zones
        .iter()
        .filter(|z| z.driver == design::raw::Driver::Bridge)
        .map(|z| (z.gateway, Some(z.name.as_str().to_owned()), z.internal))
        .collect();
    if let Some(addr) = outside {
        addresses.push((addr, None, default_internal));
    }
    let mut planned = Vec::new();
    for b in bound {
        if design.namespace_owner(b.target) == owner {
            continue;
        }
        let open = reach.host_path_ports(s, b.target);
        let probe = Probe::Port(b.published.protocol, b.host_port);
        let bind_only = b.published.host_ip.map(|ip| (ip, None, default_internal));
        let tried: Vec<(Ipv4Addr, Option<String>, bool)> = match bind_only {
            Some(one) => vec![one],
            None => addresses.clone(),
        };
        for (address, zone, internal) in tried {
            let expected = !internal && allows(&open, probe);
            planned.push(Planned {
                declared: true,
                check: Check {
                    from: sname.to_owned(),
                    to: Target::Service(design.service(b.target).name.as_str().to_owned()),
                    zone,
                    address,
                    port: Some(b.host_port),
                    protocol: probe.transport(),
                    expected,
                    observed: false,
                    detail: String::new(),
                    // Closed only by the design's input or forward rules.
                    needs_firewall: !internal && !expected,
                    unverifiable: false,
                    inconclusive: false,
                    via_host: true,
                },
            });
        }
    }
    planned
}
