//! The audit view on a log of 1,000,000 entries: every filter the page offers, alone and
//! combined, first page (101 rows read) plus the filter's lookups, server side. The target
//! is under 100 ms for each.
//!
//! The log is built once in the build directory (`target/tmp/audit-1m`, about a minute) and
//! reused by later runs.
//!
//! `cargo bench -p server --bench audit_view`

use app::model::AuditFilter;
use app::model::audit::{ActionGroup, Outcome};
use criterion::{Criterion, criterion_group, criterion_main};
use server::db::Db;
use server::store::audit::Scope;
use server::store::audit::view::page;
use std::time::Duration;

const ENTRIES: i64 = 1_000_000;

/// Fills an empty log with `ENTRIES` entries: 20 actors, a mix of actions from every
/// group, 50 designs, 5 engines, 2 % failed and 2 % overridden, one entry in 1,000 with a
/// rare word, one entry every 20 seconds from 2026-01-01 on.
async fn fill(db: &Db) {
    let actions: Vec<&str> = ActionGroup::ALL
        .iter()
        .flat_map(|g| g.actions().iter().take(4).copied())
        .collect();
    let cases: String = actions
        .iter()
        .enumerate()
        .map(|(i, a)| format!("WHEN {i} THEN '{a}' "))
        .collect();
    let n = actions.len();
    let sql = format!(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {ENTRIES}),
         rows(i, action) AS (SELECT i, CASE i % {n} {cases} END FROM seq)
         INSERT INTO audit_log (id, at, actor_id, actor_name, address, action, object_kind,
                                object_id, design_id, target, summary, details, prev_hash, hash)
         SELECT i,
                strftime('%Y-%m-%dT%H:%M:%SZ', 1767225600 + i * 20, 'unixepoch'),
                i % 20, 'u' || (i % 20), '10.0.0.' || (i % 200), action,
                CASE WHEN action LIKE 'design-%' OR action LIKE 'request-%' THEN 'design' END,
                CASE WHEN action LIKE 'design-%' OR action LIKE 'request-%' THEN i % 50 END,
                CASE WHEN action LIKE 'design-%' OR action LIKE 'request-%' OR action LIKE 'engine-%'
                     THEN i % 50 END,
                CASE WHEN action LIKE 'engine-%' OR action LIKE 'request-%' THEN 'e' || (i % 5) END,
                action || ' number ' || i || ' by u' || (i % 20)
                    || CASE WHEN i % 1000 = 7 THEN ' quarantined rarely' ELSE '' END,
                CASE i % 50 WHEN 3 THEN '{{\"result\":\"failed\"}}'
                            WHEN 4 THEN '{{\"result\":\"applied\",\"override\":\"bench\"}}'
                            ELSE '{{}}' END,
                'x', 'y'
         FROM rows"
    );
    sqlx::query(&sql)
        .execute(&db.write)
        .await
        .expect("the log fills");
}

fn audit_view(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-1m");
    std::fs::create_dir_all(&dir).expect("a directory on the build disk");
    let db = rt.block_on(Db::open(&dir)).expect("the database opens");
    let count: i64 = rt
        .block_on(sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&db.read))
        .expect("counted");
    if count < ENTRIES {
        assert_eq!(count, 0, "remove {} and run again", dir.display());
        let started = std::time::Instant::now();
        rt.block_on(fill(&db));
        eprintln!(
            "built a log of {ENTRIES} entries in {:?}",
            started.elapsed()
        );
    }
    let f = AuditFilter::default;
    let cases: Vec<(&str, AuditFilter, Scope)> = vec![
        ("no filter", f(), Scope::Everything),
        ("no filter, viewer", f(), Scope::DesignsAndEngines),
        (
            "user",
            AuditFilter {
                user: Some("u7".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "group",
            AuditFilter {
                group: Some(ActionGroup::Engine),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "action",
            AuditFilter {
                action: Some("engine-update".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "design",
            AuditFilter {
                design: Some(17),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "engine",
            AuditFilter {
                engine: Some("e3".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "failed",
            AuditFilter {
                outcome: Some(Outcome::Failed),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "override",
            AuditFilter {
                outcome: Some(Outcome::Override),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "ok",
            AuditFilter {
                outcome: Some(Outcome::Ok),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "common word",
            AuditFilter {
                text: Some("number".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "rare word",
            AuditFilter {
                text: Some("quarantined".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "one day",
            AuditFilter {
                from: Some("2026-03-01".into()),
                to: Some("2026-03-01".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "design + failed",
            AuditFilter {
                design: Some(3),
                outcome: Some(Outcome::Failed),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "user + action + engine",
            AuditFilter {
                user: Some("u3".into()),
                action: Some("engine-remove".into()),
                engine: Some("e2".into()),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "rare word + group, viewer",
            AuditFilter {
                text: Some("quarantined".into()),
                group: Some(ActionGroup::Designs),
                ..f()
            },
            Scope::DesignsAndEngines,
        ),
        (
            "deep page",
            AuditFilter {
                before: Some(ENTRIES / 2),
                ..f()
            },
            Scope::Everything,
        ),
        (
            "nothing matches",
            AuditFilter {
                user: Some("nobody".into()),
                ..f()
            },
            Scope::Everything,
        ),
    ];
    let mut group = c.benchmark_group("audit view, 1M entries");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    for (label, filter, scope) in cases {
        group.bench_function(label, |b| {
            b.to_async(&rt).iter(|| async {
                match page(&db.read, &filter, scope).await {
                    Ok(p) => p.entries.len(),
                    Err(e) => panic!("{label}: {e:?}"),
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, audit_view);
criterion_main!(benches);
