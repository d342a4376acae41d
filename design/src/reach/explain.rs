//! One pair's answer in full: ports, zones, and the reasons in words.

use serde::Serialize;

use crate::model::{PortSet, ServiceId, ZoneId};

use super::analysis::{Reachability, Verdict};
use super::host_path::HostPath;

/// What one zone contributes to a pair: the ports open through it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneReach {
    /// The zone's name.
    pub zone: String,
    /// Ports reachable through this zone (empty when denied there).
    pub ports: PortSet,
    /// Why, in words.
    pub why: String,
}

/// Whether `from` can open a connection to `to`, on which ports, through which zones, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairReach {
    /// Source service.
    pub from: String,
    /// Target service.
    pub to: String,
    /// True when some connection is possible, at the target's addresses or through the host.
    pub allowed: bool,
    /// The ports reachable at the target's own addresses (`["any"]`, or specs; empty when
    /// denied there).
    pub ports: PortSet,
    /// The zones through which it is allowed.
    pub zones: Vec<String>,
    /// Why, in one sentence.
    pub why: String,
    /// Each shared zone's part (a pair sharing two zones may be allowed in one only).
    pub per_zone: Vec<ZoneReach>,
    /// The target's published ports the source reaches through the host, whatever the
    /// zones say.
    pub via_host: Vec<HostPath>,
}

fn flow_refs(r: &Reachability<'_>, flows: &[u32]) -> String {
    let refs: Vec<String> = flows
        .iter()
        .map(|&f| {
            let flow = &r.design.flows[f as usize];
            format!("flows[{}] ({})", flow.index, flow.port_set)
        })
        .collect();
    refs.join(", ")
}

