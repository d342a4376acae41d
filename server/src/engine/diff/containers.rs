//! A container's part of the plan once it stays: how it differs from its spec (then it is
//! recreated), and the networks it must leave, join or rejoin.

use std::collections::BTreeSet;

use crate::engine::labels;
use crate::engine::live::{LiveContainer, normalise_caps};
use crate::engine::plan::{Action, ActionKind};
use crate::engine::spec::{ContainerNetwork, ContainerSpec};

/// Why a live container no longer matches its spec (empty when it does).
pub(super) fn differences(live: &LiveContainer, spec: &ContainerSpec) -> Vec<String> {
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
    let spec_mode = spec.network_mode.docker_mode();
    let spec_mode_kind = spec_mode.split(':').next().unwrap_or_default();
    let bridged = |m: &str| m != "none" && m != "host" && m != "container";
    if live_mode_kind != spec_mode_kind && !(bridged(live_mode_kind) && bridged(spec_mode_kind)) {
        diffs.push(format!(
            "network mode {} -> {}",
            live.network_mode, spec_mode
        ));
    }
    diffs
}

fn same_aliases(live: &[String], spec: &[String]) -> bool {
    let a: BTreeSet<&String> = live.iter().collect();
    let b: BTreeSet<&String> = spec.iter().collect();
    a == b
}

/// The endpoint changes of a container that stays: networks it leaves, joins or rejoins.
pub(super) fn endpoints(
    cs: &ContainerSpec,
    lc: &LiveContainer,
    fresh: &BTreeSet<String>,
    moves: &mut Vec<Action>,
) {
    let wanted: BTreeSet<&str> = cs.networks.iter().map(|e| e.network.as_str()).collect();
    if cs.network_mode == ContainerNetwork::Bridge {
        for ep in &lc.networks {
            if !wanted.contains(ep.network.as_str()) {
                moves.push(Action {
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
            _ if fresh.contains(&want.network) => {
                Some(format!("network {} is (re)created", want.network))
            }
            None => Some(format!("{} joins zone {}", cs.service, want.zone)),
            Some(ep) if ep.ipv4 != Some(want.ipv4) || !same_aliases(&ep.aliases, &want.aliases) => {
                moves.push(Action {
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
            moves.push(Action {
                target: cs.name.clone(),
                reason,
                kind: ActionKind::Connect {
                    container: cs.name.clone(),
                    endpoint: want.clone(),
                },
            });
        }
    }
}
