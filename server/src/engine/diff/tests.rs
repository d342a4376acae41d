//! The plan's comparison, table-tested without an engine: a snapshot that matches the design
//! exactly, then one change to it per case, and the actions and conflicts that follow.

use std::collections::{BTreeMap, BTreeSet};

use super::diff;
use crate::engine::firewall::FirewallBackend;
use crate::engine::labels;
use crate::engine::live::{LiveContainer, LiveEndpoint, LiveNetwork, normalise_caps};
use crate::engine::plan::{Phase, Plan};
use crate::engine::snapshot::Live;
use crate::engine::spec::Specs;

/// Zone `a` isolated, `b` open; `gw` joins both, `app` is in `a`, `side` shares `gw`'s
/// namespace.
const DESIGN: &str = "bulkhead: 1
name: lab
zones:
  a: { trust: internal, isolated: true, subnet: 10.77.1.0/24 }
  b: { trust: internal, subnet: 10.77.2.0/24 }
services:
  gw: { image: 'web:1', zones: [a, b] }
  app: { image: 'app:1', zones: { a: { aliases: [api] } } }
  side: { image: 'tool:1', network: 'container:gw' }
";

pub(super) fn specs() -> Specs {
    let raw = design::parse_document(DESIGN).unwrap();
    Specs::of(&design::check(&raw).unwrap(), FirewallBackend::Iptables)
}

/// The engine exactly as the design wants it.
fn matching(specs: &Specs) -> Live {
    let mut live = Live::default();
    for (i, ns) in specs.networks.iter().enumerate() {
        let containers = specs
            .containers
            .iter()
            .flat_map(|c| c.networks.iter().map(move |e| (c, e)))
            .filter(|(_, e)| e.network == ns.name)
            .map(|(c, e)| (c.name.clone(), Some(e.ipv4)))
            .collect();
        live.networks.insert(
            ns.name.clone(),
            LiveNetwork {
                id: format!("net{i}"),
                name: ns.name.clone(),
                driver: ns.driver.clone(),
                internal: ns.internal,
                subnet: Some(ns.subnet.to_string()),
                gateway: Some(ns.gateway.to_string()),
                options: ns.options.clone(),
                labels: ns.labels.clone(),
                containers,
            },
        );
    }
    for (i, cs) in specs.containers.iter().enumerate() {
        live.labelled.insert(cs.name.clone());
        live.containers.insert(
            cs.name.clone(),
            LiveContainer {
                id: format!("c{i}"),
                name: cs.name.clone(),
                image: cs.image.clone(),
                running: true,
                state: "running".into(),
                labels: cs.labels.clone(),
                network_mode: cs
                    .networks
                    .first()
                    .map_or_else(|| cs.network_mode.docker_mode(), |e| e.network.clone()),
                networks: cs
                    .networks
                    .iter()
                    .map(|e| LiveEndpoint {
                        network: e.network.clone(),
                        ipv4: Some(e.ipv4),
                        pinned: None,
                        aliases: e.aliases.clone(),
                    })
                    .collect(),
                privileged: cs.privileged,
                read_only: cs.read_only,
                cap_add: normalise_caps(&cs.cap_add),
                cap_drop: normalise_caps(&cs.cap_drop),
                user: cs.user.clone(),
                ports: Vec::new(),
            },
        );
    }
    live
}

fn foreign(name: &str) -> LiveContainer {
    LiveContainer {
        id: "other".into(),
        name: name.into(),
        image: "other:1".into(),
        running: true,
        state: "running".into(),
        labels: BTreeMap::new(),
        network_mode: "bridge".into(),
        networks: Vec::new(),
        privileged: false,
        read_only: false,
        cap_add: Vec::new(),
        cap_drop: Vec::new(),
        user: None,
        ports: Vec::new(),
    }
}

fn lines(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .map(|a| format!("{} {}", a.kind.verb(), a.target))
        .collect()
}

type Change = fn(&mut Live);

