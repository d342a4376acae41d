//! Checking flows: endpoints, ports, and that each pair it joins shares a zone.

use crate::diagnostic::Code;
use crate::limits::{MAX_FLOW_EXPANSION, MAX_PORTS_PER_FLOW};
use crate::model::{Endpoint, Flow, NetworkMode, PortSet, PortSpec, ServiceId, ValidDesign};
use crate::raw::{RawDesign, Via};

use super::ctx::{Ctx, did_you_mean, has_control, quote, suggest};
use super::published;
use super::services::Services;
use super::zones::Zones;

fn resolve(
    ctx: &mut Ctx,
    path: String,
    name: &str,
    zones: &Zones,
    services: &Services,
) -> Option<Endpoint> {
    if let Some(&s) = services.ids.get(name) {
        return Some(Endpoint::Service(s));
    }
    if let Some(&z) = zones.ids.get(name) {
        return Some(Endpoint::Zone(z));
    }
    if !services.refused.contains(name) && !zones.refused.contains(name) {
        let names = services
            .ids
            .keys()
            .chain(zones.ids.keys())
            .map(String::as_str);
        let hint = did_you_mean(suggest(name, names));
        ctx.error(
            Code::UnknownFlowEndpoint,
            path,
            format!(
                "{} is neither a service nor a zone; name one declared in this design.{hint}",
                quote(name)
            ),
        );
    }
    None
}

fn zone_list(design: &ValidDesign, s: ServiceId) -> String {
    let zones: Vec<&str> = design
        .service(s)
        .zones
        .iter()
        .map(|m| design.zone(m.zone).name.as_str())
        .collect();
    if zones.is_empty() {
        "no zone".to_owned()
    } else {
        zones.join(", ")
    }
}

/// Checks one expanded pair; returns a message when it cannot carry a flow.
fn pair_problem(design: &ValidDesign, a: ServiceId, b: ServiceId) -> Option<(Code, String)> {
    let (oa, ob) = (design.namespace_owner(a), design.namespace_owner(b));
    if oa == ob {
        return None;
    }
    for (s, o) in [(a, oa), (b, ob)] {
        let mode = match design.service(o).network {
            NetworkMode::Closed => "closed",
            NetworkMode::Host => "host",
            _ => continue,
        };
        return Some((
            Code::FlowEndpointNotBridged,
            format!(
                "{} uses the {mode} network, where flows do not apply; make it bridged and put it in a zone with the other end, or remove the flow",
                design.service(s).name
            ),
        ));
    }
    let za = &design.service(oa).zones;
    let zb = &design.service(ob).zones;
    if za.iter().any(|m| zb.iter().any(|n| n.zone == m.zone)) {
        return None;
    }
    Some((
        Code::FlowNoSharedZone,
        format!(
            "{} ({}) and {} ({}) share no zone, and Docker drops traffic between zones; route it through a gateway service that joins a zone of each, or add one of them to the other's zone",
            design.service(a).name,
            zone_list(design, oa),
            design.service(b).name,
            zone_list(design, ob),
        ),
    ))
}

/// Checks the flows against the checked zones and services.
pub(crate) fn check(
    ctx: &mut Ctx,
    raw: &RawDesign,
    zones: &Zones,
    services: &Services,
    design: &ValidDesign,
) -> Vec<Flow> {
    let mut flows = Vec::new();
    let mut expansion = 0usize;
    for (i, f) in raw.flows.iter().enumerate() {
        let path = format!("flows[{i}]");
        let from = resolve(ctx, format!("{path}.from"), &f.from, zones, services);
        let to = resolve(ctx, format!("{path}.to"), &f.to, zones, services);
        let mut specs = Vec::new();
        let mut ports_ok = true;
        match &f.ports {
            None => specs.push(PortSpec::Any),
            Some(list) if list.is_empty() => {
                ports_ok = false;
                ctx.error(
                    Code::InvalidPort,
                    format!("{path}.ports"),
                    "the ports list is empty; list the ports the flow is for, or write [any]",
                );
            }
            Some(list) if list.len() > MAX_PORTS_PER_FLOW => {
                ports_ok = false;
                ctx.error(
                    Code::TooLarge,
                    format!("{path}.ports"),
                    format!(
                        "the flow lists {} ports, over the limit of {MAX_PORTS_PER_FLOW}; use ranges (tcp/8000-8100) or split the flow",
                        list.len()
                    ),
                );
            }
            Some(list) => {
                for (j, p) in list.iter().enumerate() {
                    match PortSpec::parse(p.as_str()) {
                        Ok(spec) => specs.push(spec),
                        Err(e) => {
                            ports_ok = false;
                            ctx.error(Code::InvalidPort, format!("{path}.ports[{j}]"), e);
                        }
                    }
                }
            }
        }
        if let Some(note) = &f.note
            && has_control(note)
        {
            ctx.error(
                Code::InvalidText,
                format!("{path}.note"),
                "the note holds control characters; write plain text",
            );
        }
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if from == to && matches!(from, Endpoint::Service(_)) {
            ctx.error(
                Code::FlowToSelf,
                path,
                format!("the flow goes from {} to itself; a service always reaches itself, remove the flow", f.from),
            );
            continue;
        }
        let sources = design.endpoint_services(from);
        let targets = design.endpoint_services(to);
        // Counted before the pairs are looked at, so the check itself stays bounded.
        expansion = expansion.saturating_add(
            sources
                .len()
                .saturating_mul(targets.len())
                .saturating_mul(specs.len().max(1)),
        );
        if expansion > MAX_FLOW_EXPANSION {
            ctx.error(
                Code::TooLarge,
                path,
                format!("with this flow the design's flows expand to more than {MAX_FLOW_EXPANSION} rules (each pair of services a flow joins, times its ports; a flow between zones joins every pair of their members); name services instead of zones, use port ranges, or split the design"),
            );
            // The flows after it are not looked at: the design is refused as it is.
            break;
        }
        let via_host = f.via == Some(Via::Host);
        let action = f.action.unwrap_or_default();
        if via_host && let Some(message) = published::via_host_flow_problem(design, action) {
            ctx.error(Code::FlowViaHost, format!("{path}.via"), message);
            continue;
        }
        let mut problems = sources
            .iter()
            .flat_map(|&a| targets.iter().map(move |&b| (a, b)))
            .filter(|(a, b)| a != b)
            .filter_map(|(a, b)| {
                if via_host {
                    published::via_host_pair_problem(design, a, b, &specs)
                } else {
                    pair_problem(design, a, b)
                }
            });
        if let Some((code, message)) = problems.next() {
            let more = problems.count();
            let suffix = if more > 0 {
                format!(" ({more} more pairs of this flow have the same problem)")
            } else {
                String::new()
            };
            ctx.error(code, path, format!("{message}{suffix}"));
            continue;
        }
        if !ports_ok {
            continue;
        }
        flows.push(Flow {
            index: i,
            from,
            to,
            port_set: PortSet::from_specs(&specs),
            ports: specs,
            action,
            log: f.log,
            note: f.note.clone(),
            via_host,
        });
    }
    flows
}
