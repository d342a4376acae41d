//! The plan against the host's own network (on a local engine): interfaces, routes and
//! addresses the zones must not collide with, table-tested without an engine.

use std::collections::BTreeMap;

use super::diff;
use super::tests::specs;
use crate::engine::firewall::FirewallBackend;
use crate::engine::live::LiveNetwork;
use crate::engine::snapshot::Live;
use crate::engine::spec::Specs;

/// The host as `ip -j` prints it: eth0 on 192.168.7.0/24 with the default route, a VPN route
/// to 10.77.0.0/16, Docker's docker0 and a foreign bridge `lab-br`.
fn host() -> crate::engine::HostNet {
    let links = serde_json::json!([
        { "ifname": "lo" }, { "ifname": "eth0" }, { "ifname": "docker0" }, { "ifname": "lab-br" }
    ]);
    let routes = serde_json::json!([
        { "dst": "default", "gateway": "192.168.7.1", "dev": "eth0" },
        { "dst": "192.168.7.0/24", "dev": "eth0" },
        { "dst": "172.17.0.0/16", "dev": "docker0" },
        { "dst": "10.77.0.0/16", "dev": "wg0" },
        { "type": "local", "dst": "127.0.0.1", "dev": "lo", "table": "local" },
    ]);
    let addresses = serde_json::json!([
        { "ifname": "eth0", "addr_info": [{ "local": "192.168.7.5", "prefixlen": 24 }] },
        { "ifname": "docker0", "addr_info": [{ "local": "172.17.0.1", "prefixlen": 16 }] },
    ]);
    crate::engine::HostNet::parse(&links, &routes, &addresses)
}

/// On a local engine, plan refuses a zone whose subnet covers a route or an address of the
/// host, or whose bridge takes an interface's name; Docker's own networks are judged as
/// networks, and a design clear of the host plans as usual.
#[test]
fn zones_that_would_cut_the_host_off_are_conflicts() {
    let specs = specs();
    let mut live = Live {
        host: Some(host()),
        ..Live::default()
    };
    live.networks.insert(
        "bridge".into(),
        LiveNetwork {
            id: "f00".into(),
            name: "bridge".into(),
            driver: "bridge".into(),
            internal: false,
            subnet: Some("172.17.0.0/16".into()),
            gateway: None,
            options: BTreeMap::new(),
            labels: BTreeMap::new(),
            containers: Vec::new(),
        },
    );
    let plan = diff(&specs, &live);
    let reasons: Vec<&str> = plan
        .conflicts
        .iter()
        .filter(|c| c.object == "network")
        .map(|c| c.reason.as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
    assert!(
        reasons[0].contains("overlaps the host's route to 10.77.0.0/16 via wg0"),
        "{}",
        reasons[0]
    );
    assert!(
        plan.actions
            .iter()
            .all(|a| a.kind.verb() != "create network"),
        "{plan}"
    );

    let clear = |text: &str| {
        let raw = design::parse_document(text).unwrap();
        diff(
            &Specs::of(&design::check(&raw).unwrap(), FirewallBackend::Iptables),
            &live,
        )
    };
    let taken = clear(
        "bulkhead: 1\nname: lab\nzones:\n  a: { trust: internal, subnet: 10.99.1.0/24, bridge: lab-br }\n  b: { trust: internal, subnet: 10.99.2.0/24, bridge: docker0 }\n",
    );
    let reasons: Vec<&str> = taken.conflicts.iter().map(|c| c.reason.as_str()).collect();
    assert!(
        reasons[0].contains("interface of that name"),
        "{reasons:#?}"
    );
    assert!(
        reasons[1].contains("Docker network bridge uses"),
        "{reasons:#?}"
    );
    let lan = clear(
        "bulkhead: 1\nname: lab\nzones:\n  a: { trust: internal, subnet: 192.168.0.0/16, accept: [{code: wide-subnet, reason: test}] }\n",
    );
    assert!(
        lan.conflicts[0].reason.contains("192.168.7.0/24 via eth0"),
        "{lan}"
    );
    let fine =
        clear("bulkhead: 1\nname: lab\nzones:\n  a: { trust: internal, subnet: 10.99.1.0/24 }\n");
    assert!(fine.conflicts.is_empty(), "{fine}");
    assert_eq!(fine.actions.len(), 1);
}
