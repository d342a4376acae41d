//! Two revisions of a 1,000-service design compared as the history page does: structure,
//! reachability delta, findings of both sides and the YAML text diff (aim: < 50 ms).
//!
//! `cargo bench -p server --bench review`

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../../design/benches/common/mod.rs"]
#[allow(dead_code)]
mod common;

fn review(c: &mut Criterion) {
    let before = common::synthetic(1000, 50, 200);
    // The next revision: one zone made isolated, one made open again.
    let after = before
        .replacen(
            "zone-1: { trust: internal, isolated: false }",
            "zone-1: { trust: internal, isolated: true }",
            1,
        )
        .replacen(
            "zone-4: { trust: internal, isolated: true }",
            "zone-4: { trust: internal, isolated: false }",
            1,
        );
    assert_ne!(before, after, "the second revision differs");
    let d = server::review::compare("revision 1".into(), Some(1), &before, 2, &after).unwrap();
    assert!(!d.changes.is_empty() && !d.yaml.is_empty());
    eprintln!(
        "1,000 services: {} structural change(s), {} pair(s) gained, {} lost, {} YAML line(s)",
        d.changes.len(),
        d.delta.gained.len(),
        d.delta.lost.len(),
        d.yaml.len()
    );
    c.bench_function("compare two revisions, 1,000 services", |b| {
        b.iter(|| {
            server::review::compare("revision 1".into(), Some(1), &before, 2, &after).unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = review
}
criterion_main!(benches);
