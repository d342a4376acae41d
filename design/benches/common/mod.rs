//! The designs the benches measure, shared by `analysis.rs` and `compile.rs`.

use std::fmt::Write;

use design::limits::{MAX_FLOW_EXPANSION, MAX_FLOWS, MAX_SERVICES, MAX_ZONES};

/// A synthetic design: `services` services spread over `zones` zones (every third one
/// also joins the next zone, as a gateway), every fourth zone isolated, and `flows` flows
/// between services that share a zone.
pub fn synthetic(services: usize, zones: usize, flows: usize) -> String {
    let mut y = String::from(
        "bulkhead: 1\nname: bench\ndefaults:\n  subnet_pool: 10.0.0.0/8\n  hardening: { cap_drop: [ALL], read_only: true, no_new_privileges: true, memory: 256m, pids_limit: 100 }\nzones:\n",
    );
    for z in 0..zones {
        let _ = writeln!(
            y,
            "  zone-{z}: {{ trust: internal, isolated: {} }}",
            z % 4 == 0
        );
    }
    y.push_str("services:\n");
    let member = |s: usize| {
        let z = s % zones;
        if s.is_multiple_of(3) {
            vec![z, (z + 1) % zones]
        } else {
            vec![z]
        }
    };
    for s in 0..services {
        let zs: Vec<String> = member(s).iter().map(|z| format!("zone-{z}")).collect();
        let _ = writeln!(
            y,
            "  svc-{s}: {{ image: example/app:1, zones: [{}] }}",
            zs.join(", ")
        );
    }
    y.push_str("flows:\n");
    let mut made = 0;
    let mut i = 0;
    while made < flows {
        let a = i % services;
        let b = (a + zones * (1 + i / services)) % services;
        i += 1;
        if a == b || !member(a).iter().any(|z| member(b).contains(z)) {
            continue;
        }
        let _ = writeln!(
            y,
            "  - {{ from: svc-{a}, to: svc-{b}, ports: [tcp/{}] }}",
            1000 + made % 5000
        );
        made += 1;
    }
    y.push_str("host: { external_interface: eth0, allow_inbound: [tcp/443], log_denied: true }\n");
    y
}

/// The heaviest design the limits let through: every limit at its maximum or just under it.
/// 256 zones (every fourth isolated), 2,000 services (every third a gateway into the next
/// zone), and 5,000 flows: flows from each isolated zone to itself (every pair of its
/// members) until the expansion limit is nearly reached, then flows between single services.
pub fn worst_legal() -> String {
    let (zones, services) = (MAX_ZONES, MAX_SERVICES);
    let mut y = String::from(
        "bulkhead: 1\nname: worst\ndefaults:\n  subnet_pool: 10.0.0.0/8\n  hardening: { cap_drop: [ALL], read_only: true, no_new_privileges: true, memory: 256m, pids_limit: 100 }\nzones:\n",
    );
    for z in 0..zones {
        let _ = writeln!(
            y,
            "  zone-{z}: {{ trust: internal, isolated: {} }}",
            z % 4 == 0
        );
    }
    y.push_str("services:\n");
    let member = |s: usize| {
        let z = s % zones;
        if s.is_multiple_of(3) {
            vec![z, (z + 1) % zones]
        } else {
            vec![z]
        }
    };
    let mut members = vec![0usize; zones];
    for s in 0..services {
        for z in member(s) {
            members[z] += 1;
        }
        let zs: Vec<String> = member(s).iter().map(|z| format!("zone-{z}")).collect();
        let _ = writeln!(
            y,
            "  svc-{s}: {{ image: example/app:1, zones: [{}] }}",
            zs.join(", ")
        );
    }
    y.push_str("flows:\n");
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
    y.push_str("host: { external_interface: eth0, allow_inbound: [tcp/443], log_denied: true }\n");
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
