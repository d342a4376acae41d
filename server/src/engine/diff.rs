//! The plan as a pure function: what the engine holds ([`Live`]) against what the design
//! wants ([`Specs`]), with Docker's defaults normalised, each change with its reason. Objects
//! with the design's names that it does not own are conflicts and are never touched.

mod containers;
mod networks;

use std::collections::{BTreeMap, BTreeSet};

use super::labels;
use super::plan::{Action, ActionKind, Conflict, Plan};
use super::snapshot::Live;
use super::spec::{ContainerNetwork, Specs};

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

/// What applying `specs` to the engine `live` would change, in the order apply makes the
/// changes (by [`super::Phase`]). `fingerprint` is the snapshot's, kept in the plan.
pub fn diff(specs: &Specs, live: &Live) -> Plan {
    let design = specs.design.as_str();
    let mut conflicts: Vec<Conflict> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let nets = networks::plan(specs, live, &mut conflicts);

    let mut recreated: BTreeSet<String> = BTreeSet::new();
    let mut container_actions: Vec<Action> = Vec::new();
    let mut moves: Vec<Action> = Vec::new();
    let mut starts: Vec<Action> = Vec::new();
    for cs in &specs.containers {
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
            .find(|e| nets.blocked.contains(&e.network))
        {
            conflicts.push(Conflict {
                object: "container".into(),
                name: cs.name.clone(),
                reason: format!("it needs network {}, which is in conflict", blocked.network),
            });
            continue;
        }
        let owner_recreated = matches!(&cs.network_mode,
            ContainerNetwork::Container(owner) if recreated.contains(owner));
        match live.containers.get(&cs.name) {
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
            Some(lc) if !owned_by(&lc.labels, design) => {
                conflicts.push(not_ours("container", &cs.name, design, &lc.labels));
            }
            Some(lc) => {
                let mut diffs = containers::differences(lc, cs);
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
                containers::endpoints(cs, lc, &nets.fresh, &mut moves);
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

    // Objects of this design that the design no longer has (verify's probes are its own).
    let wanted: BTreeSet<&str> = specs.containers.iter().map(|c| c.name.as_str()).collect();
    let removals = live
        .labelled
        .iter()
        .filter(|name| !wanted.contains(name.as_str()))
        .filter(|name| {
            !live
                .containers
                .get(*name)
                .is_some_and(|c| c.labels.contains_key(labels::PROBE))
        })
        .map(|name| Action {
            target: name.clone(),
            reason: "its service is no longer in the design".into(),
            kind: ActionKind::RemoveContainer { name: name.clone() },
        });
    let wanted_networks: BTreeSet<&str> = specs.networks.iter().map(|n| n.name.as_str()).collect();
    let network_removals = live
        .networks
        .values()
        .filter(|n| owned_by(&n.labels, design) && !wanted_networks.contains(n.name.as_str()))
        .map(|n| Action {
            target: n.name.clone(),
            reason: "its zone is no longer in the design".into(),
            kind: ActionKind::RemoveNetwork {
                name: n.name.clone(),
            },
        });

    let (disconnects, connects): (Vec<Action>, Vec<Action>) = moves
        .into_iter()
        .partition(|a| matches!(a.kind, ActionKind::Disconnect { .. }));
    let mut actions: Vec<Action> = removals
        .chain(disconnects)
        .chain(nets.actions)
        .chain(network_removals)
        .chain(container_actions)
        .chain(connects)
        .chain(starts)
        .collect();
    // Already in phase order; the sort is stable, so this only guards the invariant.
    actions.sort_by_key(|a| a.kind.phase());
    Plan {
        design: design.to_owned(),
        fingerprint: live.fingerprint(),
        actions,
        conflicts,
        notes,
    }
}

#[cfg(test)]
mod host_tests;
#[cfg(test)]
mod tests;