/// Each case: what differs on the engine, the actions in order, and the conflicting objects.
#[test]
fn each_difference_gives_its_actions() {
    let cases: Vec<(&str, Change, Vec<&str>, Vec<&str>)> = vec![
        ("an engine that matches", |_| {}, vec![], vec![]),
        (
            "an empty engine: networks, then containers, the namespace sharer last",
            |live| *live = Live::default(),
            vec![
                "create network lab_a",
                "create network lab_b",
                "create container lab-gw-1",
                "create container lab-app-1",
                "create container lab-side-1",
            ],
            vec![],
        ),
        (
            "a stopped container is started",
            |live| {
                let c = live.containers.get_mut("lab-app-1").unwrap();
                c.running = false;
                c.state = "exited".into();
            },
            vec!["start lab-app-1"],
            vec![],
        ),
        (
            "a container that left a zone rejoins it",
            |live| {
                let c = live.containers.get_mut("lab-gw-1").unwrap();
                c.networks.retain(|e| e.network != "lab_b");
            },
            vec!["connect lab-gw-1"],
            vec![],
        ),
        (
            "a container on a network of another zone leaves it",
            |live| {
                let c = live.containers.get_mut("lab-app-1").unwrap();
                c.networks.push(LiveEndpoint {
                    network: "lab_b".into(),
                    ipv4: None,
                    pinned: None,
                    aliases: Vec::new(),
                });
            },
            vec!["disconnect lab-app-1"],
            vec![],
        ),
        (
            "changed aliases: disconnect and connect again",
            |live| {
                let c = live.containers.get_mut("lab-app-1").unwrap();
                c.networks[0].aliases = vec!["app".into()];
            },
            vec!["disconnect lab-app-1", "connect lab-app-1"],
            vec![],
        ),
        (
            "a changed configuration recreates the container and its namespace sharer",
            |live| {
                let c = live.containers.get_mut("lab-gw-1").unwrap();
                c.labels.insert(labels::CONFIG_HASH.into(), "stale".into());
            },
            vec![
                "recreate container lab-gw-1",
                "recreate container lab-side-1",
            ],
            vec![],
        ),
        (
            "a network whose options changed is recreated; its members connect again",
            |live| {
                let n = live.networks.get_mut("lab_a").unwrap();
                n.options.remove("com.docker.network.bridge.enable_icc");
            },
            vec![
                "recreate network lab_a",
                "connect lab-gw-1",
                "connect lab-app-1",
            ],
            vec![],
        ),
        (
            "a network to recreate with a foreign container attached is a conflict",
            |live| {
                let n = live.networks.get_mut("lab_a").unwrap();
                n.internal = true;
                n.containers.push(("intruder".into(), None));
                live.containers
                    .insert("intruder".into(), foreign("intruder"));
            },
            vec![],
            vec!["lab_a", "lab-gw-1", "lab-app-1"],
        ),
        (
            "a network with our name but not ours is a conflict, and so are its containers",
            |live| {
                let n = live.networks.get_mut("lab_b").unwrap();
                n.labels.clear();
            },
            vec![],
            vec!["lab_b", "lab-gw-1"],
        ),
        (
            "a missing network whose subnet overlaps a foreign one is a conflict",
            |live| {
                let mut n = live.networks.remove("lab_b").unwrap();
                n.name = "someone-elses".into();
                n.labels.clear();
                live.networks.insert(n.name.clone(), n);
            },
            vec![],
            vec!["lab_b", "lab-gw-1"],
        ),
        (
            "a container with our name but not ours is a conflict",
            |live| {
                live.containers
                    .insert("lab-app-1".into(), foreign("lab-app-1"));
            },
            vec![],
            vec!["lab-app-1"],
        ),
        (
            "a container and a network of the design that it no longer has are removed; probes stay",
            |live| {
                let mut old = live.containers["lab-app-1"].clone();
                old.name = "lab-old-1".into();
                live.labelled.insert("lab-old-1".into());
                live.containers.insert("lab-old-1".into(), old);
                let mut probe = live.containers["lab-app-1"].clone();
                probe.name = "lab-probe".into();
                probe.labels.insert(labels::PROBE.into(), "1".into());
                live.labelled.insert("lab-probe".into());
                live.containers.insert("lab-probe".into(), probe);
                let mut net = live.networks["lab_b"].clone();
                net.name = "lab_gone".into();
                net.subnet = Some("10.77.9.0/24".into());
                live.networks.insert("lab_gone".into(), net);
            },
            vec!["remove container lab-old-1", "remove network lab_gone"],
            vec![],
        ),
    ];
    let specs = specs();
    for (what, change, actions, conflicts) in cases {
        let mut live = matching(&specs);
        change(&mut live);
        let plan = diff(&specs, &live);
        assert_eq!(lines(&plan), actions, "{what}:\n{}", plan);
        let in_conflict: Vec<&str> = plan.conflicts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(in_conflict, conflicts, "{what}:\n{}", plan);
        let phases: Vec<Phase> = plan.actions.iter().map(|a| a.kind.phase()).collect();
        assert!(phases.is_sorted(), "{what}: {phases:?}");
        assert_eq!(plan.fingerprint, live.fingerprint(), "{what}");
    }
}

/// The fingerprint is the same for the same engine state and changes with anything a plan
/// depends on.
#[test]
fn fingerprint_follows_the_engine() {
    let specs = specs();
    let live = matching(&specs);
    assert_eq!(live.fingerprint(), matching(&specs).fingerprint());
    assert_eq!(live.fingerprint().len(), 64);
    let changes: [Change; 4] = [
        |l| l.containers.get_mut("lab-app-1").unwrap().running = false,
        |l| l.containers.get_mut("lab-gw-1").unwrap().id = "recreated".into(),
        |l| {
            l.networks.get_mut("lab_a").unwrap().containers.pop();
        },
        |l| {
            l.labelled.insert("lab-extra-1".into());
        },
    ];
    let mut seen = BTreeSet::from([live.fingerprint()]);
    for change in changes {
        let mut other = matching(&specs);
        change(&mut other);
        assert!(
            seen.insert(other.fingerprint()),
            "a change kept the fingerprint"
        );
    }
}
