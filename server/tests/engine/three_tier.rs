//! The three-tier acceptance test: apply with the firewall, verify, spot checks with
//! `docker exec`, a second apply that changes nothing, destroy that removes the chain.

use std::time::Instant;

use crate::helpers::*;
use server::engine::{self, FirewallOutcome, Report, Transport, VerifyOptions};

fn reached(report: &engine::VerifyReport, from: &str, to: &str, port: Option<u16>) -> bool {
    let matching: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.from == from && c.to.name() == to && (port.is_none() || c.port == port))
        .collect();
    assert!(!matching.is_empty(), "no check {from} -> {to} {port:?}");
    matching.iter().any(|c| c.observed)
}

/// After apply --firewall, verify passes and shows the isolation the design promises;
/// `docker exec` agrees; a second apply changes nothing; destroy removes the chain.
#[tokio::test]
async fn docker_three_tier_apply_verify_reapply_destroy() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("three");
    let _guard = Guard::new(&name);
    let d = valid(&three_tier(&name, 42, 18442));

    let report = apply(&d, &engine, true).await;
    assert!(
        matches!(report.firewall, FirewallOutcome::Installed { .. }),
        "{}",
        report.to_string()
    );

    let outside = OutsideHost::new(42);
    let options = VerifyOptions {
        egress: Some(std::net::SocketAddrV4::new(outside.address, 80)),
        ..VerifyOptions::default()
    };
    let v = engine::verify(&d, &engine, options).await.unwrap();
    assert!(v.passed(), "{}", v);
    assert_eq!(v.mismatches, 0);
    assert!(v.engine_changes.is_empty(), "{:?}", v.engine_changes);
    // UDP, through the firewall: api's declared flow arrives (nothing listens, so the
    // port answers "unreachable"); postgres, with no flow, gets silence, which on the
    // declared port is not judged (a service could be listening silently) and on an
    // undeclared port counts as blocked.
    let udp = |from: &str, declared: bool| {
        v.checks
            .iter()
            .find(|c| {
                c.from == from
                    && c.to.name() == "cache"
                    && c.protocol == Transport::Udp
                    && (c.port == Some(5353)) == declared
            })
            .unwrap_or_else(|| panic!("a udp check {from} -> cache: {}", v))
    };
    assert!(
        udp("api", true).expected && udp("api", true).observed,
        "{}",
        v.to_string()
    );
    let silent = udp("postgres", true);
    assert!(
        !silent.expected && !silent.observed && silent.inconclusive,
        "{silent:?}"
    );
    let undeclared = udp("postgres", false);
    assert!(
        !undeclared.expected && !undeclared.observed && !undeclared.inconclusive,
        "{undeclared:?}"
    );
    assert!(
        v.checks
            .iter()
            .filter(|c| c.inconclusive)
            .all(|c| c.protocol == Transport::Udp)
    );
    // Egress, proven by traffic to a routed address outside the host: the database-tier-only
    // members have no route out; the others do.
    for service in ["postgres", "cache"] {
        assert!(
            !reached(&v, service, "outside", None),
            "{service} has no egress"
        );
    }
    for service in ["lb", "frontend", "api"] {
        assert!(
            reached(&v, service, "outside", None),
            "{service} has egress"
        );
    }
    // frontend cannot reach postgres or cache: no shared zone.
    assert!(!reached(&v, "frontend", "postgres", None));
    assert!(!reached(&v, "frontend", "cache", None));
    // api reaches postgres:5432 and cache:6379 (allow flows through the chain).
    assert!(reached(&v, "api", "postgres", Some(5432)));
    assert!(reached(&v, "api", "cache", Some(6379)));
    // lb cannot reach api.
    assert!(!reached(&v, "lb", "api", None));
    // cache and postgres cannot reach each other.
    assert!(!reached(&v, "cache", "postgres", None));
    assert!(!reached(&v, "postgres", "cache", None));
    // Every bridged member reaches the host's own address (Docker filters forwarded
    // traffic only); verify says so for the database-tier-only members, which have no
    // route out.
    for service in ["postgres", "cache", "api", "lb"] {
        assert!(reached(&v, service, "host", None), "{service} -> host");
    }
    for service in ["postgres", "cache"] {
        assert!(
            v.notes
                .iter()
                .any(|n| n.starts_with(service) && n.contains("no route out")),
            "{:?}",
            v.notes
        );
    }
    let json: serde_json::Value = serde_json::from_str(&v.to_json().unwrap()).unwrap();
    assert_eq!(json["mismatches"], 0);
    let first = &json["checks"][0];
    for key in ["from", "to", "address", "port", "expected", "observed"] {
        assert!(first.get(key).is_some(), "JSON check lacks {key}");
    }
    // No probe of this design is left behind (other tests' probes may be running).
    assert!(
        output(
            "docker",
            &[
                "ps",
                "-aq",
                "--filter",
                "label=io.bulkhead.probe",
                "--filter",
                &format!("label=io.bulkhead.design={name}")
            ]
        )
        .trim()
        .is_empty()
    );

    // docker exec spot checks agree.
    let c = |s: &str| container(&name, s);
    assert!(exec_reaches(&c("api"), "172.42.9.10", 5432));
    assert!(!exec_reaches(&c("cache"), "172.42.9.10", 5432));
    assert!(!exec_reaches(&c("frontend"), "172.42.9.10", 5432));

    // A second apply plans nothing and makes no changing call.
    let started = Instant::now();
    let plan = engine::plan(&d, &engine).await.unwrap();
    assert!(plan.is_empty(), "{}", plan);
    let before = engine.changes_made();
    let again = engine::apply(&d, &engine, &plan, Default::default(), &|_| {})
        .await
        .unwrap();
    assert_eq!(again.engine_calls, 0);
    assert_eq!(engine.changes_made(), before);
    eprintln!(
        "re-plan + re-apply of an unchanged design: {:?}",
        started.elapsed()
    );
    assert!(engine::drift(&d, &engine).await.unwrap().in_sync());

    // Destroy removes everything, the chain and its jump included.
    let chain = chain(&name);
    let gone = engine::destroy(&d, &engine).await.unwrap();
    assert_eq!(gone.containers.len(), 5, "{}", gone);
    assert_eq!(gone.networks.len(), 3);
    assert_eq!(gone.firewall.as_deref(), Some(chain.as_str()));
    assert!(!output("iptables", &["-w", "-S", "DOCKER-USER"]).contains(&chain));
    assert!(
        output(
            "docker",
            &[
                "ps",
                "-aq",
                "--filter",
                &format!("label=io.bulkhead.design={name}")
            ]
        )
        .trim()
        .is_empty()
    );
}

