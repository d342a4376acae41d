//! `host.protect_host` with real packets, for both firewalls: a network namespace plays the
//! host (a zone bridge with the zone's gateway address), another plays a container on that
//! bridge, and the compiled rules are loaded into the host's namespace alone. The container
//! reaches the host on the listed port and on no other; without the rules, on every port.

use std::process::Command;

use design::compile::{Format, compile, input_chain_name};

use crate::helpers::{run_ok, tcp_arrives, valid};

const DESIGN: &str = "bulkhead: 1
name: hostlab
zones:
  z: { trust: internal, subnet: 10.199.7.0/24, bridge: bhlab7 }
services:
  a: { image: x:1, zones: [z] }
host:
  protect_host: true
  host_ports: [tcp/8079]
";

/// Two namespaces joined by a veth whose host end sits on the zone's bridge; removed (with
/// everything in them) when dropped.
struct Lab {
    host: String,
    container: String,
}

impl Lab {
    fn new(tag: &str) -> Self {
        let id = std::process::id() % 100_000;
        let lab = Self {
            host: format!("bhlab-h{tag}{id}"),
            container: format!("bhlab-c{tag}{id}"),
        };
        lab.remove();
        for ns in [&lab.host, &lab.container] {
            run_ok("ip", &["netns", "add", ns], None);
        }
        let h = ["netns", "exec", &lab.host];
        let sh = |args: &[&str]| run_ok("ip", &[&h[..], &["ip"], args].concat(), None);
        sh(&["link", "add", "bhlab7", "type", "bridge"]);
        sh(&["addr", "add", "10.199.7.1/24", "dev", "bhlab7"]);
        sh(&["link", "set", "bhlab7", "up"]);
        sh(&["link", "set", "lo", "up"]);
        sh(&["link", "add", "vh", "type", "veth", "peer", "name", "vc"]);
        sh(&["link", "set", "vh", "master", "bhlab7", "up"]);
        sh(&["link", "set", "vc", "netns", &lab.container]);
        let c = ["netns", "exec", &lab.container, "ip"];
        run_ok(
            "ip",
            &[&c[..], &["addr", "add", "10.199.7.2/24", "dev", "vc"]].concat(),
            None,
        );
        run_ok("ip", &[&c[..], &["link", "set", "vc", "up"]].concat(), None);
        lab
    }

    /// Runs a program in the host's namespace.
    fn in_host(&self, program: &str, args: &[&str], stdin: Option<&str>) -> String {
        let all = [&["netns", "exec", &self.host, program][..], args].concat();
        run_ok("ip", &all, stdin)
    }

    /// Whether a TCP connection from the container to the host's gateway address on `port`
    /// arrives: refused (nothing listens) counts as arrived, a timeout as dropped.
    fn reaches(&self, port: u16) -> bool {
        tcp_arrives(&self.container, "10.199.7.1", port)
    }

    fn remove(&self) {
        for ns in [&self.host, &self.container] {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The iptables input chain, jumped to from INPUT, closes the host but the listed port.
#[test]
fn iptables_input_chain_with_real_packets() {
    let design = valid(DESIGN);
    let lab = Lab::new("i");
    assert!(lab.reaches(9), "without rules the host is open");
    let rules = compile(&design, Format::Iptables, None);
    lab.in_host("iptables-restore", &["-w", "--noflush"], Some(&rules));
    let chain = input_chain_name(&design.name);
    lab.in_host("iptables", &["-w", "-I", "INPUT", "1", "-j", &chain], None);
    assert!(!lab.reaches(9), "port 9 is not in host_ports");
    assert!(!lab.reaches(22), "port 22 is not in host_ports");
    assert!(lab.reaches(8079), "port 8079 is in host_ports");
}

/// The nftables table's input chain does the same.
#[test]
fn nftables_input_chain_with_real_packets() {
    let design = valid(DESIGN);
    let lab = Lab::new("n");
    assert!(lab.reaches(9), "without rules the host is open");
    let table = compile(&design, Format::Nftables, None);
    lab.in_host("nft", &["-f", "-"], Some(&table));
    assert!(!lab.reaches(9), "port 9 is not in host_ports");
    assert!(!lab.reaches(22), "port 22 is not in host_ports");
    assert!(lab.reaches(8079), "port 8079 is in host_ports");
}
