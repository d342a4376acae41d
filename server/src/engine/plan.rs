//! Plan: read the live engine and list what applying a design would change, each action
//! with its reason; objects with our names that we do not own are conflicts. Nothing is
//! changed here.

use std::collections::{BTreeMap, BTreeSet};

use design::ValidDesign;
use futures_util::future::try_join_all;
use serde::Serialize;

use super::error::EngineError;
use super::live::{LiveContainer, LiveNetwork, normalise_caps};
use super::spec::{self, ContainerSpec, EndpointSpec, NetworkSpec};
use super::{DockerEngine, labels};

/// One change to the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ActionKind {
    /// Create a zone's network.
    CreateNetwork { spec: NetworkSpec },
    /// Remove and create a network whose immutable options changed; the named containers
    /// are disconnected first and connected again afterwards.
    RecreateNetwork {
        spec: NetworkSpec,
        reconnect: Vec<String>,
    },
    /// Remove a network of this design whose zone is gone.
    RemoveNetwork { name: String },
    /// Create, connect and start a service's container.
    CreateContainer { spec: Box<ContainerSpec> },
    /// Remove a container and create it again.
    RecreateContainer { spec: Box<ContainerSpec> },
    /// Remove a container of this design whose service is gone.
    RemoveContainer { name: String },
    /// Connect a container to a network.
    Connect {
        container: String,
        endpoint: EndpointSpec,
    },
    /// Disconnect a container from a network.
    Disconnect { container: String, network: String },
    /// Start a stopped container.
    StartContainer { name: String },
}

/// An action with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// What.
    #[serde(flatten)]
    pub kind: ActionKind,
    /// The object it concerns.
    pub target: String,
    /// Why, in words.
    pub reason: String,
}

/// An object with one of our names that Bulkhead does not own: never touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// `network` or `container`.
    pub object: String,
    /// Its name.
    pub name: String,
    /// Why it is a conflict and what to do.
    pub reason: String,
}

/// What applying a design would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The design.
    pub design: String,
    /// The changes, in the order apply makes them (phases; see `apply`).
    pub actions: Vec<Action>,
    /// Objects in the way.
    pub conflicts: Vec<Conflict>,
    /// Notes that change nothing (e.g. `compose:` keys only the export carries).
    pub notes: Vec<String>,
}

impl Plan {
    /// True when applying would change nothing on the engine.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The plan as text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.actions.is_empty() {
            out.push_str(&format!("{}: nothing to change\n", self.design));
        } else {
            out.push_str(&format!(
                "{}: {} change(s)\n",
                self.design,
                self.actions.len()
            ));
            for a in &self.actions {
                out.push_str(&format!(
                    "  {:<19} {:<40} {}\n",
                    a.kind.verb(),
                    a.target,
                    a.reason
                ));
            }
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "  CONFLICT {} {}: {}\n",
                c.object, c.name, c.reason
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out
    }

    /// The plan as JSON: `{design, actions, conflicts, notes}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl ActionKind {
    /// A short verb for listings.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::CreateNetwork { .. } => "create network",
            Self::RecreateNetwork { .. } => "recreate network",
            Self::RemoveNetwork { .. } => "remove network",
            Self::CreateContainer { .. } => "create container",
            Self::RecreateContainer { .. } => "recreate container",
            Self::RemoveContainer { .. } => "remove container",
            Self::Connect { .. } => "connect",
            Self::Disconnect { .. } => "disconnect",
            Self::StartContainer { .. } => "start",
        }
    }
}

fn owned_by(labels: &BTreeMap<String, String>, design: &str) -> bool {
    labels.get(labels::DESIGN).map(String::as_str) == Some(design)
}

fn not_ours(object: &str, name: &str, design: &str, labels: &BTreeMap<String, String>) -> Conflict {
    let whose = match labels.get(labels::DESIGN) {
        Some(other) => format!("it belongs to Bulkhead design {other:?}"),
        None => "it was not created by Bulkhead (no io.bulkhead.design label)".to_owned(),
    };
    Conflict {
        object: object.into(),
        name: name.into(),
        reason: format!(
            "a {object} with the name design {design:?} needs exists, and {whose}; Bulkhead will not touch it: rename or remove it yourself, or rename the design"
        ),
    }
}

