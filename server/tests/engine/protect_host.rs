//! `host.protect_host` on a live engine: the zones' containers reach the host itself only
//! on `host_ports`, verify proves it (and says when it cannot), a revision without it takes
//! the input chain away, and destroy removes both chains.

use crate::helpers::*;
use server::engine::{self, Target, VerifyOptions};

/// The design's host checks from `from`: (port, expected, observed, unverifiable).
fn host_checks(v: &engine::VerifyReport, from: &str) -> Vec<(Option<u16>, bool, bool, bool)> {
    v.checks
        .iter()
        .filter(|c| c.from == from && c.to == Target::Host)
        .map(|c| (c.port, c.expected, c.observed, c.unverifiable))
        .collect()
}

#[tokio::test]
async fn docker_protect_host_closes_the_host_but_listed_ports() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("guard");
    let _guard = Guard::new(&name);
    let open_text = three_tier(&name, 48, 18448);
    let guarded = valid(&format!(
        "{open_text}  protect_host: true\n  host_ports: [tcp/8079]\n"
    ));
    let members = ["lb", "frontend", "api", "postgres", "cache"];

    // Without the firewall the closed port is predicted closed but cannot be proven so.
    apply(&guarded, &engine, false).await;
    let v = engine::verify(&guarded, &engine, VerifyOptions::default())
        .await
        .unwrap();
    for from in members {
        let checks = host_checks(&v, from);
        assert!(
            checks.contains(&(Some(9), false, true, true)),
            "{from}: {checks:?}\n{v}"
        );
    }

    // With it, INPUT jumps to the design's input chain, and verify proves the host closed
    // but on the listed port.
    let v = apply_guarded(&guarded, &engine).await;
    for from in members {
        let checks = host_checks(&v, from);
        assert!(
            checks.contains(&(Some(9), false, false, false)),
            "{from}: {checks:?}"
        );
        assert!(
            checks.contains(&(Some(8079), true, true, false)),
            "{from}: {checks:?}"
        );
    }
    // `docker exec` agrees, at the host's address verify used.
    let host = v
        .checks
        .iter()
        .find(|c| c.to == Target::Host)
        .unwrap()
        .address
        .to_string();
    let api = container(&name, "api");
    assert!(!exec_reaches(&api, &host, 9));
    assert!(exec_reaches(&api, &host, 8079));
    // The zone's own gateway is the host too.
    assert!(!exec_reaches(&api, "172.48.2.1", 9));
    // Drift sees the input chain as part of the firewall.
    let drift = engine::drift(&guarded, &engine).await.unwrap();
    assert!(drift.in_sync(), "{drift}");

    // A revision without protect_host takes the input chain away: the host is open again.
    let open = valid(&open_text);
    apply(&open, &engine, true).await;
    assert!(!jumped_to("INPUT", &input_chain(&name)));
    assert!(output("iptables", &["-w", "-S", &input_chain(&name)]).is_empty());
    assert!(exec_reaches(&api, &host, 9));
    let v = engine::verify(&open, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{v}");
    assert!(host_checks(&v, "api").contains(&(Some(9), true, true, false)));

    // Protected again, then destroyed: both chains go.
    apply(&guarded, &engine, true).await;
    assert!(jumped_to("INPUT", &input_chain(&name)));
    let destroyed = engine::destroy(&guarded, &engine).await.unwrap();
    assert!(
        destroyed
            .firewall
            .as_deref()
            .is_some_and(|f| f.contains(&input_chain(&name))),
        "{destroyed:?}"
    );
    assert!(!jumped_to("INPUT", &input_chain(&name)));
    assert!(!jumped_to("DOCKER-USER", &chain(&name)));
}
