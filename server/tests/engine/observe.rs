//! Observe mode on a live engine (docs/design-format.md, "Observe mode"): a deny flow in a
//! zone that observes lets its traffic through and counts it, and verify expects it to;
//! switching the zone to enforce is a firewall change only, after which the same traffic is
//! blocked, and verify expects that.

use crate::counters::{counts, logged_since, packets, stamp};
use crate::helpers::*;
use app::model::counters::{OBSERVE, RuleKind};
use server::engine;

/// The three-tier design with a deny flow cache -> postgres, its database tier in `mode`.
fn rollout(name: &str, mode: &str) -> String {
    three_tier(name, 53, 18455)
        .replace(
            "bridge: bh53data }",
            &format!("bridge: bh53data, mode: {mode} }}"),
        )
        .replace(
            "host:\n",
            "  - { from: cache, to: postgres, ports: [tcp/5432], action: deny, note: rollout }\nhost:\n",
        )
}

async fn verified(d: &design::ValidDesign, engine: &engine::DockerEngine) {
    let v = engine::verify(d, engine, engine::VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{v}");
}

#[tokio::test]
async fn observe_counts_and_lets_through_then_enforce_blocks() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("observe");
    let _guard = Guard::new(&name);
    let observing = valid(&rollout(&name, "observe"));
    apply(&observing, &engine, true).await;
    let (cache, postgres) = (container(&name, "cache"), "172.53.9.10");
    let deny = "observe flow[3] deny cache>postgres tcp/5432 zone database-tier";

    // The deny flow observes: the connections pass, and its rule counts each (its first
    // packet; the rest are replies and the zone's established rule takes them).
    let before = counts(&observing, &engine).await;
    let rule = before.iter().find(|r| r.rule == deny).unwrap();
    assert_eq!(
        (rule.kind, rule.verdict.as_str()),
        (RuleKind::Deny, OBSERVE)
    );
    assert!(
        before
            .iter()
            .filter(|r| r.rule.ends_with("zone database-tier")
                || r.rule.contains("database-tier isolated"))
            .all(|r| r.verdict != "drop"),
        "nothing drops between the zone's members: {before:#?}"
    );
    let since = stamp();
    for _ in 0..3 {
        assert!(
            exec_reaches(&cache, postgres, 5432),
            "observe lets it through"
        );
    }
    let after = counts(&observing, &engine).await;
    assert_eq!(packets(&after, deny), packets(&before, deny) + 3);

    // The kernel log has them as let through, told as the design's services.
    let logged = logged_since(&observing, &since).await;
    let seen: Vec<(&str, &str, &str, bool)> = logged
        .iter()
        .map(|p| (p.from.as_str(), p.to.as_str(), p.what.as_str(), p.observed))
        .collect();
    assert_eq!(
        seen,
        [("cache", "postgres", "tcp/5432", true); 3],
        "{logged:#?}"
    );

    // The analysis expects what observe lets through, and the engine agrees.
    verified(&observing, &engine).await;

    // Enforcing is a firewall change only: no container or network moves.
    let enforcing = valid(&rollout(&name, "enforce"));
    let plan = engine::plan(&enforcing, &engine).await.unwrap();
    assert!(plan.actions.is_empty(), "{plan}");
    apply(&enforcing, &engine, true).await;
    let enforced = counts(&enforcing, &engine).await;
    let drop = "flow[3] deny cache>postgres tcp/5432 zone database-tier";
    assert!(
        enforced.iter().all(|r| r.verdict != OBSERVE),
        "{enforced:#?}"
    );
    assert!(!exec_reaches(&cache, postgres, 5432), "enforce blocks it");
    let blocked = counts(&enforcing, &engine).await;
    assert!(packets(&blocked, drop) > packets(&enforced, drop));
    // The kernel still tracked the echoes the first verify's probes exchanged (the same
    // identifier each time), which would have let their like through as replies; apply cut
    // those the enforcing zone does not allow, so verify agrees at once.
    verified(&enforcing, &engine).await;
}
