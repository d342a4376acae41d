//! A flow taken out of the design ends the connections it carried: apply cuts the kernel's
//! tracked connections between the design's containers that the new rules do not allow (the
//! established rule would let them go on), and leaves the allowed ones alone.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::counters::{counts, packets};
use crate::helpers::*;
use server::engine;

/// Three-tier with two more flows into postgres, each to a port where `nc` will listen:
/// cache > postgres tcp/7000 only when `with_cache_flow`, api > postgres tcp/7001 always.
fn design(name: &str, with_cache_flow: bool) -> String {
    let mut flows = String::from("  - { from: api, to: postgres, ports: [tcp/7001] }\n");
    if with_cache_flow {
        flows.push_str("  - { from: cache, to: postgres, ports: [tcp/7000] }\n");
    }
    three_tier(name, 58, 18456).replace("host:\n", &format!("{flows}host:\n"))
}

fn docker(args: &[&str]) {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(out.status.success(), "docker {args:?}: {out:?}");
}

/// The address of `container` on `network`.
fn address(container: &str, network: &str) -> String {
    let format = format!("{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}");
    output("docker", &["inspect", "-f", &format, container])
        .trim()
        .to_owned()
}

/// Whether the kernel tracks an established TCP connection from `src` to `dst`:`port`.
fn tracked(src: &str, dst: &str, port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/nf_conntrack")
        .expect("the kernel's connection tracking table, /proc/net/nf_conntrack, is readable");
    let (from, to, dport) = (
        format!(" src={src} "),
        format!(" dst={dst} "),
        format!(" dport={port} "),
    );
    table.lines().any(|l| {
        let original = l.split(" src=").take(2).collect::<Vec<_>>().join(" src=") + " ";
        l.contains(" ESTABLISHED ")
            && original.contains(&from)
            && original.contains(&to)
            && original.contains(&dport)
    })
}

/// Waits (two minutes at most) until `done` holds.
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done().await {
        assert!(
            Instant::now() < deadline,
            "still not {what} after 2 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_removed_flow_cuts_its_open_connections_and_only_those() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("conns");
    let _guard = Guard::new(&name);
    let before = valid(&design(&name, true));
    apply(&before, &engine, true).await;
    let (cache, api, postgres) = (
        container(&name, "cache"),
        container(&name, "api"),
        container(&name, "postgres"),
    );
    let db = "172.58.9.10";
    // postgres listens on both ports; cache and api each keep a connection open and send a
    // line every 200 ms on it.
    for port in ["7000", "7001"] {
        // `nc` ends the connection when its input ends: give it one that does not.
        let listen = format!("sleep 100000 | nc -l -p {port} >/dev/null");
        docker(&["exec", "-d", &postgres, "sh", "-c", &listen]);
    }
    let talk = |port: &str| format!("while :; do echo x; sleep 0.2; done | nc {db} {port}");
    docker(&["exec", "-d", &cache, "sh", "-c", &talk("7000")]);
    docker(&["exec", "-d", &api, "sh", "-c", &talk("7001")]);
    let zone = format!("{name}_database-tier");
    let (cache_ip, api_ip) = (address(&cache, &zone), address(&api, &zone));
    until("connected", async || {
        tracked(&cache_ip, db, 7000) && tracked(&api_ip, db, 7001)
    })
    .await;

    // The cache flow goes; the firewall says what it cut.
    let after = valid(&design(&name, false));
    let report = apply(&after, &engine, true).await;
    let text = report.to_string();
    assert!(
        text.contains("1 tracked connection(s) the design does not allow were cut"),
        "{text}"
    );
    assert!(
        !tracked(&cache_ip, db, 7000),
        "cache > postgres is forgotten"
    );
    assert!(
        tracked(&api_ip, db, 7001),
        "api > postgres is allowed: kept"
    );

    // cache's next lines are judged as new, and dropped by the zone's isolation.
    let isolation = "zone database-tier isolated";
    let dropped = packets(&counts(&after, &engine).await, isolation);
    until("dropped by the zone's isolation", async || {
        packets(&counts(&after, &engine).await, isolation) > dropped
    })
    .await;
    assert!(!tracked(&cache_ip, db, 7000), "it does not come back");
    assert!(tracked(&api_ip, db, 7001), "api's connection goes on");
}

/// A revision that no longer needs its firewall still gets it installed while an earlier
/// revision's is in place: else that chain's accepts (a removed flow's) would go on.
#[tokio::test]
async fn an_earlier_revisions_firewall_is_replaced_even_when_no_longer_needed() {
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("wanted");
    let _guard = Guard::new(&name);
    let text = |isolated: bool, flows: &str| {
        format!(
            "bulkhead: 1\nname: {name}\nzones:\n  z: {{ trust: internal, isolated: {isolated}, \
             subnet: 172.59.1.0/24, bridge: bh59z }}\nservices:\n  a: {{ image: {TEST_IMAGE}, zones: [z] }}\n  \
             b: {{ image: {TEST_IMAGE}, zones: [z] }}\n{flows}"
        )
    };
    let with_flow = valid(&text(
        true,
        "flows:\n  - { from: a, to: b, ports: [tcp/7000] }\n",
    ));
    // Open, no flow: needs no firewall on either backend.
    let without = valid(&text(false, ""));
    let backend = engine.info().firewall.backend;
    assert!(!engine::design_needs_firewall(&without, backend));
    assert!(
        !engine::firewall_wanted(&without, &engine).await,
        "nothing in place"
    );
    apply(&with_flow, &engine, true).await;
    assert!(
        engine::firewall_wanted(&without, &engine).await,
        "the earlier revision's chain is in place"
    );
}
