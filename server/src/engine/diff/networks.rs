//! The networks' part of the plan: create what is missing, recreate what changed (when
//! nothing foreign is attached), and refuse what is not ours.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::Ipv4Net;

use super::{not_ours, owned_by};
use crate::engine::live::LiveNetwork;
use crate::engine::plan::{Action, ActionKind, Conflict};
use crate::engine::snapshot::Live;
use crate::engine::spec::{NetworkSpec, Specs};

/// The differences between a live network and its spec, with Docker's defaults normalised.
fn differences(live: &LiveNetwork, spec: &NetworkSpec) -> Vec<String> {
    let mut diffs = Vec::new();
    if live.driver != spec.driver {
        diffs.push(format!("driver {} -> {}", live.driver, spec.driver));
    }
    if live.internal != spec.internal {
        diffs.push(format!("internal {} -> {}", live.internal, spec.internal));
    }
    if live
        .subnet
        .as_deref()
        .and_then(|s| s.parse::<Ipv4Net>().ok())
        != Some(spec.subnet)
    {
        diffs.push(format!(
            "subnet {} -> {}",
            live.subnet.as_deref().unwrap_or("none"),
            spec.subnet
        ));
    }
    let gateway = spec.gateway.to_string();
    if live.gateway.as_deref().is_some_and(|g| g != gateway) {
        diffs.push(format!(
            "gateway {} -> {gateway}",
            live.gateway.as_deref().unwrap_or("none")
        ));
    }
    // ICC on is Docker's default whether written or not.
    let norm = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.iter()
            .filter(|(k, v)| {
                !(k.as_str() == "com.docker.network.bridge.enable_icc" && v.as_str() == "true")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    if norm(&live.options) != norm(&spec.options) {
        diffs.push(format!("options {:?} -> {:?}", live.options, spec.options));
    }
    if live.labels != spec.labels {
        diffs.push("labels differ".to_owned());
    }
    diffs
}

const BRIDGE_OPTION: &str = "com.docker.network.bridge.name";

/// The Linux bridge of every Docker bridge network, with the network's name: the bridge
/// named in its options, `docker0` for Docker's default, else `br-` and its id's first 12
/// hex digits.
fn docker_bridges(live: &Live) -> BTreeMap<String, String> {
    live.networks
        .values()
        .filter(|n| n.driver == "bridge")
        .map(|n| {
            let bridge = match n.options.get(BRIDGE_OPTION) {
                Some(b) => b.clone(),
                None if n.name == "bridge" => "docker0".to_owned(),
                None => format!("br-{}", n.id.get(..12).unwrap_or(&n.id)),
            };
            (bridge, n.name.clone())
        })
        .collect()
}

/// Why creating network `ns` would harm the host: its bridge name taken by an interface that
/// is not its own, or its subnet covering a route or an address of the host outside Docker's
/// networks (whose overlaps are reported with the networks).
fn host_conflict(ns: &NetworkSpec, live: &Live) -> Option<String> {
    let host = live.host.as_ref()?;
    let bridges = docker_bridges(live);
    if let Some(bridge) = ns.options.get(BRIDGE_OPTION) {
        match bridges.get(bridge) {
            Some(owner) if owner != &ns.name => {
                return Some(format!(
                    "zone {} needs bridge {bridge}, which Docker network {owner} uses; choose another bridge name for the zone",
                    ns.zone
                ));
            }
            None if host.interfaces.contains(bridge) => {
                return Some(format!(
                    "zone {} needs bridge {bridge}, but the host already has an interface of that name that is not a Docker network's; choose another bridge name for the zone",
                    ns.zone
                ));
            }
            _ => {}
        }
    }
    let outside_docker = |device: &str| !bridges.contains_key(device);
    if let Some(route) = host.routes.iter().find(|r| {
        outside_docker(&r.device)
            && (r.destination.contains(&ns.subnet.network())
                || ns.subnet.contains(&r.destination.network()))
    }) {
        return Some(format!(
            "zone {} needs subnet {}, which overlaps the host's route to {} via {}: creating it would cut the host off that network; change the zone's subnet",
            ns.zone, ns.subnet, route.destination, route.device
        ));
    }
    host.addresses
        .iter()
        .find(|a| outside_docker(&a.device) && ns.subnet.contains(&a.address))
        .map(|a| {
            format!(
                "zone {} needs subnet {}, which holds the host's own address {} on {}; change the zone's subnet",
                ns.zone, ns.subnet, a.address, a.device
            )
        })
}

/// What the networks need, and which of them are new (every member connects afresh) or in
/// conflict (their containers are left alone).
pub(super) struct NetworkPlan {
    pub(super) actions: Vec<Action>,
    pub(super) fresh: BTreeSet<String>,
    pub(super) blocked: BTreeSet<String>,
}

impl NetworkPlan {
    /// Network `ns` will not be touched, for `reason`; its containers wait for it.
    fn refuse(&mut self, conflicts: &mut Vec<Conflict>, ns: &NetworkSpec, reason: String) {
        conflicts.push(Conflict {
            object: "network".into(),
            name: ns.name.clone(),
            reason,
        });
        self.blocked.insert(ns.name.clone());
    }
}

pub(super) fn plan(specs: &Specs, live: &Live, conflicts: &mut Vec<Conflict>) -> NetworkPlan {
    let design = specs.design.as_str();
    let mut out = NetworkPlan {
        actions: Vec::new(),
        fresh: BTreeSet::new(),
        blocked: BTreeSet::new(),
    };
    for ns in &specs.networks {
        match live.networks.get(&ns.name) {
            None => {
                for other in live.networks.values() {
                    let overlaps = other
                        .subnet
                        .as_deref()
                        .and_then(|s| s.parse::<Ipv4Net>().ok())
                        .is_some_and(|a| {
                            a.contains(&ns.subnet.network()) || ns.subnet.contains(&a.network())
                        });
                    if overlaps && !owned_by(&other.labels, design) {
                        let reason = format!(
                            "zone {} needs subnet {}, which overlaps network {} ({}) that Bulkhead does not own; change the zone's subnet",
                            ns.zone,
                            ns.subnet,
                            other.name,
                            other.subnet.as_deref().unwrap_or_default()
                        );
                        out.refuse(conflicts, ns, reason);
                    }
                }
                if let Some(reason) = host_conflict(ns, live) {
                    out.refuse(conflicts, ns, reason);
                }
                if !out.blocked.contains(&ns.name) {
                    out.fresh.insert(ns.name.clone());
                    out.actions.push(Action {
                        target: ns.name.clone(),
                        reason: format!("zone {} has no network yet", ns.zone),
                        kind: ActionKind::CreateNetwork { spec: ns.clone() },
                    });
                }
            }
            Some(network) if !owned_by(&network.labels, design) => {
                conflicts.push(not_ours("network", &ns.name, design, &network.labels));
                out.blocked.insert(ns.name.clone());
            }
            Some(network) => {
                let diffs = differences(network, ns);
                if diffs.is_empty() {
                    continue;
                }
                let (reconnect, foreign): (Vec<String>, Vec<String>) = network
                    .containers
                    .iter()
                    .map(|(c, _)| c.clone())
                    .partition(|c| {
                        live.containers
                            .get(c)
                            .is_some_and(|lc| owned_by(&lc.labels, design))
                    });
                if !foreign.is_empty() {
                    let reason = format!(
                        "it must be recreated ({}) but containers Bulkhead does not own are attached: {}; disconnect them first",
                        diffs.join(", "),
                        foreign.join(", ")
                    );
                    out.refuse(conflicts, ns, reason);
                    continue;
                }
                if let Some(reason) = host_conflict(ns, live) {
                    out.refuse(conflicts, ns, reason);
                    continue;
                }
                out.fresh.insert(ns.name.clone());
                out.actions.push(Action {
                    target: ns.name.clone(),
                    reason: format!(
                        "immutable options changed: {}{}",
                        diffs.join(", "),
                        if reconnect.is_empty() {
                            String::new()
                        } else {
                            format!("; disconnects and reconnects {}", reconnect.join(", "))
                        }
                    ),
                    kind: ActionKind::RecreateNetwork {
                        spec: ns.clone(),
                        reconnect,
                    },
                });
            }
        }
    }
    out
}