/// The differences between a live network and its spec, with Docker's defaults normalised.
fn network_differences(live: &LiveNetwork, spec: &NetworkSpec) -> Vec<String> {
    let mut diffs = Vec::new();
    if live.driver != spec.driver {
        diffs.push(format!("driver {} -> {}", live.driver, spec.driver));
    }
    if live.internal != spec.internal {
        diffs.push(format!("internal {} -> {}", live.internal, spec.internal));
    }
    if live.subnet.as_deref() != Some(spec.subnet.as_str()) {
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

/// Why a live container no longer matches its spec (empty when it does).
fn container_differences(live: &LiveContainer, spec: &ContainerSpec) -> Vec<String> {
    let mut diffs = Vec::new();
    if live.labels.get(labels::CONFIG_HASH) != spec.labels.get(labels::CONFIG_HASH) {
        diffs.push("its configuration in the design changed (image, command, hardening, ports, network mode or compose keys)".to_owned());
    }
    if live.image != spec.image {
        diffs.push(format!("image {} -> {}", live.image, spec.image));
    }
    if live.privileged != spec.privileged {
        diffs.push(format!(
            "privileged {} -> {}",
            live.privileged, spec.privileged
        ));
    }
    if live.read_only != spec.read_only {
        diffs.push(format!(
            "read_only {} -> {}",
            live.read_only, spec.read_only
        ));
    }
    if live.cap_add != normalise_caps(&spec.cap_add)
        || live.cap_drop != normalise_caps(&spec.cap_drop)
    {
        diffs.push("capabilities differ".to_owned());
    }
    let live_mode_kind = live.network_mode.split(':').next().unwrap_or_default();
    let spec_mode_kind = spec.network_mode.split(':').next().unwrap_or_default();
    let bridged = |m: &str| m != "none" && m != "host" && m != "container";
    if live_mode_kind != spec_mode_kind && !(bridged(live_mode_kind) && bridged(spec_mode_kind)) {
        diffs.push(format!(
            "network mode {} -> {}",
            live.network_mode, spec.network_mode
        ));
    }
    diffs
}

fn same_aliases(live: &[String], spec: &[String]) -> bool {
    let a: BTreeSet<&String> = live.iter().collect();
    let b: BTreeSet<&String> = spec.iter().collect();
    a == b
}

/// Reads the engine and lists what applying `design` would change.
pub async fn plan(design: &ValidDesign, engine: &DockerEngine) -> Result<Plan, EngineError> {
    let name = design.name.as_str();
    let network_specs = spec::network_specs(design);
    let container_specs = spec::container_specs(design);
    let live_networks = engine.networks().await?;
    let by_name: BTreeMap<&str, &LiveNetwork> =
        live_networks.iter().map(|n| (n.name.as_str(), n)).collect();

    let mut actions: Vec<Action> = Vec::new();
    let mut conflicts: Vec<Conflict> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // Networks that will be new (created or recreated): every member connects afresh.
    let mut fresh_networks: BTreeSet<String> = BTreeSet::new();
    let mut blocked_networks: BTreeSet<String> = BTreeSet::new();

    for ns in &network_specs {
        match by_name.get(ns.name.as_str()) {
            None => {
                for other in &live_networks {
                    let overlaps = other
                        .subnet
                        .as_deref()
                        .and_then(|s| s.parse::<ipnet::Ipv4Net>().ok())
                        .zip(ns.subnet.parse::<ipnet::Ipv4Net>().ok())
                        .is_some_and(|(a, b)| a.contains(&b.network()) || b.contains(&a.network()));
                    if overlaps && !owned_by(&other.labels, name) {
                        conflicts.push(Conflict {
                            object: "network".into(),
                            name: ns.name.clone(),
                            reason: format!(
                                "zone {} needs subnet {}, which overlaps network {} ({}) that Bulkhead does not own; change the zone's subnet",
                                ns.zone,
                                ns.subnet,
                                other.name,
                                other.subnet.as_deref().unwrap_or_default()
                            ),
                        });
                        blocked_networks.insert(ns.name.clone());
                    }
                }
                if !blocked_networks.contains(&ns.name) {
                    fresh_networks.insert(ns.name.clone());
                    actions.push(Action {
                        target: ns.name.clone(),
                        reason: format!("zone {} has no network yet", ns.zone),
                        kind: ActionKind::CreateNetwork { spec: ns.clone() },
                    });
                }
            }
            Some(live) if !owned_by(&live.labels, name) => {
                conflicts.push(not_ours("network", &ns.name, name, &live.labels));
                blocked_networks.insert(ns.name.clone());
            }
            Some(live) => {
                let diffs = network_differences(live, ns);
                if diffs.is_empty() {
                    continue;
                }
                let attached = engine
                    .network(&ns.name)
                    .await?
                    .map(|n| n.containers)
                    .unwrap_or_default();
                let mut reconnect = Vec::new();
                let mut foreign = Vec::new();
                for (c, _) in &attached {
                    let ours = engine
                        .container(c)
                        .await?
                        .is_some_and(|lc| owned_by(&lc.labels, name));
                    if ours {
                        reconnect.push(c.clone())
                    } else {
                        foreign.push(c.clone())
                    }
                }
                if !foreign.is_empty() {
                    conflicts.push(Conflict {
                        object: "network".into(),
                        name: ns.name.clone(),
                        reason: format!(
                            "it must be recreated ({}) but containers Bulkhead does not own are attached: {}; disconnect them first",
                            diffs.join(", "),
                            foreign.join(", ")
                        ),
                    });
                    blocked_networks.insert(ns.name.clone());
                    continue;
                }
                fresh_networks.insert(ns.name.clone());
                actions.push(Action {
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

    let lives: Vec<Option<LiveContainer>> =
        try_join_all(container_specs.iter().map(|cs| engine.container(&cs.name))).await?;
    let mut recreated: BTreeSet<String> = BTreeSet::new();
    let mut container_actions: Vec<Action> = Vec::new();
    let mut network_moves: Vec<Action> = Vec::new();
    let mut starts: Vec<Action> = Vec::new();
    for (cs, live) in container_specs.iter().zip(&lives) {
        if !cs.unapplied.is_empty() {
            notes.push(format!(
                "{}: compose keys {} are carried by the Compose export only; the engine API has no field for them",
                cs.service,
                cs.unapplied.join(", ")
            ));
        }
        if let Some(blocked) = cs
            .networks
            .iter()
            .find(|e| blocked_networks.contains(&e.network))
        {
            conflicts.push(Conflict {
                object: "container".into(),
                name: cs.name.clone(),
                reason: format!("it needs network {}, which is in conflict", blocked.network),
            });
            continue;
        }
        let owner_recreated = cs
            .network_mode
            .strip_prefix("container:")
            .is_some_and(|owner| recreated.contains(owner));
        match live {
            None => {
                recreated.insert(cs.name.clone());
                container_actions.push(Action {
                    target: cs.name.clone(),
                    reason: format!("service {} has no container yet", cs.service),
                    kind: ActionKind::CreateContainer {
                        spec: Box::new(cs.clone()),
                    },
                });
            }
            Some(lc) if !owned_by(&lc.labels, name) => {
                conflicts.push(not_ours("container", &cs.name, name, &lc.labels));
            }
            Some(lc) => {
                let mut diffs = container_differences(lc, cs);
                if owner_recreated {
                    diffs.push(
                        "the container whose network namespace it shares is recreated".into(),
                    );
                }
                if !diffs.is_empty() {
                    recreated.insert(cs.name.clone());
                    container_actions.push(Action {
                        target: cs.name.clone(),
                        reason: diffs.join("; "),
                        kind: ActionKind::RecreateContainer {
                            spec: Box::new(cs.clone()),
                        },
                    });
                    continue;
                }
                let wanted: BTreeSet<&str> =
                    cs.networks.iter().map(|e| e.network.as_str()).collect();
                if cs.network_mode == "bridge" {
                    for ep in &lc.networks {
                        if !wanted.contains(ep.network.as_str()) {
                            network_moves.push(Action {
                                target: cs.name.clone(),
                                reason: format!(
                                    "{} is not in a zone whose network is {}",
                                    cs.service, ep.network
                                ),
                                kind: ActionKind::Disconnect {
                                    container: cs.name.clone(),
                                    network: ep.network.clone(),
                                },
                            });
                        }
                    }
                }
                for want in &cs.networks {
                    let reason = match lc.endpoint(&want.network) {
                        _ if fresh_networks.contains(&want.network) => {
                            Some(format!("network {} is (re)created", want.network))
                        }
                        None => Some(format!("{} joins zone {}", cs.service, want.zone)),
                        Some(ep)
                            if ep.ipv4 != Some(want.ipv4)
                                || !same_aliases(&ep.aliases, &want.aliases) =>
                        {
                            network_moves.push(Action {
                                target: cs.name.clone(),
                                reason: format!(
                                    "address or aliases in {} changed ({} {:?} -> {} {:?})",
                                    want.zone,
                                    ep.ipv4.map(|a| a.to_string()).unwrap_or_default(),
                                    ep.aliases,
                                    want.ipv4,
                                    want.aliases
                                ),
                                kind: ActionKind::Disconnect {
                                    container: cs.name.clone(),
                                    network: want.network.clone(),
                                },
                            });
                            Some(format!("reconnect to {} as {}", want.network, want.ipv4))
                        }
                        Some(_) => None,
                    };
                    if let Some(reason) = reason {
                        network_moves.push(Action {
                            target: cs.name.clone(),
                            reason,
                            kind: ActionKind::Connect {
                                container: cs.name.clone(),
                                endpoint: want.clone(),
                            },
                        });
                    }
                }
                if !lc.running {
                    starts.push(Action {
                        target: cs.name.clone(),
                        reason: format!(
                            "it is {}",
                            if lc.state.is_empty() {
                                "not running"
                            } else {
                                &lc.state
                            }
                        ),
                        kind: ActionKind::StartContainer {
                            name: cs.name.clone(),
                        },
                    });
                }
            }
        }
    }

    // Objects of this design that the design no longer has.
    let wanted_containers: BTreeSet<&str> =
        container_specs.iter().map(|c| c.name.as_str()).collect();
    let mut removals = Vec::new();
    for stale in engine
        .container_names_with_label(&format!("{}={name}", labels::DESIGN))
        .await?
    {
        if wanted_containers.contains(stale.as_str()) {
            continue;
        }
        if engine
            .container(&stale)
            .await?
            .is_some_and(|c| c.labels.contains_key(labels::PROBE))
        {
            continue;
        }
        removals.push(Action {
            target: stale.clone(),
            reason: "its service is no longer in the design".into(),
            kind: ActionKind::RemoveContainer { name: stale },
        });
    }
    let wanted_networks: BTreeSet<&str> = network_specs.iter().map(|n| n.name.as_str()).collect();
    let mut network_removals = Vec::new();
    for live in &live_networks {
        if owned_by(&live.labels, name) && !wanted_networks.contains(live.name.as_str()) {
            network_removals.push(Action {
                target: live.name.clone(),
                reason: "its zone is no longer in the design".into(),
                kind: ActionKind::RemoveNetwork {
                    name: live.name.clone(),
                },
            });
        }
    }

    // Phase order: removals, disconnects, networks, containers, connects, starts.
    let (disconnects, connects): (Vec<Action>, Vec<Action>) = network_moves
        .into_iter()
        .partition(|a| matches!(a.kind, ActionKind::Disconnect { .. }));
    let mut ordered = removals;
    ordered.extend(disconnects);
    ordered.append(&mut actions);
    ordered.extend(network_removals);
    ordered.extend(container_actions);
    ordered.extend(connects);
    ordered.extend(starts);
    Ok(Plan {
        design: name.to_owned(),
        actions: ordered,
        conflicts,
        notes,
    })
}
