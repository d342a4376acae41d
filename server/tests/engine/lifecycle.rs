//! Moving services, quarantine, import.

use crate::helpers::*;
use server::engine::{self, VerifyOptions};

fn two_zones(name: &str, web_zone: &str) -> String {
    format!(
        "bulkhead: 1\nname: {name}\nzones:\n  a: {{ trust: internal, subnet: 172.44.1.0/24 }}\n  b: {{ trust: internal, subnet: 172.44.2.0/24 }}\nservices:\n  web:\n    image: {TEST_IMAGE}\n    zones: [{web_zone}]\n    compose: {{ command: [httpd, -f, -p, \"0.0.0.0:80\", -h, /www] }}\n  client: {{ image: {TEST_IMAGE}, zones: [a] }}\n  other: {{ image: {TEST_IMAGE}, zones: [b] }}\n"
    )
}

/// Moving a service to another zone and re-applying converges; verify agrees.
#[tokio::test]
async fn docker_moving_a_service_converges() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("move");
    let _guard = Guard::new(&name);
    let before = valid(&two_zones(&name, "a"));
    apply(&before, &engine, false).await;
    let v = engine::verify(&before, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{}", v);

    let after = valid(&two_zones(&name, "b"));
    let plan = engine::plan(&after, &engine).await.unwrap();
    assert!(
        plan.actions.iter().any(|a| a.kind.verb() == "disconnect"),
        "{}",
        plan.to_string()
    );
    assert!(
        plan.actions.iter().any(|a| a.kind.verb() == "connect"),
        "{}",
        plan.to_string()
    );
    apply(&after, &engine, false).await;
    assert!(engine::plan(&after, &engine).await.unwrap().is_empty());
    let v = engine::verify(&after, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{}", v);
    assert!(
        v.checks
            .iter()
            .any(|c| c.from == "other" && c.to.name() == "web" && c.observed)
    );
    assert!(
        v.checks
            .iter()
            .filter(|c| c.from == "client" && c.to.name() == "web")
            .all(|c| !c.observed)
    );
}

/// Quarantine reads what a container is on, cuts every network, and release restores
/// exactly that; a container Bulkhead did not create is refused.
#[tokio::test]
async fn docker_quarantine_and_release() {
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("quar");
    let _guard = Guard::new(&name);
    let d = valid(&format!(
        "bulkhead: 1\nname: {name}\nzones:\n  a: {{ trust: internal, subnet: 172.45.1.0/24 }}\n  b: {{ trust: internal, subnet: 172.45.2.0/24 }}\nservices:\n  gw: {{ image: {TEST_IMAGE}, zones: {{ a: {{ aliases: [door] }}, b: {{ ipv4: 172.45.2.77 }} }} }}\n"
    ));
    apply(&d, &engine, false).await;
    let cname = container(&name, "gw");
    let before = engine.container(&cname).await.unwrap().unwrap().networks;
    let record = engine::snapshot(&engine, &cname).await.unwrap();
    assert_eq!(record.networks.len(), 2);
    engine::isolate(&engine, &record).await.unwrap();
    assert!(
        engine
            .container(&cname)
            .await
            .unwrap()
            .unwrap()
            .networks
            .is_empty()
    );
    engine::restore(&engine, &record).await.unwrap();
    let after = engine.container(&cname).await.unwrap().unwrap().networks;
    assert_eq!(before, after);
    assert!(engine::plan(&d, &engine).await.unwrap().is_empty());

    // Not Bulkhead's: refused before anything is read off it.
    let foreign = format!("{name}-foreign");
    let run = std::process::Command::new("docker")
        .args(["run", "-d", "--name", &foreign, TEST_IMAGE, "sleep", "600"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let refused = engine::snapshot(&engine, &foreign).await;
    let _ = std::process::Command::new("docker")
        .args(["rm", "-f", &foreign])
        .output();
    let e = refused.unwrap_err().to_string();
    assert!(e.contains("not created by Bulkhead"), "{e}");
}

/// Import reads an applied design back: its zones and services, with addresses.
#[tokio::test]
async fn docker_import_reads_the_engine() {
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("imp");
    let _guard = Guard::new(&name);
    let d = valid(&format!(
        "bulkhead: 1\nname: {name}\nzones:\n  a: {{ trust: internal, isolated: true, internal: true, subnet: 172.46.1.0/24 }}\nservices:\n  x: {{ image: {TEST_IMAGE}, zones: {{ a: {{ ipv4: 172.46.1.5 }} }} }}\n"
    ));
    apply(&d, &engine, false).await;
    let text = engine::import_docker(&engine, "imported").await.unwrap();
    let imported = design::parse_document(&text).unwrap();
    let yaml = design::to_canonical_yaml(&imported);
    assert!(yaml.contains("172.46.1.5"), "{yaml}");
    assert!(yaml.contains("isolated: true"), "{yaml}");
    assert!(!yaml.contains("probe"), "{yaml}");
}

/// A design that would own the host is refused by apply itself, whoever calls it, before
/// anything is created; accepted with a reason, the same design applies. The finding here
/// is the Docker socket mounted into a container.
#[tokio::test]
async fn docker_apply_refuses_unaccepted_error_findings() {
    let _churn = shared().await;
    let engine = engine().await;
    let name = unique("gate");
    let _guard = Guard::new(&name);
    let text = |accept: &str| {
        format!(
            "bulkhead: 1\nname: {name}\nservices:\n  agent:\n    image: {TEST_IMAGE}\n    network: closed\n    compose: {{ command: [sleep, '600'], volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro'], ulimits: {{ nofile: {{ soft: 512, hard: 1024 }} }} }}\n{accept}"
        )
    };
    let d = valid(&text(""));
    let plan = engine::plan(&d, &engine).await.unwrap();
    let refused = engine::apply(&d, &engine, &plan, engine::ApplyOptions::default(), &|_| {})
        .await
        .expect_err("refused");
    let message = refused.to_string();
    assert!(message.contains("docker-socket"), "{message}");
    assert!(message.contains("reason"), "{message}");
    assert_eq!(engine.changes_made(), 0);
    assert!(
        output(
            "docker",
            &[
                "ps",
                "-aq",
                "--filter",
                &format!("name={}", container(&name, "agent"))
            ]
        )
        .trim()
        .is_empty(),
        "nothing was created"
    );

    let d = valid(&text(
        "    accept: [{code: docker-socket, reason: 'reads container events for the audit'}]\n",
    ));
    apply(&d, &engine, false).await;
    let mounts = output(
        "docker",
        &[
            "inspect",
            "-f",
            "{{range .Mounts}}{{.Source}} {{end}}",
            &container(&name, "agent"),
        ],
    );
    assert!(mounts.contains("/var/run/docker.sock"), "{mounts}");
    let limits = output(
        "docker",
        &[
            "inspect",
            "-f",
            "{{json .HostConfig.Ulimits}}",
            &container(&name, "agent"),
        ],
    );
    assert!(
        limits.contains(r#""Name":"nofile","Hard":1024,"Soft":512"#),
        "{limits}"
    );
}

/// Removes the test bridge when dropped.
struct TestBridge(&'static str);

impl Drop for TestBridge {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["link", "del", self.0])
            .status();
    }
}

/// On the real host: a zone whose subnet covers one of the host's routes, or whose bridge
/// takes the name of one of its interfaces, is a conflict, and nothing is created. The
/// route and interface here are an empty bridge made for the test (not a Docker network).
#[tokio::test]
async fn docker_plan_refuses_zones_that_collide_with_the_host() {
    let _churn = shared().await;
    let engine = engine().await;
    let bridge = TestBridge("bh-hosttest0");
    let _ = std::process::Command::new("ip")
        .args(["link", "del", bridge.0])
        .status();
    for args in [
        vec!["link", "add", bridge.0, "type", "bridge"],
        vec!["link", "set", bridge.0, "up"],
        vec!["route", "add", "10.251.0.0/16", "dev", bridge.0],
    ] {
        assert!(
            std::process::Command::new("ip")
                .args(&args)
                .status()
                .unwrap()
                .success(),
            "ip {args:?}"
        );
    }
    let name = unique("hostnet");
    let _guard = Guard::new(&name);
    let d = valid(&format!(
        "bulkhead: 1\nname: {name}\nzones:\n  lan: {{ trust: internal, subnet: 10.251.3.0/24 }}\n  named: {{ trust: internal, subnet: 172.45.9.0/24, bridge: {} }}\n",
        bridge.0
    ));
    let plan = engine::plan(&d, &engine).await.unwrap();
    let reasons: Vec<&str> = plan.conflicts.iter().map(|c| c.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("route to 10.251.0.0/16 via bh-hosttest0")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("bridge bh-hosttest0") && r.contains("interface of that name")),
        "{reasons:#?}"
    );
    assert!(plan.actions.is_empty(), "{plan}");
}
