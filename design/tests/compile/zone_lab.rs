//! An isolated zone on an nftables engine, with real packets: a network namespace plays the
//! host with the zone's bridge, three more play the zone's members. Docker's ICC stays on
//! there (the bridge forwards between members), and the design's table alone isolates the
//! zone but for its flow. A drop that Docker's ICC off would add in a table of its own beats
//! the design's accept, which is why the engine keeps ICC on with nftables.

use std::process::Command;

use design::compile::{Format, compile};

use crate::helpers::{run_ok, tcp_arrives, valid};

const DESIGN: &str = "bulkhead: 1
name: zonelab
zones:
  z: { trust: internal, isolated: true, subnet: 10.199.8.0/24, bridge: bhlab8 }
services:
  a: { image: x:1, zones: { z: { ipv4: 10.199.8.10 } } }
  b: { image: x:1, zones: { z: { ipv4: 10.199.8.11 } } }
  c: { image: x:1, zones: { z: { ipv4: 10.199.8.12 } } }
flows:
  - { from: a, to: b, ports: [tcp/8080] }
";

/// The members' names and addresses.
const MEMBERS: [(&str, &str); 3] = [
    ("a", "10.199.8.10"),
    ("b", "10.199.8.11"),
    ("c", "10.199.8.12"),
];

/// The host's namespace with the zone's bridge, and one namespace per member on it;
/// removed (with everything in them) when dropped.
struct ZoneLab {
    host: String,
    tag: String,
}

impl ZoneLab {
    fn new(tag: &str) -> Self {
        let tag = format!("{tag}{}", std::process::id() % 100_000);
        let lab = Self {
            host: format!("bhlab-zh{tag}"),
            tag,
        };
        lab.remove();
        run_ok("ip", &["netns", "add", &lab.host], None);
        lab.in_host("ip", &["link", "add", "bhlab8", "type", "bridge"]);
        lab.in_host("ip", &["addr", "add", "10.199.8.1/24", "dev", "bhlab8"]);
        lab.in_host("ip", &["link", "set", "bhlab8", "up"]);
        // Bridged packets pass the IPv4 hooks, as on a Docker host (br_netfilter).
        lab.in_host("sysctl", &["-qw", "net.bridge.bridge-nf-call-iptables=1"]);
        for (name, address) in MEMBERS {
            let ns = lab.member(name);
            run_ok("ip", &["netns", "add", &ns], None);
            let (outer, inner) = (format!("vh{name}"), format!("vc{name}"));
            lab.in_host(
                "ip",
                &[
                    "link", "add", &outer, "type", "veth", "peer", "name", &inner,
                ],
            );
            lab.in_host("ip", &["link", "set", &outer, "master", "bhlab8", "up"]);
            lab.in_host("ip", &["link", "set", &inner, "netns", &ns]);
            let inside = |args: &[&str]| {
                run_ok(
                    "ip",
                    &[&["netns", "exec", &ns, "ip"][..], args].concat(),
                    None,
                )
            };
            inside(&["addr", "add", &format!("{address}/24"), "dev", &inner]);
            inside(&["link", "set", &inner, "up"]);
            inside(&["link", "set", "lo", "up"]);
        }
        lab
    }

    fn member(&self, name: &str) -> String {
        format!("bhlab-z{name}{}", self.tag)
    }

    /// Runs a program in the host's namespace.
    fn in_host(&self, program: &str, args: &[&str]) {
        self.in_host_with(program, args, None);
    }

    fn in_host_with(&self, program: &str, args: &[&str], stdin: Option<&str>) {
        run_ok(
            "ip",
            &[&["netns", "exec", &self.host, program][..], args].concat(),
            stdin,
        );
    }

    /// Whether a TCP connection from member `from` to member `to` on `port` arrives:
    /// refused (nothing listens) counts as arrived, a timeout as dropped.
    fn reaches(&self, from: &str, to: &str, port: u16) -> bool {
        let address = MEMBERS.iter().find(|(n, _)| *n == to).expect("a member").1;
        tcp_arrives(&self.member(from), address, port)
    }

    fn remove(&self) {
        let mut all = vec![self.host.clone()];
        all.extend(MEMBERS.iter().map(|(n, _)| self.member(n)));
        for ns in all {
            let _ = Command::new("ip").args(["netns", "del", &ns]).output();
        }
    }
}

impl Drop for ZoneLab {
    fn drop(&mut self) {
        self.remove();
    }
}

/// With ICC on, the zone is open until the table goes in; then only a reaches b, on the
/// flow's port, and nothing else crosses between members.
#[test]
fn nftables_table_isolates_a_zone_with_icc_on() {
    let lab = ZoneLab::new("i");
    assert!(lab.reaches("a", "c", 9), "ICC on: the bridge forwards");
    assert!(lab.reaches("c", "b", 8080), "ICC on: the bridge forwards");
    let table = compile(&valid(DESIGN), Format::Nftables, None);
    lab.in_host_with("nft", &["-f", "-"], Some(&table));
    assert!(lab.reaches("a", "b", 8080), "the flow a > b tcp/8080");
    assert!(!lab.reaches("a", "b", 9), "not the flow's port");
    assert!(!lab.reaches("b", "a", 8080), "the flow goes one way");
    assert!(!lab.reaches("c", "b", 8080), "c has no flow to b");
    assert!(!lab.reaches("a", "c", 8080), "a has no flow to c");
}

/// Docker's ICC off, as a drop in a table of its own, is final: the design's accept does not
/// save the flow. So on nftables the engine must not turn ICC off.
#[test]
fn a_docker_icc_off_drop_beats_the_tables_accept() {
    let lab = ZoneLab::new("d");
    let table = compile(&valid(DESIGN), Format::Nftables, None);
    lab.in_host_with("nft", &["-f", "-"], Some(&table));
    assert!(lab.reaches("a", "b", 8080));
    let icc_off = "table ip docker_icc_off {
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname \"bhlab8\" oifname \"bhlab8\" drop
  }
}
";
    lab.in_host_with("nft", &["-f", "-"], Some(icc_off));
    assert!(
        !lab.reaches("a", "b", 8080),
        "a drop in another table is final"
    );
}
