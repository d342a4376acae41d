//! Typed helpers for the engine tests: a connected engine, the local test image, designs
//! with unique names and subnets, and a guard that removes everything a test created (by
//! the design's label and the design's chain), also when the test fails.

use std::process::Command;

use server::engine::{self, ApplyOptions, DockerEngine};

/// The image test services run: busybox built locally (there is no registry).
pub const TEST_IMAGE: &str = "bulkhead-test/busybox:1";

static BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Docker (20.10 here) deletes and re-inserts its FORWARD jumps to DOCKER-USER and
/// DOCKER-ISOLATION-STAGE-1 whenever a network is created or removed, so while another test
/// creates or removes networks, traffic between zones briefly passes (measured here: 5 of
/// 20 cross-network connection attempts went through during a create/remove loop). Tests
/// that verify isolation hold this lock exclusively for their whole run; every other test
/// that changes networks holds it shared.
static NETWORK_CHURN: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// For a test that verifies isolation: no other test changes networks meanwhile.
pub async fn exclusive() -> tokio::sync::RwLockWriteGuard<'static, ()> {
    NETWORK_CHURN.write().await
}

/// For a test that creates or removes networks but does not verify isolation.
pub async fn shared() -> tokio::sync::RwLockReadGuard<'static, ()> {
    NETWORK_CHURN.read().await
}

/// Connects to the engine, failing loudly when there is none.
pub async fn engine() -> DockerEngine {
    assert!(
        std::path::Path::new("/var/run/docker.sock").exists()
            || std::env::var("DOCKER_HOST").is_ok(),
        "these tests need a Docker engine: /var/run/docker.sock is missing and DOCKER_HOST is not set"
    );
    let engine = DockerEngine::connect()
        .await
        .expect("these tests need a reachable Docker engine");
    let _lock = BUILD.lock().await;
    if !engine.has_image(TEST_IMAGE).await.unwrap() {
        engine::busybox_image(&engine, TEST_IMAGE).await.unwrap();
    }
    engine
}

/// Removes a design's containers, networks and firewall chain through the docker CLI and
/// iptables when dropped.
pub struct Guard {
    pub name: String,
    pub extra_networks: Vec<String>,
}

impl Guard {
    pub fn new(name: &str) -> Self {
        let guard = Self {
            name: name.to_owned(),
            extra_networks: Vec::new(),
        };
        guard.clean();
        guard
    }

