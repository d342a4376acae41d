//! Compiling the 1,000-service design (50 zones, every fourth isolated, 2,000 flows) to
//! every format; target under 100 ms each.

use std::fmt::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use design::compile::{Format, compile};
use design::{check, parse_document, templates};

/// The same synthetic design as `benches/analysis.rs`: `services` services over `zones`
/// zones (every third also joins the next zone), every fourth zone isolated, `flows`
/// flows between services that share a zone.
fn synthetic(services: usize, zones: usize, flows: usize) -> String {
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
    let (mut made, mut i) = (0, 0);
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

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    let three =
        check(&parse_document(templates::get("three-tier").expect("exists")).expect("parses"))
            .expect("valid");
    let large = check(&parse_document(&synthetic(1000, 50, 2000)).expect("parses")).expect("valid");
    group.sample_size(20);
    for format in Format::ALL {
        group.bench_function(format!("three-tier {}", format.as_str()), |b| {
            b.iter(|| compile(&three, format, Some(1)).len())
        });
        group.bench_function(format!("1000 services {}", format.as_str()), |b| {
            b.iter(|| compile(&large, format, Some(1)).len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
