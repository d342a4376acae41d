//! The firewall's counters on a live engine: traffic a flow allows moves that flow's rule by
//! one packet a connection, traffic nothing allows moves the zone's isolation drop by one
//! packet an echo request, and nothing else moves them.

use crate::helpers::*;
use app::model::counters::{DeniedPacket, RuleCount, RuleKind};
use server::engine;
use std::process::Command;

pub(crate) async fn counts(
    d: &design::ValidDesign,
    engine: &engine::DockerEngine,
) -> Vec<RuleCount> {
    let counted = engine::counters::read(&engine.info().firewall, &d.name)
        .await
        .unwrap();
    server::counters::rules(&d.name, counted)
}

/// Now, less two seconds, as the denied packets' times are written: those logged from then
/// on are this test's (the kernel's log is a ring the other tests fill too, so counting
/// records before and after does not tell; the margin covers the clock the times are
/// derived from).
pub(crate) fn stamp() -> String {
    let then = time::OffsetDateTime::now_utc() - time::Duration::seconds(2);
    then.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
    ))
    .unwrap()
}

/// The packets the design's firewall logged at or after `since` ([`stamp`]).
pub(crate) async fn logged_since(d: &design::ValidDesign, since: &str) -> Vec<DeniedPacket> {
    server::counters::denied(d.clone(), usize::MAX)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.at.as_str() >= since)
        .collect()
}

pub(crate) fn packets(rules: &[RuleCount], rule: &str) -> u64 {
    rules
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| {
            let names: Vec<&str> = rules.iter().map(|r| r.rule.as_str()).collect();
            panic!("no rule {rule:?} among {names:#?}")
        })
        .packets
}

/// `ping -c N` from a container's network namespace (a helper container joins it: the
/// service itself has no capability to open raw sockets); whether any reply came.
fn ping(container: &str, address: &str, n: u8) -> bool {
    Command::new("docker")
        .args([
            "run",
            "--rm",
            "--network",
            &format!("container:{container}"),
            TEST_IMAGE,
            "ping",
            "-c",
            &n.to_string(),
            "-W",
            "1",
            address,
        ])
        .output()
        .unwrap()
        .status
        .success()
}

#[tokio::test]
async fn counters_move_by_what_was_sent() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("count");
    let _guard = Guard::new(&name);
    let d = valid(&three_tier(&name, 52, 18454));
    apply(&d, &engine, true).await;
    let allow = "flow[0] allow api>postgres tcp/5432 zone database-tier";
    let isolated = "zone database-tier isolated";

    let before = counts(&d, &engine).await;
    assert!(
        before.iter().any(|r| r.kind == RuleKind::Isolation),
        "{before:#?}"
    );
    assert!(before.iter().all(|r| r.verdict != "log"), "{before:#?}");

    // Three connections the flow allows: one new-connection packet each on the flow's rule
    // (the rest of each connection is replies, counted by the zone's established rule).
    let (api, cache) = (container(&name, "api"), container(&name, "cache"));
    for _ in 0..3 {
        assert!(exec_reaches(&api, "172.52.9.10", 5432));
    }
    let after = counts(&d, &engine).await;
    assert_eq!(packets(&after, allow), packets(&before, allow) + 3);
    assert_eq!(packets(&after, isolated), packets(&before, isolated));

    // Four echo requests nothing allows (cache and postgres share the isolated zone): the
    // zone's drop counts each, the flow's rule none.
    let since = stamp();
    assert!(!ping(&cache, "172.52.9.10", 4));
    let denied = counts(&d, &engine).await;
    assert_eq!(packets(&denied, isolated), packets(&after, isolated) + 4);
    assert_eq!(packets(&denied, allow), packets(&after, allow));
    let blocked = denied
        .iter()
        .find(|r| r.rule == isolated)
        .map(|r| (r.kind, r.verdict.as_str(), r.bytes > 0));
    assert_eq!(blocked, Some((RuleKind::Isolation, "drop", true)));

    // The design logs what it denies: the kernel's log has the echo requests, told as the
    // design's services, in the zone that caught them.
    let logged = logged_since(&d, &since).await;
    let pings: Vec<(&str, &str, &str, &str)> = logged
        .iter()
        .map(|p| {
            (
                p.from.as_str(),
                p.to.as_str(),
                p.what.as_str(),
                p.zone.as_str(),
            )
        })
        .collect();
    assert_eq!(
        pings,
        [("cache", "postgres", "icmp", "database-tier"); 4],
        "{logged:#?}"
    );
}
