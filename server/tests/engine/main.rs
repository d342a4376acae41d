//! The engine against the real Docker engine on this machine. Every test cleans up after
//! itself through a [`helpers::Guard`], also when it fails.

mod connections;
mod counters;
mod helpers;
mod lifecycle;
mod observe;
mod protect_host;
mod published;
mod three_tier;

use std::time::{Duration, Instant};

use helpers::*;
use server::engine::{self, DockerEngine};

/// `bulkhead engine` facts: versions negotiated down to what this engine speaks.
#[tokio::test]
async fn engine_connects_and_reports_versions() {
    let engine = engine().await;
    let info = engine.info();
    assert!(!info.engine_version.is_empty());
    assert!(!info.api_version.is_empty());
    let client: Vec<u32> = info
        .client_api_version
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    let server: Vec<u32> = info
        .api_version
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(
        client <= server,
        "client {client:?} must not be newer than the engine {server:?}"
    );
    assert!(info.to_string().contains(&info.engine_version));
}

/// A bad DOCKER_HOST is a clear error within 5 seconds, from the library and the command.
#[tokio::test]
async fn engine_unreachable_docker_host_fails_fast() {
    for host in [
        "tcp://127.0.0.1:1",
        "unix:///nonexistent/docker.sock",
        "tcp://192.0.2.123:2375",
    ] {
        let start = Instant::now();
        let err = DockerEngine::connect_to(host).await.unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(6),
            "{host}: took {:?}",
            start.elapsed()
        );
        let message = err.to_string();
        assert!(
            message.contains("cannot reach the Docker engine") && message.contains(host),
            "{message}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let name = unique("badhost");
    let file = dir.path().join("d.yaml");
    std::fs::write(&file, three_tier(&name, 40, 18440)).unwrap();
    let start = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(["apply", file.to_str().unwrap(), "--yes"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(6));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the Docker engine"));
    // Nothing was recorded as applied: no object of the design exists.
    assert!(
        output(
            "docker",
            &[
                "network",
                "ls",
                "-q",
                "--filter",
                &format!("label=io.bulkhead.design={name}")
            ]
        )
        .trim()
        .is_empty()
    );
}

/// A network with one of our names made by hand is a conflict: plan reports it, apply and
/// destroy leave it untouched.
#[tokio::test]
async fn docker_hand_made_network_is_a_conflict_and_left_alone() {
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("conflict");
    let mut guard = Guard::new(&name);
    let theirs = format!("{name}_app");
    guard.extra_networks.push(theirs.clone());
    let made = std::process::Command::new("docker")
        .args(["network", "create", "--subnet", "172.41.1.0/24", &theirs])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let id_before = output("docker", &["network", "inspect", "-f", "{{.Id}}", &theirs]);
    let d = valid(&format!(
        "bulkhead: 1\nname: {name}\nzones:\n  app: {{ trust: internal, subnet: 172.41.2.0/24 }}\n  other: {{ trust: internal, subnet: 172.41.3.0/24 }}\nservices:\n  web: {{ image: {TEST_IMAGE}, zones: [app] }}\n  side: {{ image: {TEST_IMAGE}, zones: [other] }}\n"
    ));
    let plan = engine::plan(&d, &engine).await.unwrap();
    assert_eq!(plan.conflicts.len(), 2, "{}", plan);
    assert!(
        plan.conflicts
            .iter()
            .any(|c| c.name == theirs && c.reason.contains("not created by Bulkhead"))
    );
    assert!(
        plan.actions
            .iter()
            .all(|a| a.target != theirs && a.target != format!("{name}-web-1"))
    );
    let report = engine::apply(&d, &engine, &plan, Default::default(), &|_| {})
        .await
        .unwrap();
    assert!(report.succeeded(), "{}", report);
    let destroyed = engine::destroy(&d, &engine).await.unwrap();
    assert!(
        destroyed.left_alone.contains(&format!("network {theirs}")),
        "{destroyed:?}"
    );
    assert_eq!(destroyed.networks, vec![format!("{name}_other")]);
    let id_after = output("docker", &["network", "inspect", "-f", "{{.Id}}", &theirs]);
    assert_eq!(
        id_before, id_after,
        "the hand-made network must be untouched"
    );
}

/// Verify listens to the engine for networks created and removed while its probes run
/// (Docker lifts isolation for a moment on every such change).
#[tokio::test]
async fn docker_network_changes_are_heard_live() {
    use futures_util::StreamExt;
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("events");
    let mut guard = Guard::new(&name);
    let theirs = format!("{name}_churn");
    guard.extra_networks.push(theirs.clone());
    let mut changes = std::pin::pin!(engine.network_changes());
    let docker = |args: &[&str]| {
        let out = std::process::Command::new("docker")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut heard = Vec::new();
    // The subscription is live once it hears a network of ours come and go: until then,
    // make and remove a marker network and wait a moment for its events.
    let marker = format!("{name}_marker");
    guard.extra_networks.push(marker.clone());
    'subscribed: loop {
        docker(&["network", "create", "--subnet", "172.47.2.0/24", &marker]);
        docker(&["network", "rm", &marker]);
        let wait = tokio::time::Instant::now() + std::time::Duration::from_millis(300);
        while let Ok(Some(change)) =
            tokio::time::timeout_at(wait.min(deadline), changes.next()).await
        {
            if change.unwrap() == format!("destroy {marker}") {
                break 'subscribed;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the event stream never answered"
        );
    }
    docker(&["network", "create", "--subnet", "172.47.1.0/24", &theirs]);
    docker(&["network", "rm", &theirs]);
    let wanted = [format!("create {theirs}"), format!("destroy {theirs}")];
    while !wanted.iter().all(|w| heard.contains(w)) {
        match tokio::time::timeout_at(deadline, changes.next()).await {
            Ok(Some(Ok(change))) => heard.push(change),
            other => panic!("stopped hearing ({other:?}); heard {heard:?}"),
        }
    }
}
