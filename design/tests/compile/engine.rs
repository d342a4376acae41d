//! Against the real Docker engine and host firewall of this machine: the exported Compose
//! file's networks brought up by the installed compose tool, checked with
//! `docker network inspect`; the firewall script applied twice, inspected and removed.
//! Every object carries a name unique to the test run and is removed afterwards, also
//! when an assertion fails (the guards clean up on drop).

use design::compile::{Format, chain_name, compile};
use serde_json::Value;

use crate::helpers::{TempFile, run, run_ok, valid};

/// A unique, short design name and a subnet block for this run.
fn unique() -> (String, u32) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    let id = std::process::id() ^ nanos;
    (format!("bhct{:x}", id & 0xff_ffff), (id % 60) * 4)
}

fn design_text(name: &str, block: u32) -> String {
    format!(
        "bulkhead: 1
name: {name}
defaults:
  hardening: {{ cap_drop: [ALL], no_new_privileges: true, read_only: true }}
zones:
  front: {{ trust: public, subnet: 10.232.{a}.0/24, gateway: 10.232.{a}.254 }}
  back:  {{ trust: internal, internal: true, subnet: 10.232.{b}.0/24 }}
  vault: {{ trust: vault, internal: true, isolated: true, subnet: 10.232.{c}.0/24 }}
services:
  web: {{ image: IMAGE, zones: [front, back] }}
  api: {{ image: IMAGE, zones: {{ back: {{ ipv4: 10.232.{b}.20, aliases: [backend] }}, vault: {{}} }} }}
  db:  {{ image: IMAGE, zones: [vault] }}
  tool: {{ image: IMAGE, network: 'container:api' }}
flows:
  - {{ from: api, to: db, ports: [tcp/5432] }}
",
        a = block,
        b = block + 1,
        c = block + 2
    )
}

/// Removes the Compose project's containers and networks, and the image.
struct ComposeGuard {
    project: String,
    file: String,
    image: String,
}

impl Drop for ComposeGuard {
    fn drop(&mut self) {
        let _ = run(
            "docker-compose",
            &[
                "-p",
                &self.project,
                "-f",
                &self.file,
                "down",
                "--remove-orphans",
            ],
            None,
        );
        let _ = run("docker", &["rmi", "-f", &self.image], None);
    }
}

/// Takes the design's chain and its jump away.
struct ChainGuard {
    script: String,
}

impl Drop for ChainGuard {
    fn drop(&mut self) {
        let _ = run("bash", &[&self.script, "--remove"], None);
    }
}

fn build_image(tag: &str) {
    let dir = std::env::temp_dir().join(format!("bh-compile-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("image dir");
    std::fs::write(dir.join("noop"), "no-op\n").expect("file");
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM scratch\nCOPY noop /noop\nCMD [\"/noop\"]\n",
    )
    .expect("Dockerfile");
    run_ok(
        "docker",
        &["build", "-q", "-t", tag, dir.to_str().expect("utf-8")],
        None,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The exported Compose file, brought up with `docker-compose up --no-start` (networks
/// and containers created, nothing started, an image built locally from scratch), gives
/// networks whose subnet, gateway, internal flag, ICC and bridge name are the design's,
/// and containers named `<design>-<service>-1` with the pinned address.
#[test]
fn docker_engine_brings_up_exported_networks() {
    let (name, block) = unique();
    let image = format!("{name}-noop:1");
    let design = valid(&design_text(&name, block).replace("IMAGE", &image));
    let text = compile(&design, Format::Compose, None);
    let file = TempFile::new(".yml", &text);
    let path = file.0.to_str().expect("utf-8").to_owned();
    build_image(&image);
    let _guard = ComposeGuard {
        project: name.clone(),
        file: path.clone(),
        image: image.clone(),
    };
    run_ok(
        "docker-compose",
        &["-p", &name, "-f", &path, "up", "--no-start"],
        None,
    );

    for zone in &design.zones {
        let net = format!("{name}_{}", zone.name);
        let out = run_ok("docker", &["network", "inspect", &net], None);
        let info: Value = serde_json::from_str(&out).expect("inspect is JSON");
        let info = &info[0];
        assert_eq!(info["Internal"], zone.internal, "{net}");
        assert_eq!(
            info["IPAM"]["Config"][0]["Subnet"],
            zone.subnet.to_string(),
            "{net}"
        );
        assert_eq!(
            info["IPAM"]["Config"][0]["Gateway"],
            zone.gateway.to_string(),
            "{net}"
        );
        let opts = &info["Options"];
        assert_eq!(
            opts["com.docker.network.bridge.name"],
            zone.bridge.as_str(),
            "{net}"
        );
        let icc = opts["com.docker.network.bridge.enable_icc"].as_str();
        assert_eq!(icc == Some("false"), zone.isolated, "{net}: {opts}");
        assert_eq!(info["Labels"]["io.bulkhead.zone"], zone.name.as_str());
    }
    let api = format!("{name}-api-1");
    let out = run_ok("docker", &["inspect", &api], None);
    let info: Value = serde_json::from_str(&out).expect("inspect is JSON");
    let back = &info[0]["NetworkSettings"]["Networks"][format!("{name}_back")];
    assert_eq!(
        back["IPAMConfig"]["IPv4Address"],
        format!("10.232.{}.20", block + 1)
    );
    // docker-compose v1 wires `network_mode: service:api` only when api is running, and
    // `--no-start` starts nothing, so only the container's name is checked here.
    run_ok("docker", &["inspect", &format!("{name}-tool-1")], None);
}

fn jumps(chain: &str) -> usize {
    run_ok("iptables", &["-w", "-S", "DOCKER-USER"], None)
        .lines()
        .filter(|l| *l == format!("-A DOCKER-USER -j {chain}"))
        .count()
}

/// The firewall script applied twice leaves one jump and one chain with every rule;
/// `--status` shows it; `--remove` takes both away. Touches only the design's own chain
/// and its jump.
#[test]
fn engine_firewall_script_is_idempotent_and_removable() {
    let (name, block) = unique();
    let design = valid(&design_text(&name, block).replace("IMAGE", "example/app:1"));
    let chain = chain_name(&design.name);
    let script = TempFile::new(".sh", &compile(&design, Format::IptablesScript, None));
    let path = script.0.to_str().expect("utf-8").to_owned();
    let _guard = ChainGuard {
        script: path.clone(),
    };
    let rules = compile(&design, Format::Iptables, None)
        .lines()
        .filter(|l| l.starts_with("-A "))
        .count();
    for _ in 0..2 {
        run_ok("bash", &[&path], None);
        assert_eq!(jumps(&chain), 1);
        let listed = run_ok("iptables", &["-w", "-S", &chain], None);
        assert_eq!(
            listed.lines().filter(|l| l.starts_with("-A ")).count(),
            rules,
            "{listed}"
        );
    }
    let status = run_ok("bash", &[&path, "--status"], None);
    assert!(
        status.contains("jump from DOCKER-USER: present"),
        "{status}"
    );
    run_ok("bash", &[&path, "--remove"], None);
    assert_eq!(jumps(&chain), 0);
    assert!(
        !run("iptables", &["-w", "-S", &chain], None)
            .status
            .success()
    );
}
