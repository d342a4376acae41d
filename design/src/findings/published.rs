//! Published ports reached through the host from zones of lower trust than the service's.

use crate::model::{FindingCode, ServiceId, ValidDesign};
use crate::raw::Trust;
use crate::reach::Reachability;

use super::Finding;

/// The highest trust among a service's zones (`None` when it joins none).
fn trust(design: &ValidDesign, s: ServiceId) -> Option<Trust> {
    let owner = design.namespace_owner(s);
    design
        .service(owner)
        .zones
        .iter()
        .map(|m| design.zone(m.zone).trust)
        .max()
}

/// One finding per published port that a service of lower trust reaches through the host.
pub(super) fn check(design: &ValidDesign, reach: &Reachability<'_>, out: &mut Vec<Finding>) {
    let ids: Vec<ServiceId> = (0..design.services.len())
        .map(|i| ServiceId(i as u32))
        .collect();
    for &b in &ids {
        let target = design.service(b);
        if target.ports.iter().all(|p| p.is_loopback()) {
            continue;
        }
        let Some(own) = trust(design, b) else {
            continue;
        };
        for (pi, port) in target.ports.iter().enumerate() {
            let lower: Vec<String> = ids
                .iter()
                .filter(|&&a| a != b)
                .filter_map(|&a| {
                    let theirs = trust(design, a).unwrap_or(Trust::Public);
                    (theirs < own && reach.host_paths(a, b).iter().any(|h| h.published == *port))
                        .then(|| format!("{} ({})", design.service(a).name, theirs.as_str()))
                })
                .collect();
            let Some(first) = lower.first() else {
                continue;
            };
            let others = match lower.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            out.push(Finding::new(
                FindingCode::PublishedViaHost,
                format!("services.{}.ports[{pi}]", target.name),
                format!(
                    "{} publishes {port} on {}, and {first}{others} reaches it through the host although {} is in a {} zone: any container with a route to the host reaches ports published there, whatever its zones. Set host.protect_published: true to close published ports to the zones (a flow via: host opens one where it must), or bind the port to 127.0.0.1",
                    target.name,
                    port.bind_address(),
                    target.name,
                    own.as_str()
                ),
            ));
        }
    }
}
