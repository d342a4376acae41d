//! What `synchronous=FULL` costs: one audited write (a transaction holding one audit entry,
//! as every save, sign-in and change makes) committed with `NORMAL` and with `FULL`, on a
//! database in the build directory (the real disk, not a tmpfs).
//!
//! `cargo bench -p server --bench commit`

use criterion::{Criterion, criterion_group, criterion_main};
use server::db::Db;
use server::store::Actor;
use server::store::audit::{NewEntry, append_alone};
use sqlx::sqlite::SqliteSynchronous;

fn commit(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let actor = Actor {
        id: Some(1),
        name: Some("bench".into()),
        address: Some("127.0.0.1".into()),
    };
    let mut group = c.benchmark_group("audited commit");
    for (label, sync) in [
        ("synchronous=NORMAL", SqliteSynchronous::Normal),
        ("synchronous=FULL", SqliteSynchronous::Full),
    ] {
        let dir = tempfile::tempdir_in(base).expect("a directory on the build disk");
        let db = rt
            .block_on(Db::open_with(dir.path(), sync))
            .expect("the database opens");
        group.bench_function(label, |b| {
            b.to_async(&rt).iter(|| async {
                append_alone(
                    &db,
                    NewEntry::new(&actor, "design-save", "one audited write of the benchmark"),
                )
                .await
                .expect("appended")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, commit);
criterion_main!(benches);
