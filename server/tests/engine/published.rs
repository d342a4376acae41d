//! Published ports as a path between zones, on the live engine: `svc-a` in an isolated zone
//! shares no zone with `proxy`, which publishes a port on every address and one on loopback.
//! Without `host.protect_published` the analysis predicts that `svc-a` reaches the published
//! port through the host and verify observes it; with it (and a flow `via: host` for
//! `svc-b`), `svc-a` is blocked while `svc-b` still gets through, and verify agrees at every
//! host address. A service only in an internal zone never gets there, and a loopback binding
//! is never reached from a container.

use crate::helpers::*;
use server::engine::{self, Target, VerifyOptions};

const PUBLISHED: u16 = 18451;
const LOOPBACK: u16 = 18452;
/// Bound to one host address alone: Docker's default bridge's gateway.
const BOUND: u16 = 18453;

/// The host's address on Docker's default bridge.
fn docker0() -> String {
    let out = output("ip", &["-4", "-o", "addr", "show", "docker0"]);
    out.split_whitespace()
        .skip_while(|w| *w != "inet")
        .nth(1)
        .and_then(|cidr| cidr.split('/').next())
        .expect("docker0 has an address")
        .to_owned()
}

fn text(name: &str, host: &str) -> String {
    let bound = docker0();
    format!(
        r#"bulkhead: 1
name: {name}
defaults:
  hardening: {{ cap_drop: [ALL], no_new_privileges: true, read_only: true }}
zones:
  edge:  {{ trust: public, subnet: 172.51.1.0/24, gateway: 172.51.1.1 }}
  mesh:  {{ trust: internal, isolated: true, subnet: 172.51.2.0/24, gateway: 172.51.2.1 }}
  vault: {{ trust: restricted, internal: true, subnet: 172.51.3.0/24, gateway: 172.51.3.1 }}
services:
  proxy:
    image: {TEST_IMAGE}
    zones: [edge]
    ports: ["{PUBLISHED}:8443", "127.0.0.1:{LOOPBACK}:8444", "{bound}:{BOUND}:8443"]
    compose: {{ command: [httpd, -f, -p, "0.0.0.0:8443", -h, /www] }}
  svc-a: {{ image: {TEST_IMAGE}, zones: [mesh] }}
  svc-b: {{ image: {TEST_IMAGE}, zones: [mesh] }}
  inner: {{ image: {TEST_IMAGE}, zones: [vault] }}
{host}"#
    )
}

/// Whether a TCP connection from `container` to `address:port` is accepted (not only
/// answered with a refusal, which [`exec_reaches`] also counts).
fn exec_connects(container: &str, address: &str, port: u16) -> bool {
    output(
        "docker",
        &[
            "exec",
            container,
            "/bin/sh",
            "-c",
            &format!("nc -w 2 {address} {port} -e true </dev/null >/dev/null 2>&1; echo rc=$?"),
        ],
    )
    .contains("rc=0")
}

/// The checks through the host from `from` to `proxy`'s port `port`: (address, port,
/// expected, observed).
fn via_host(
    v: &engine::VerifyReport,
    from: &str,
    port: u16,
) -> Vec<(String, Option<u16>, bool, bool)> {
    v.checks
        .iter()
        .filter(|c| {
            c.from == from
                && c.via_host
                && c.port == Some(port)
                && c.to == Target::Service("proxy".into())
        })
        .map(|c| (c.address.to_string(), c.port, c.expected, c.observed))
        .collect()
}

