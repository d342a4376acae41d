//! The designs the benches measure, shared by `analysis.rs` and `compile.rs`.

use std::fmt::Write;

use design::limits::{MAX_FLOW_EXPANSION, MAX_FLOWS, MAX_SERVICES, MAX_ZONES};

/// The zones a service joins: zone `s % zones`, and every third service also the next one
/// (a gateway).
fn member(s: usize, zones: usize) -> Vec<usize> {
    let z = s % zones;
    if s.is_multiple_of(3) {
        vec![z, (z + 1) % zones]
    } else {
        vec![z]
    }
}

/// A design named `name` up to its `flows:` key: `zones` zones (every fourth isolated) and
/// `services` services placed by [`member`].
fn skeleton(name: &str, services: usize, zones: usize) -> String {
    let mut y = format!(
        "bulkhead: 1\nname: {name}\ndefaults:\n  subnet_pool: 10.0.0.0/8\n  hardening: {{ cap_drop: [ALL], read_only: true, no_new_privileges: true, memory: 256m, pids_limit: 100 }}\nzones:\n",
    );
    for z in 0..zones {
        let _ = writeln!(
            y,
            "  zone-{z}: {{ trust: internal, isolated: {} }}",
            z % 4 == 0
        );
    }
    y.push_str("services:\n");
    for s in 0..services {
        let zs: Vec<String> = member(s, zones)
            .iter()
            .map(|z| format!("zone-{z}"))
            .collect();
        let _ = writeln!(
            y,
            "  svc-{s}: {{ image: example/app:1, zones: [{}] }}",
            zs.join(", ")
        );
    }
    y.push_str("flows:\n");
    y
}

const HOST: &str =
    "host: { external_interface: eth0, allow_inbound: [tcp/443], log_denied: true }\n";

/// A synthetic design: `services` services over `zones` zones, and `flows` flows between
/// services that share a zone.
pub fn synthetic(services: usize, zones: usize, flows: usize) -> String {
    let mut y = skeleton("bench", services, zones);
    let shares = |a: usize, b: usize| {
        member(a, zones)
            .iter()
            .any(|z| member(b, zones).contains(z))
    };
    let (mut made, mut i) = (0, 0);
    while made < flows {
        let a = i % services;
        let b = (a + zones * (1 + i / services)) % services;
        i += 1;
        if a == b || !shares(a, b) {
            continue;
        }
        let _ = writeln!(
            y,
            "  - {{ from: svc-{a}, to: svc-{b}, ports: [tcp/{}] }}",
            1000 + made % 5000
        );
        made += 1;
    }
    y.push_str(HOST);
    y
}

/// The heaviest design the limits let through: every limit at its maximum or just under it.
/// 256 zones, 2,000 services, and 5,000 flows: flows from each isolated zone to itself
/// (every pair of its members) until the expansion limit is nearly reached, then flows
/// between single services.
pub fn worst_legal() -> String {
    let (zones, services) = (MAX_ZONES, MAX_SERVICES);
    let mut y = skeleton("worst", services, zones);
    let mut members = vec![0usize; zones];
    for s in 0..services {
        for z in member(s, zones) {
            members[z] += 1;
        }
    }
    let isolated: Vec<usize> = (0..zones).filter(|z| z % 4 == 0).collect();
    let (mut flows, mut expansion) = (0, 0);
    for round in 0.. {
        let z = isolated[round % isolated.len()];
        let pairs = members[z] * members[z];
        if expansion + pairs > MAX_FLOW_EXPANSION - (MAX_FLOWS / 2) || flows == MAX_FLOWS / 2 {
            break;
        }
        let _ = writeln!(
            y,
            "  - {{ from: zone-{z}, to: zone-{z}, ports: [tcp/{}] }}",
            1000 + round
        );
        expansion += pairs;
        flows += 1;
    }
    let mut i = 0;
    while flows < MAX_FLOWS && expansion < MAX_FLOW_EXPANSION {
        // Services `zones` apart share their first zone.
        let a = i % (services - zones);
        let b = a + zones;
        i += 1;
        let _ = writeln!(
            y,
            "  - {{ from: svc-{a}, to: svc-{b}, ports: [udp/{}] }}",
            2000 + flows % 5000
        );
        expansion += 1;
        flows += 1;
    }
    y.push_str(HOST);
    y
}

/// One isolated zone of 316 services and a single flow from the zone to itself: one flow
/// that stands for every pair of its members, just under the expansion limit.
pub fn one_zone_wide_flow() -> String {
    let members = 316;
    let mut y = String::from(
        "bulkhead: 1\nname: wide\nzones:\n  crowd: { trust: internal, isolated: true, subnet: 10.60.0.0/22 }\nservices:\n",
    );
    for s in 0..members {
        let _ = writeln!(y, "  svc-{s}: {{ image: example/app:1, zones: [crowd] }}");
    }
    y.push_str("flows:\n  - { from: crowd, to: crowd, ports: [tcp/9100] }\n");
    y
}
