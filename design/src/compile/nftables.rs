//! The same policy as an nftables table of the design's own, for engines whose firewall
//! backend is nftables (Docker 29 has no `DOCKER-USER` chain there).
//!
//! In nftables a `drop` is final but an `accept` only ends this table's chain: Docker's own
//! chains still see the packet. So the table works as "drop what no flow allows": its
//! chain hooks `forward` at priority `filter - 10`, before Docker's, and its accepts
//! merely stop it from dropping. On such an engine, isolated zones' networks must keep
//! Docker's ICC on (Docker's own ICC-off drop would be final and beat our allow rules);
//! this table's per-zone drop does the isolating instead.
//!
//! The text replaces the table atomically with `nft -f`: it declares the table (a no-op
//! when it exists), deletes it and defines it again, all in one transaction.

use std::fmt::Write;

use crate::ValidDesign;

use super::header::{comment_text, title};
use super::names::nft_table_name;
use super::policy::{Limit, PortField, Ports, Rule, State, Verdict, policy};

fn range(r: crate::model::PortRange) -> String {
    r.to_string()
}

fn rule_line(rule: &Rule) -> String {
    let mut l = String::new();
    if let Some(i) = &rule.in_iface {
        let _ = write!(l, "iifname \"{i}\" ");
    }
    if let Some(o) = &rule.out_iface {
        let _ = write!(l, "oifname \"{o}\" ");
    }
    if let Some(s) = rule.source {
        let _ = write!(l, "ip saddr {s} ");
    }
    if let Some(d) = rule.destination {
        let _ = write!(l, "ip daddr {d} ");
    }
    match rule.ports {
        Ports::Any => {}
        Ports::Icmp => l.push_str("meta l4proto icmp "),
        Ports::Range(p, r) => {
            let proto = p.as_str();
            let _ = write!(l, "meta l4proto {proto} ");
            match rule.port_field {
                PortField::Destination => {
                    let _ = write!(l, "{proto} dport {} ", range(r));
                }
                PortField::OriginalDestination => {
                    let _ = write!(l, "ct original proto-dst {} ", range(r));
                }
            }
        }
    }
    match rule.state {
        State::Any => {}
        State::New => l.push_str("ct state new "),
        State::Established => l.push_str("ct state established,related "),
        State::Translated => l.push_str("ct status dnat "),
    }
    match &rule.limit {
        Some(Limit::Rate { rate, name }) => {
            let _ = write!(
                l,
                "update @{name} {{ ip saddr limit rate over {}/{} }} ",
                rate.count, rate.unit
            );
        }
        Some(Limit::Connections { max, name }) => {
            let _ = write!(l, "add @{name} {{ ip saddr ct count over {max} }} ");
        }
        None => {}
    }
    // Every rule counts what it matches (iptables counts by itself), so that what the
    // firewall did can be read back: `nft -j list table`.
    if !matches!(rule.verdict, Verdict::Log(_)) {
        l.push_str("counter");
    }
    match rule.verdict {
        Verdict::Accept => l.push_str(" accept"),
        Verdict::Drop => l.push_str(" drop"),
        Verdict::Return => l.push_str(" return"),
        Verdict::Count => {}
        Verdict::Log(prefix) => {
            let _ = write!(
                l,
                "limit rate 5/minute burst 10 packets log prefix \"{prefix}\""
            );
        }
    }
    let _ = write!(l, " comment \"{}\"", rule.comment);
    l
}

/// The nftables text (`nft -f`) that replaces the table [`super::nft_table_name`]
/// (family `inet`) with the design's policy. Deterministic.
pub fn nftables(design: &ValidDesign, revision: Option<u64>) -> String {
    let table = nft_table_name(&design.name);
    let policy = policy(design);
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    let _ = writeln!(out, "# {}: nftables table.", title(design, revision));
    out.push_str(
        "# Apply with: nft -f this-file (check first with nft -c -f this-file).\n\
         # Drop is final, accept is not: Docker's own chains still see what this table accepts.\n\
         # Isolated zones' networks must keep Docker's ICC on with this table; it isolates them.\n",
    );
    let _ = writeln!(out, "# Remove with: nft delete table inet {table}");
    for note in &policy.notes {
        let _ = writeln!(out, "# Note: {}", comment_text(note));
    }
    let _ = writeln!(out, "table inet {table}");
    let _ = writeln!(out, "delete table inet {table}");
    let _ = writeln!(out, "table inet {table} {{");
    for rule in &policy.rules {
        match &rule.limit {
            Some(Limit::Rate { name, .. }) => {
                let _ = writeln!(
                    out,
                    "\tset {name} {{ type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }}"
                );
            }
            Some(Limit::Connections { name, .. }) => {
                let _ = writeln!(
                    out,
                    "\tset {name} {{ type ipv4_addr; size 65535; flags dynamic; }}"
                );
            }
            None => {}
        }
    }
    out.push_str("\tchain forward {\n");
    out.push_str("\t\ttype filter hook forward priority filter - 10; policy accept;\n");
    for rule in &policy.rules {
        let _ = writeln!(out, "\t\t{}", rule_line(rule));
    }
    out.push_str("\t}\n");
    if let Some(input) = &policy.input {
        // What the zones send to the host itself (host.protect_host).
        out.push_str("\tchain input {\n");
        out.push_str("\t\ttype filter hook input priority filter - 10; policy accept;\n");
        for rule in input {
            let _ = writeln!(out, "\t\t{}", rule_line(rule));
        }
        out.push_str("\t}\n");
    }
    out.push_str("}\n");
    out
}