/// Without the firewall, verify says the chain is missing instead of listing the allow
/// flows as mismatches; what Docker enforces alone still matches.
#[tokio::test]
async fn docker_verify_without_firewall_says_so() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("nofw");
    let _guard = Guard::new(&name);
    let d = valid(&three_tier(&name, 43, 18443));
    apply(&d, &engine, false).await;
    let v = engine::verify(&d, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(!v.passed());
    assert_eq!(v.mismatches, 0, "{}", v);
    assert!(v.unverifiable > 0);
    assert!(v.to_string().contains("NOT in place"), "{}", v);
}

/// The exported Compose file brought up with the compose tool, plus the firewall script,
/// verifies the same as Bulkhead's own apply: every check matches the design.
#[tokio::test]
async fn docker_compose_export_with_script_verifies_the_same() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("compose");
    let _guard = Guard::new(&name);
    // With the host protected, so that the script's INPUT chain is proven too.
    let d = valid(&format!(
        "{}  protect_host: true\n",
        three_tier(&name, 47, 18447)
    ));
    let dir = tempfile::tempdir().unwrap();
    let compose = dir.path().join("compose.yaml");
    let script = dir.path().join("firewall.sh");
    std::fs::write(&compose, design::compile::compose(&d, None)).unwrap();
    std::fs::write(&script, design::compile::iptables_script(&d, None)).unwrap();
    let up = std::process::Command::new("docker-compose")
        .args(["-p", &name, "-f", compose.to_str().unwrap(), "up", "-d"])
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let fw = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        fw.status.success(),
        "{}",
        String::from_utf8_lossy(&fw.stderr)
    );
    let v = engine::verify(&d, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{}", v);
    assert!(reached(&v, "api", "postgres", Some(5432)));
    assert!(!reached(&v, "cache", "postgres", None));
    let removed = std::process::Command::new("bash")
        .arg(&script)
        .arg("--remove")
        .output()
        .unwrap();
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let down = std::process::Command::new("docker-compose")
        .args(["-p", &name, "-f", compose.to_str().unwrap(), "down"])
        .output()
        .unwrap();
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
}
