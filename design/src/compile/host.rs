//! The host policy's rules: what arrives from outside on the external interface (rate limits,
//! the allowed ports, a drop), and with `host.protect_host` what the zones may send to the
//! host itself.

use crate::model::{ValidDesign, Zone};

use super::names::limit_name;
use super::policy::{Limit, PortField, Rule, State, Verdict, push_drop};

/// The rules for new connections from the external interface into the zones that are not
/// internal (internal zones have no route in; Docker drops that traffic already).
pub(super) fn inbound(design: &ValidDesign, bridge_zones: &[&Zone], log_denied: bool) -> Vec<Rule> {
    let name = &design.name;
    let mut rules = Vec::new();
    // Validation refuses allow_inbound or rate_limit without an interface.
    if let Some(host) = &design.host
        && let Some(ext) = &host.external_interface
    {
        for zone in bridge_zones.iter().filter(|z| !z.internal) {
            let inbound = |verdict, text: String| {
                let mut r = Rule::new(verdict, text);
                r.in_iface = Some(ext.as_str().to_owned());
                r.out_iface = Some(zone.bridge.as_str().to_owned());
                r.state = State::New;
                r.port_field = PortField::OriginalDestination;
                r
            };
            for (i, rl) in host.rate_limits.iter().enumerate() {
                let bridge = zone.bridge.as_str();
                if let Some(max) = rl.max_connections {
                    let mut r = inbound(
                        Verdict::Drop,
                        format!(
                            "bulkhead {name} host rate_limit {} max_connections {max} zone {}",
                            rl.port, zone.name
                        ),
                    );
                    r.ports = rl.port.into();
                    r.limit = Some(Limit::Connections {
                        max,
                        name: limit_name(name, i * 2 + 1, bridge),
                    });
                    rules.push(r);
                }
                if let Some(rate) = rl.per_source {
                    let mut r = inbound(
                        Verdict::Drop,
                        format!(
                            "bulkhead {name} host rate_limit {} per_source {}/{} zone {}",
                            rl.port, rate.count, rate.unit, zone.name
                        ),
                    );
                    r.ports = rl.port.into();
                    r.limit = Some(Limit::Rate {
                        rate,
                        name: limit_name(name, i * 2, bridge),
                    });
                    rules.push(r);
                }
            }
            if let Some(allowed) = &host.allow_inbound {
                for spec in allowed {
                    let mut r = inbound(
                        Verdict::Return,
                        format!(
                            "bulkhead {name} host allow_inbound {spec} zone {}",
                            zone.name
                        ),
                    );
                    r.ports = (*spec).into();
                    rules.push(r);
                }
                let drop = inbound(
                    Verdict::Drop,
                    format!("bulkhead {name} host deny inbound zone {}", zone.name),
                );
                push_drop(&mut rules, drop, log_denied);
            }
        }
    }

    rules
}

/// The rules guarding the host from its zones, when the design asks for them.
pub(super) fn input(
    design: &ValidDesign,
    bridge_zones: &[&Zone],
    log_denied: bool,
) -> Option<Vec<Rule>> {
    let host = design.host.as_ref().filter(|h| h.protect_host)?;
    let name = &design.name;
    let mut rules = Vec::new();
    for zone in bridge_zones {
        let from_zone = |verdict, text: String| {
            let mut r = Rule::new(verdict, text);
            r.in_iface = Some(zone.bridge.as_str().to_owned());
            r
        };
        let mut replies = from_zone(
            Verdict::Return,
            format!("bulkhead {name} zone {} replies to the host", zone.name),
        );
        replies.state = State::Established;
        rules.push(replies);
        for spec in &host.host_ports {
            let mut r = from_zone(
                Verdict::Return,
                format!("bulkhead {name} host_ports {spec} zone {}", zone.name),
            );
            r.ports = (*spec).into();
            rules.push(r);
        }
        let drop = from_zone(
            Verdict::Drop,
            format!("bulkhead {name} protect_host zone {}", zone.name),
        );
        push_drop(&mut rules, drop, log_denied);
    }
    Some(rules)
}