    fn clean(&self) {
        let label = format!("label=io.bulkhead.design={}", self.name);
        let ids = output("docker", &["ps", "-aq", "--filter", &label]);
        for id in ids.split_whitespace() {
            let _ = Command::new("docker").args(["rm", "-f", id]).output();
        }
        let ids = output(
            "docker",
            &[
                "ps",
                "-aq",
                "--filter",
                &format!("label=com.docker.compose.project={}", self.name),
            ],
        );
        for id in ids.split_whitespace() {
            let _ = Command::new("docker").args(["rm", "-f", id]).output();
        }
        let nets = output("docker", &["network", "ls", "-q", "--filter", &label]);
        for id in nets.split_whitespace() {
            let _ = Command::new("docker").args(["network", "rm", id]).output();
        }
        for n in &self.extra_networks {
            let _ = Command::new("docker").args(["network", "rm", n]).output();
        }
        for (from, chain) in [
            ("DOCKER-USER", chain(&self.name)),
            ("INPUT", input_chain(&self.name)),
        ] {
            while Command::new("iptables")
                .args(["-w", "-D", from, "-j", &chain])
                .output()
                .is_ok_and(|o| o.status.success())
            {}
            let _ = Command::new("iptables").args(["-w", "-F", &chain]).output();
            let _ = Command::new("iptables").args(["-w", "-X", &chain]).output();
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.clean();
    }
}

/// The design's iptables chain name.
pub fn chain(design: &str) -> String {
    design::compile::chain_name(&design::model::DesignName::parse(design).unwrap())
}

/// The design's input chain name (host.protect_host).
pub fn input_chain(design: &str) -> String {
    design::compile::input_chain_name(&design::model::DesignName::parse(design).unwrap())
}

/// Whether iptables has `chain` and `from` jumps to it.
pub fn jumped_to(from: &str, chain: &str) -> bool {
    Command::new("iptables")
        .args(["-w", "-C", from, "-j", chain])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The container of service `service` of design `design`.
pub fn container(design: &str, service: &str) -> String {
    design::compile::container_name(
        &design::model::DesignName::parse(design).unwrap(),
        &design::model::ServiceName::parse(service).unwrap(),
    )
}

/// Runs a command and returns its stdout (empty on failure).
pub fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Parses and checks a design text.
pub fn valid(text: &str) -> design::ValidDesign {
    let raw = design::parse_document(text).unwrap();
    design::check(&raw).unwrap_or_else(|d| panic!("design has errors: {d:?}"))
}

/// A unique design name for this test.
pub fn unique(tag: &str) -> String {
    format!("bht{}-{tag}", std::process::id() % 100_000)
}

/// The three-tier template with this machine's local image, `compose:` commands that keep
/// ports open, subnets in `172.<n>.0.0/16` and a loopback port so tests can run together.
pub fn three_tier(name: &str, n: u8, host_port: u16) -> String {
    format!(
        r#"bulkhead: 1
name: {name}
description: three-tier with local images
defaults:
  subnet_pool: 172.{n}.0.0/16
  hardening: {{ cap_drop: [ALL], no_new_privileges: true, read_only: true }}
zones:
  public-dmz:       {{ trust: public }}
  application-tier: {{ trust: internal, subnet: 172.{n}.2.0/24, gateway: 172.{n}.2.1 }}
  database-tier:    {{ trust: vault, internal: true, isolated: true, subnet: 172.{n}.9.0/24, bridge: bh{n}data }}
services:
  lb:
    image: {TEST_IMAGE}
    zones: [public-dmz]
    ports: ["127.0.0.1:{host_port}:443"]
    hardening: {{ cap_add: [NET_BIND_SERVICE], read_only: false }}
    compose: {{ command: [httpd, -f, -p, "0.0.0.0:443", -h, /www] }}
  frontend: {{ image: {TEST_IMAGE}, zones: [public-dmz, application-tier] }}
  api:
    image: {TEST_IMAGE}
    zones: [application-tier, database-tier]
    hardening: {{ user: "1000:1000" }}
    compose: {{ command: [httpd, -f, -p, "0.0.0.0:8080", -h, /www] }}
  postgres:
    image: {TEST_IMAGE}
    zones: {{ database-tier: {{ ipv4: 172.{n}.9.10, aliases: [db] }} }}
    compose:
      environment: {{ POSTGRES_PASSWORD_FILE: /run/secrets/db_password }}
      command: [httpd, -f, -p, "0.0.0.0:5432", -h, /www]
  cache:
    image: {TEST_IMAGE}
    zones: [database-tier]
    compose: {{ command: [httpd, -f, -p, "0.0.0.0:6379", -h, /www] }}
flows:
  - {{ from: api, to: postgres, ports: [tcp/5432] }}
  - {{ from: api, to: cache, ports: [tcp/6379], note: session cache }}
  - {{ from: api, to: cache, ports: [udp/5353], note: cache discovery }}
host:
  external_interface: eth0
  allow_inbound: [tcp/443]
  log_denied: true
"#
    )
}

/// Plans and applies, asserting success.
pub async fn apply(
    d: &design::ValidDesign,
    engine: &DockerEngine,
    firewall: bool,
) -> engine::ApplyReport {
    let plan = engine::plan(d, engine).await.unwrap();
    assert!(plan.conflicts.is_empty(), "{}", plan);
    let report = engine::apply(
        d,
        engine,
        &plan,
        ApplyOptions {
            firewall,
            ..ApplyOptions::default()
        },
        &|_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{}", report);
    report
}

/// Applies a design that guards the host with its firewall, asserting that the firewall is
/// installed and that INPUT jumps to its input chain; verifies it and asserts that every
/// check matches.
pub async fn apply_guarded(d: &design::ValidDesign, engine: &DockerEngine) -> engine::VerifyReport {
    let report = apply(d, engine, true).await;
    assert!(
        matches!(report.firewall, engine::FirewallOutcome::Installed { .. }),
        "{report}"
    );
    assert!(jumped_to("INPUT", &input_chain(d.name.as_str())));
    let v = engine::verify(d, engine, engine::VerifyOptions::default())
        .await
        .unwrap();
    assert!(v.passed(), "{v}");
    v
}

/// Runs `docker exec CONTAINER nc …` and says whether the port was reached (open or
/// refused), as a spot check independent of verify's probes.
pub fn exec_reaches(container: &str, address: &str, port: u16) -> bool {
    let out = Command::new("docker")
        .args([
            "exec",
            container,
            "/bin/sh",
            "-c",
            &format!("nc -w 2 {address} {port} -e true </dev/null 2>&1; echo rc=$?"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.contains("rc=0") || text.contains("refused")
}

/// A network namespace reached from the host through a veth pair: a routed address outside
/// every zone and outside the host, for proving egress. Nothing listens there, so a
/// connection that arrives is refused (which counts as reached). Removed when dropped.
pub struct OutsideHost {
    pub netns: String,
    pub host_if: String,
    pub address: std::net::Ipv4Addr,
}

impl OutsideHost {
    pub fn new(tag: u8) -> Self {
        let netns = format!("bh-out-{}-{tag}", std::process::id());
        let host_if = format!("bho{}{tag}", std::process::id() % 100_000);
        let peer = format!("{host_if}p");
        // 198.18.0.0/15 is set aside for benchmarks (RFC 2544): no zone or real network uses it.
        let host_addr = format!("198.18.{tag}.1/30");
        let address = std::net::Ipv4Addr::new(198, 18, tag, 2);
        let run = |args: &[&str]| {
            let out = Command::new("ip")
                .args(args)
                .output()
                .expect("the ip command runs");
            assert!(
                out.status.success(),
                "ip {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let outside = Self {
            netns: netns.clone(),
            host_if: host_if.clone(),
            address,
        };
        run(&["netns", "add", &netns]);
        run(&[
            "link", "add", &host_if, "type", "veth", "peer", "name", &peer,
        ]);
        run(&["link", "set", &peer, "netns", &netns]);
        run(&["addr", "add", &host_addr, "dev", &host_if]);
        run(&["link", "set", &host_if, "up"]);
        run(&[
            "-n",
            &netns,
            "addr",
            "add",
            &format!("{address}/30"),
            "dev",
            &peer,
        ]);
        run(&["-n", &netns, "link", "set", &peer, "up"]);
        run(&["-n", &netns, "link", "set", "lo", "up"]);
        run(&[
            "-n",
            &netns,
            "route",
            "add",
            "default",
            "via",
            &format!("198.18.{tag}.1"),
        ]);
        outside
    }
}

impl Drop for OutsideHost {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["link", "del", &self.host_if])
            .output();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.netns])
            .output();
    }
}
