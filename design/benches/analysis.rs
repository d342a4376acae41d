//! Validation + allocation + reachability + findings for the templates, a mid-size
//! design (50 services / 8 zones), a large one (1,000 services / 50 zones / 2,000 flows) and
//! the worst the limits let through.

use criterion::{Criterion, criterion_group, criterion_main};
use design::reach::Reachability;
use design::{findings, parse_document, templates, validate};

mod common;
use common::{one_zone_wide_flow, synthetic, worst_legal};

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
    let worst = parse_document(&worst_legal()).expect("parses");
    group.sample_size(10);
    group.bench_function("worst legal design", |b| b.iter(|| analyse(&worst)));
    let wide = parse_document(&one_zone_wide_flow()).expect("parses");
    group.bench_function("one zone-wide flow", |b| b.iter(|| analyse(&wide)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
