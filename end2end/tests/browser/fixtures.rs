//! What the browser tests that run on this host's engine share: a design of two probe-image
//! services, the local engine's registration, and the clean-up that takes a design off the
//! engine whatever happens to the test.

use server::engine::{DockerEngine, PROBE_IMAGE};

/// Two services on the probe image in an isolated zone on `subnet`, `client` allowed to
/// `web` on tcp/80, each with `memory`.
pub fn document(name: &str, subnet: &str, memory: &str) -> String {
    let hardening = format!(
        "{{ cap_drop: [ALL], no_new_privileges: true, read_only: true, memory: {memory}, pids_limit: 64 }}"
    );
    format!(
        "bulkhead: 1\nname: {name}\nzones:\n  app: {{ trust: internal, isolated: true, subnet: {subnet} }}\n\
         services:\n  web:\n    image: {PROBE_IMAGE}\n    zones: [app]\n    hardening: {hardening}\n    \
         compose: {{ command: [httpd, -f, -p, \"0.0.0.0:80\", -h, /] }}\n  client:\n    image: {PROBE_IMAGE}\n    \
         zones: [app]\n    hardening: {hardening}\n    compose: {{ command: [sleep, \"3600\"] }}\n\
         flows:\n  - {{ from: client, to: web, ports: [tcp/80] }}\n"
    )
}

/// This host's engine as `local`, asking for `approvals` approvals before an apply.
pub fn local_engine(approvals: u8) -> server::store::engines::EngineFields {
    server::store::engines::EngineFields {
        name: "local".into(),
        endpoint: "unix:///var/run/docker.sock".into(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        note: String::new(),
        approvals_required: approvals,
    }
}

/// Takes the design named `.0` off the engine (containers, networks, its firewall chain).
pub struct Cleanup(pub String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let label = format!("label=io.bulkhead.design={}", self.0);
        let run = |args: &[&str]| {
            std::process::Command::new("docker")
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
        };
        for id in run(&["ps", "-aq", "--filter", &label]).split_whitespace() {
            run(&["rm", "-f", id]);
        }
        for id in run(&["network", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["network", "rm", id]);
        }
        let name = design::model::DesignName::parse(&self.0).unwrap();
        let chain = design::compile::chain_name(&name);
        while std::process::Command::new("iptables")
            .args(["-w", "-D", "DOCKER-USER", "-j", &chain])
            .output()
            .is_ok_and(|o| o.status.success())
        {}
        for flag in ["-F", "-X"] {
            let _ = std::process::Command::new("iptables")
                .args(["-w", flag, &chain])
                .output();
        }
    }
}

/// The local engine answers and holds the probe image (built here when missing).
pub async fn probe_image() {
    DockerEngine::connect()
        .await
        .expect("the local engine answers")
        .ensure_probe_image()
        .await
        .unwrap();
}