impl Reachability<'_> {
    /// The full answer for one ordered pair, with explanations.
    pub fn pair(&self, from: ServiceId, to: ServiceId) -> PairReach {
        let d = self.design;
        let (a, b) = (from.index(), to.index());
        let (an, bn) = (d.service(from).name.as_str(), d.service(to).name.as_str());
        let verdict = self.verdict(from, to);
        let ports = self.ports(from, to);
        let allowed = self.allowed_directly(from, to);
        let shared: Vec<usize> = self.zones[a].common(&self.zones[b]);
        let zone_name = |z: usize| d.zone(ZoneId(z as u32)).name.as_str().to_owned();
        let mut per_zone = Vec::new();
        let why = match verdict {
            Verdict::Itself => format!("allowed: {an} is itself"),
            Verdict::SameNamespace => {
                let owner = d.service(ServiceId(self.owner[a])).name.as_str();
                format!(
                    "allowed: {an} and {bn} share {owner}'s network namespace (container:{owner})"
                )
            }
            Verdict::Closed => {
                let closed = if d.service(ServiceId(self.owner[a])).network
                    == crate::model::NetworkMode::Closed
                {
                    an
                } else {
                    bn
                };
                format!("denied: {closed} has no network (network: closed)")
            }
            Verdict::FromHost => {
                format!("allowed: {an} uses the host network, which bypasses every zone")
            }
            Verdict::ToHost => format!(
                "allowed: {bn} uses the host network; {an} reaches the host through its zone's gateway"
            ),
            Verdict::ToHostProtected if allowed => format!(
                "allowed on {ports} only: {bn} uses the host network, and host.protect_host lets {an}'s zones reach the host on host.host_ports alone"
            ),
            Verdict::ToHostProtected => format!(
                "denied: {bn} uses the host network, and host.protect_host drops what {an}'s zones send to the host (host.host_ports lists nothing)"
            ),
            Verdict::ToHostNoRoute => format!(
                "denied: {bn} uses the host network and {an} is only in internal zones, which have no route to the host"
            ),
            Verdict::DefaultBridge => format!(
                "allowed: {an} and {bn} join no zone, so both land on Docker's default bridge"
            ),
            Verdict::NoSharedZone => {
                let list = |s: usize| {
                    let names: Vec<String> = (0..d.zones.len())
                        .filter(|&z| self.zones[s].contains(z))
                        .map(zone_name)
                        .collect();
                    if names.is_empty() {
                        "no zone".to_owned()
                    } else {
                        names.join(", ")
                    }
                };
                format!(
                    "denied: {an} and {bn} share no zone ({an}: {}; {bn}: {})",
                    list(a),
                    list(b)
                )
            }
            Verdict::Open | Verdict::IsolatedNoFlow | Verdict::Flows(_) => {
                let pf = self.pair_flows(self.owner[a], self.owner[b]);
                let (allow, deny) = pf.map_or((&[][..], &[][..]), |p| (&p.allow[..], &p.deny[..]));
                let denied = self.union(deny);
                let allowed_ports = self.union(allow);
                for &z in &shared {
                    let zname = zone_name(z);
                    let (zports, zwhy) = if self.isolated.contains(z) {
                        let p = allowed_ports.difference(&denied);
                        let why = if allow.is_empty() {
                            format!("denied: {zname} is isolated and no flow allows {an} -> {bn}")
                        } else if p.is_empty() {
                            format!(
                                "denied: {zname} is isolated; {} allow(s) it but {} deny it",
                                flow_refs(self, allow),
                                flow_refs(self, deny)
                            )
                        } else if deny.is_empty() {
                            format!(
                                "allowed: {zname} is isolated and {} allows {an} -> {bn}",
                                flow_refs(self, allow)
                            )
                        } else {
                            format!(
                                "allowed: {zname} is isolated and {} allows {an} -> {bn}, less what {} denies",
                                flow_refs(self, allow),
                                flow_refs(self, deny)
                            )
                        };
                        (p, why)
                    } else {
                        let p = PortSet::any().difference(&denied);
                        let why = if deny.is_empty() {
                            format!("allowed: {an} and {bn} share {zname}, which is not isolated")
                        } else if p.is_empty() {
                            format!(
                                "denied: {an} and {bn} share {zname}, but {} denies every port",
                                flow_refs(self, deny)
                            )
                        } else {
                            format!(
                                "allowed: {an} and {bn} share {zname}, which is not isolated, except what {} denies",
                                flow_refs(self, deny)
                            )
                        };
                        (p, why)
                    };
                    let (zports, zwhy) = if self.observed.contains(z) && !zports.is_any() {
                        let would = if zports.is_empty() {
                            "every port".to_owned()
                        } else {
                            format!("every port but {zports}")
                        };
                        let enforced = zwhy
                            .trim_start_matches("allowed: ")
                            .trim_start_matches("denied: ");
                        (
                            PortSet::any(),
                            format!(
                                "allowed: {zname} is in observe mode: enforced, {would} would be dropped ({enforced}); it is logged and counted instead"
                            ),
                        )
                    } else {
                        (zports, zwhy)
                    };
                    per_zone.push(ZoneReach {
                        zone: zname,
                        ports: zports,
                        why: zwhy,
                    });
                }
                let allowed_zones: Vec<&ZoneReach> =
                    per_zone.iter().filter(|z| !z.ports.is_empty()).collect();
                match allowed_zones.as_slice() {
                    [] => per_zone.first().map(|z| z.why.clone()).unwrap_or_default(),
                    [one] => one.why.clone(),
                    many => {
                        let whys: Vec<&str> = many
                            .iter()
                            .map(|z| z.why.trim_start_matches("allowed: "))
                            .collect();
                        format!("allowed: {}", whys.join("; and "))
                    }
                }
            }
        };
        let via_host = self.host_paths(from, to);
        let why = match via_host.first() {
            None => why,
            Some(path) if allowed => format!("{why}; and {}", path.why),
            Some(path) => format!(
                "allowed {}; at its own addresses {}",
                path.why,
                why.trim_start_matches("denied: ")
            ),
        };
        let zones = per_zone
            .iter()
            .filter(|z| !z.ports.is_empty())
            .map(|z| z.zone.clone())
            .collect();
        PairReach {
            from: an.to_owned(),
            to: bn.to_owned(),
            allowed: allowed || !via_host.is_empty(),
            ports,
            zones,
            why,
            per_zone,
            via_host,
        }
    }

    /// Explains whether service `from` reaches service `to`, by name; `None` when either
    /// name is not a service of the design.
    pub fn explain(&self, from: &str, to: &str) -> Option<PairReach> {
        Some(self.pair(self.design.service_id(from)?, self.design.service_id(to)?))
    }
}
