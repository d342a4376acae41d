//! Compiling the 1,000-service design (50 zones, every fourth isolated, 2,000 flows) to
//! every format, target under 100 ms each; and the worst design the limits let through.

use criterion::{Criterion, criterion_group, criterion_main};
use design::compile::{Format, compile};
use design::{check, parse_document, templates};

mod common;
use common::{one_zone_wide_flow, synthetic, worst_legal};

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
    let worst = check(&parse_document(&worst_legal()).expect("parses")).expect("valid");
    group.sample_size(10);
    for format in Format::ALL {
        group.bench_function(format!("worst legal design {}", format.as_str()), |b| {
            b.iter(|| compile(&worst, format, Some(1)).len())
        });
    }
    let wide = check(&parse_document(&one_zone_wide_flow()).expect("parses")).expect("valid");
    group.bench_function("one zone-wide flow iptables", |b| {
        b.iter(|| compile(&wide, Format::Iptables, Some(1)).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