#[tokio::test]
async fn docker_published_ports_are_a_path_between_zones_until_protected() {
    let _churn = exclusive().await;
    let engine = engine().await;
    let name = unique("publish");
    let _guard = Guard::new(&name);
    let open = valid(&text(&name, ""));

    // Unprotected: predicted and observed reachable through the host, at svc-a's gateway and
    // at the host's address outside every zone; never from the internal-only service.
    apply(&open, &engine, true).await;
    let v = engine::verify(&open, &engine, VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{v}");
    let a = via_host(&v, "svc-a", PUBLISHED);
    assert!(a.len() >= 2, "{a:?}\n{v}");
    assert!(
        a.iter()
            .all(|(_, port, e, o)| *port == Some(PUBLISHED) && *e && *o),
        "{a:?}"
    );
    assert!(a.iter().any(|(addr, ..)| addr == "172.51.2.1"), "{a:?}");
    // The port bound to one address is tried there alone, and reached.
    let bound = via_host(&v, "svc-a", BOUND);
    assert_eq!(bound, [(docker0(), Some(BOUND), true, true)], "{v}");
    let inner = via_host(&v, "inner", PUBLISHED);
    assert!(
        !inner.is_empty() && inner.iter().all(|(.., e, o)| !e && !o),
        "{inner:?}"
    );
    // The loopback binding is not a path: it is not even probed.
    assert!(v.checks.iter().all(|c| c.port != Some(LOOPBACK)), "{v}");
    let text_report = v.to_string();
    assert!(
        text_report.contains("host = reachable only"),
        "{text_report}"
    );
    // `docker exec` agrees.
    let svc_a = container(&name, "svc-a");
    assert!(exec_reaches(&svc_a, "172.51.2.1", PUBLISHED));
    // Nothing listens for the loopback binding at the gateway: refused, never connected.
    assert!(!exec_connects(&svc_a, "172.51.2.1", LOOPBACK));
    assert!(exec_connects(&svc_a, "172.51.2.1", PUBLISHED));
    assert!(!exec_reaches(
        &container(&name, "inner"),
        "172.51.3.1",
        PUBLISHED
    ));

    // Protected, with a flow via the host for svc-b alone: with protect_published alone, then
    // with protect_host too (host_ports lists nothing: the flow's rule comes first).
    let flow =
        format!("flows:\n  - {{ from: svc-b, to: proxy, ports: [tcp/{PUBLISHED}], via: host }}\n");
    let published_only = valid(&text(
        &name,
        &format!("{flow}host:\n  protect_published: true\n"),
    ));
    let v = apply_guarded(&published_only, &engine).await;
    assert_eq!(
        via_host(&v, "svc-a", PUBLISHED)
            .iter()
            .map(|(.., e, o)| (*e, *o))
            .collect::<Vec<_>>(),
        [(false, false), (false, false)],
        "{v}"
    );
    assert!(exec_reaches(
        &container(&name, "svc-b"),
        "172.51.2.1",
        PUBLISHED
    ));
    let guarded = valid(&text(
        &name,
        &format!("{flow}host:\n  protect_host: true\n  protect_published: true\n"),
    ));
    let v = apply_guarded(&guarded, &engine).await;
    let a = via_host(&v, "svc-a", PUBLISHED);
    assert!(
        !a.is_empty() && a.iter().all(|(.., e, o)| !e && !o),
        "{a:?}\n{v}"
    );
    let b = via_host(&v, "svc-b", PUBLISHED);
    assert!(
        !b.is_empty() && b.iter().all(|(.., e, o)| *e && *o),
        "{b:?}\n{v}"
    );
    // The flow opens the port it names, not the other one proxy publishes.
    assert_eq!(
        via_host(&v, "svc-b", BOUND),
        [(docker0(), Some(BOUND), false, false)],
        "{v}"
    );
    assert!(!exec_reaches(&svc_a, "172.51.2.1", PUBLISHED));
    assert!(exec_reaches(
        &container(&name, "svc-b"),
        "172.51.2.1",
        PUBLISHED
    ));
    // From outside the zones (the host itself) the port stays open.
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", PUBLISHED)).is_ok(),
        "the host reaches its own published port"
    );
    let drift = engine::drift(&guarded, &engine).await.unwrap();
    assert!(drift.in_sync(), "{drift}");

    // The protection taken away again: the input chain goes and the path is back.
    apply(&open, &engine, true).await;
    assert!(!jumped_to("INPUT", &input_chain(&name)));
    assert!(exec_reaches(&svc_a, "172.51.2.1", PUBLISHED));
    let destroyed = engine::destroy(&open, &engine).await.unwrap();
    assert!(destroyed.left_alone.is_empty(), "{destroyed:?}");
}
