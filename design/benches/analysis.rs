//! Validation + allocation + reachability + findings for the templates, a mid-size
//! design (50 services / 8 zones) and a large one (1,000 services / 50 zones / 2,000 flows).

use std::fmt::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use design::reach::Reachability;
use design::{findings, parse_document, templates, validate};

/// A synthetic design: `services` services spread over `zones` zones (every third one
/// also joins the next zone, as a gateway), every fourth zone isolated, and `flows` flows
/// between services that share a zone.
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
    y
}

fn analyse(raw: &design::RawDesign) -> usize {
    let (design, diags) = validate(raw);
    assert!(diags.is_empty(), "{diags:?}");
    let reach = Reachability::compute(&design);
    findings::findings(&design, &reach).len()
        + usize::from(reach.allowed(design::model::ServiceId(0), design::model::ServiceId(1)))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate+allocate+reach+findings");
    for name in templates::NAMES {
        let raw = parse_document(templates::get(name).expect("exists")).expect("parses");
        group.bench_function(format!("template {name}"), |b| b.iter(|| analyse(&raw)));
    }
    let mid = parse_document(&synthetic(50, 8, 100)).expect("parses");
    group.bench_function("50 services / 8 zones / 100 flows", |b| {
        b.iter(|| analyse(&mid))
    });
    let large = parse_document(&synthetic(1000, 50, 2000)).expect("parses");
    group.sample_size(20);
    group.bench_function("1000 services / 50 zones / 2000 flows", |b| {
        b.iter(|| analyse(&large))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
