//! Shared helpers: templates as checked designs, running tools, temporary files.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use design::{ValidDesign, check, parse_document, templates};

/// A template, checked.
pub fn template(name: &str) -> ValidDesign {
    let text = templates::get(name).expect("template exists");
    valid(text)
}

/// A design document, checked; panics with the diagnostics when it has errors.
pub fn valid(text: &str) -> ValidDesign {
    let raw = parse_document(text).expect("design parses");
    check(&raw).unwrap_or_else(|d| panic!("design has errors: {d:#?}"))
}

/// A file under the system temporary directory, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    /// Writes `contents` to a fresh file whose name ends in `suffix`.
    pub fn new(suffix: &str, contents: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("bh-compile-{}-{n}{suffix}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs a tool, feeding `stdin`; panics loudly when the tool is missing.
pub fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("`{program}` is required by this test and could not be run: {e}")
        });
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for tool")
}

/// Runs a tool and panics with its output unless it succeeds; returns stdout.
pub fn run_ok(program: &str, args: &[&str], stdin: Option<&str>) -> String {
    let out = run(program, args, stdin);
    assert!(
        out.status.success(),
        "`{program} {}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether a TCP connection from network namespace `ns` to `address`:`port` arrives:
/// refused (nothing listens) counts as arrived, a timeout (2 s) as dropped.
pub fn tcp_arrives(ns: &str, address: &str, port: u16) -> bool {
    let connect = format!("exec 3<>/dev/tcp/{address}/{port}");
    let args = ["netns", "exec", ns, "timeout", "2", "bash", "-c", &connect];
    let out = run("ip", &args, None);
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(124) => false,
        Some(_) if err.contains("refused") || out.status.success() => true,
        other => panic!("unexpected answer {other:?}: {err}"),
    }
}

/// A design exercising every feature the compilers render: several zones (internal,
/// isolated, pinned subnets), static addresses, aliases, every network mode, published
/// ports, hardening, `compose:` keys, allow and deny flows with logging, and a host
/// policy with rate limits.
pub const KITCHEN_SINK: &str = "bulkhead: 1
name: sink
description: Every feature the compilers render
defaults:
  subnet_pool: 10.213.0.0/16
  hardening: { cap_drop: [ALL], no_new_privileges: true, read_only: true, pids_limit: 128 }
zones:
  edge:   { trust: public, subnet: 10.213.1.0/24, gateway: 10.213.1.254, labels: { team: web } }
  app:    { trust: internal, subnet: 10.213.2.0/24 }
  data:   { trust: vault, internal: true, isolated: true, subnet: 10.213.3.0/24, bridge: bh-sink-data }
  ops:    { trust: restricted, internal: true, isolated: true }
services:
  proxy:
    image: nginx:1.27
    zones: [edge, app]
    ports: ['443:443', '127.0.0.1:8080:80/tcp', '53:53/udp']
    hardening: { cap_add: [NET_BIND_SERVICE], tmpfs: ['/var/cache/nginx:size=16m'], memory: 256m, cpus: '0.5' }
  api:
    image: example/api:2
    zones: { app: { ipv4: 10.213.2.20, aliases: [backend, api.internal] }, data: {}, ops: {} }
    hardening: { user: '1000:1000', security_opt: ['apparmor=docker-default'] }
    compose:
      command: [serve, --port, '8000']
      environment: { MODE: production, QUOTE: \"it's a 'test'\", CONN: 'postgres://$USER@db/${DB}' }
      healthcheck: { test: ['CMD', 'true'], interval: 10s }
  db:
    image: postgres:16
    zones: { data: { ipv4: 10.213.3.10, aliases: [db] } }
    compose: { volumes: ['pgdata:/var/lib/postgresql/data'], secrets: [db_password] }
  cache: { image: redis:7, zones: [data] }
  agent: { image: example/agent:1, zones: [ops] }
  sidecar: { image: example/sidecar:1, network: 'container:api' }
  batch: { image: example/batch:1, network: closed }
  legacy: { image: example/legacy:1, hardening: { privileged: true, read_only: false } }
  sniffer: { image: example/sniffer:1, network: host, accept: [{code: host-network, reason: \"captures the uplink for the IDS\"}] }
flows:
  - { from: api, to: db, ports: [tcp/5432], note: \"the app's database\" }
  - { from: api, to: cache, ports: [tcp/6379, udp/7000-7010, icmp], log: true }
  - { from: agent, to: api, ports: [tcp/9100] }
  - { from: proxy, to: api, ports: [tcp/22], action: deny, log: true }
volumes:
  pgdata:
  archive: { external: true, name: nas-archive }
  scratch: { labels: { team: data } }
secrets:
  db_password: { file: /srv/bulkhead/secrets/db_password }
host:
  external_interface: eth0
  allow_inbound: [tcp/443, udp/53, icmp]
  rate_limit:
    tcp/443: { per_source: 100/sec, max_connections: 50 }
  log_denied: true
";

/// Observe mode (docs/design-format.md, "Observe mode"): the design observes (its host policy
/// and its zones), one zone enforces anyway; an isolated zone with an allow and a deny flow,
/// an open zone with a deny flow, the host's and the published ports' protections, and a
/// rate limit (observed without a log).
pub const OBSERVED: &str = "bulkhead: 1
name: rollout
mode: observe
zones:
  web:  { trust: public, subnet: 10.214.1.0/24 }
  data: { trust: vault, internal: true, isolated: true, subnet: 10.214.3.0/24 }
  ops:  { trust: restricted, internal: true, isolated: true, subnet: 10.214.4.0/24, mode: enforce }
services:
  proxy: { image: nginx:1.27, zones: [web], ports: ['8443:443'] }
  api: { image: example/api:2, zones: [web, data, ops] }
  db: { image: postgres:16, zones: { data: { ipv4: 10.214.3.10 } } }
  cache: { image: redis:7, zones: [data] }
  agent: { image: example/agent:1, zones: [ops] }
flows:
  - { from: api, to: db, ports: [tcp/5432] }
  - { from: api, to: cache, ports: [tcp/6379], action: deny }
  - { from: proxy, to: api, ports: [tcp/22], action: deny }
host:
  external_interface: eth0
  allow_inbound: [tcp/8443]
  rate_limit:
    tcp/8443: { per_source: 100/sec }
  log_denied: true
  protect_host: true
  protect_published: true
";
