//! The `iptables-restore` input: the design's own chain in the filter table.
//!
//! Feed it to `iptables-restore --noflush` (or `--test --noflush` to check it): the chain
//! is declared, flushed and refilled in one transaction, and nothing else in the table
//! changes. The jump from `DOCKER-USER` is not part of it, because `iptables-restore`
//! cannot add a rule only when it is missing: the caller adds it once with
//! `iptables -I DOCKER-USER 1 -j <chain>` after `iptables -C` says it is absent.
//!
//! With `host.protect_host` the same transaction also (re)builds the design's input chain,
//! [`super::input_chain_name`], which `INPUT` jumps to in the same way.

use std::fmt::Write;

use crate::ValidDesign;

use super::header::{comment_text, title};
use super::names::{chain_name, input_chain_name};
use super::policy::{Limit, PortField, Ports, Rule, State, Verdict, policy};

fn port_range(r: crate::model::PortRange) -> String {
    if r.lo() == r.hi() {
        r.lo().to_string()
    } else {
        format!("{}:{}", r.lo(), r.hi())
    }
}

/// One rule as an `-A` line.
fn rule_line(chain: &str, rule: &Rule) -> String {
    let mut l = format!("-A {chain}");
    if let Some(i) = &rule.in_iface {
        let _ = write!(l, " -i {i}");
    }
    if let Some(o) = &rule.out_iface {
        let _ = write!(l, " -o {o}");
    }
    if let Some(s) = rule.source {
        let _ = write!(l, " -s {s}/32");
    }
    if let Some(d) = rule.destination {
        let _ = write!(l, " -d {d}/32");
    }
    let mut orig_port = None;
    match rule.ports {
        Ports::Any => {}
        Ports::Icmp => l.push_str(" -p icmp"),
        Ports::Range(p, r) => {
            let proto = p.as_str();
            match rule.port_field {
                PortField::Destination => {
                    let _ = write!(l, " -p {proto} -m {proto} --dport {}", port_range(r));
                }
                PortField::OriginalDestination => {
                    let _ = write!(l, " -p {proto}");
                    orig_port = Some(port_range(r));
                }
            }
        }
    }
    let state = match rule.state {
        State::Any => None,
        State::New => Some("NEW"),
        State::Established => Some("RELATED,ESTABLISHED"),
        State::Translated => Some("DNAT"),
    };
    if state.is_some() || orig_port.is_some() {
        l.push_str(" -m conntrack");
        if let Some(s) = state {
            let _ = write!(l, " --ctstate {s}");
        }
        if let Some(p) = orig_port {
            let _ = write!(l, " --ctorigdstport {p}");
        }
    }
    match &rule.limit {
        Some(Limit::Connections { max, .. }) => {
            let _ = write!(
                l,
                " -m connlimit --connlimit-above {max} --connlimit-mask 32 --connlimit-saddr"
            );
        }
        Some(Limit::Rate { rate, name }) => {
            let _ = write!(
                l,
                " -m hashlimit --hashlimit-above {}/{} --hashlimit-mode srcip --hashlimit-name {name}",
                rate.count, rate.unit
            );
        }
        None => {}
    }
    if let Verdict::Log(_) = rule.verdict {
        l.push_str(" -m limit --limit 5/min --limit-burst 10");
    }
    let _ = write!(l, " -m comment --comment \"{}\"", rule.comment);
    match rule.verdict {
        Verdict::Accept => l.push_str(" -j ACCEPT"),
        Verdict::Drop => l.push_str(" -j DROP"),
        Verdict::Return => l.push_str(" -j RETURN"),
        Verdict::Count => {}
        Verdict::Log(prefix) => {
            let _ = write!(l, " -j LOG --log-prefix \"{prefix}\"");
        }
    }
    l
}

/// The `iptables-restore` input (filter table) that (re)builds the design's chain,
/// [`super::chain_name`]. Deterministic; `revision` goes into the header comment.
pub fn iptables_restore(design: &ValidDesign, revision: Option<u64>) -> String {
    let chain = chain_name(&design.name);
    let policy = policy(design);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: iptables-restore input.",
        title(design, revision)
    );
    let _ = writeln!(
        out,
        "# Apply with: iptables-restore --noflush < this-file; then, once:"
    );
    let _ = writeln!(
        out,
        "#   iptables -C DOCKER-USER -j {chain} || iptables -I DOCKER-USER 1 -j {chain}"
    );
    let input_chain = input_chain_name(&design.name);
    if policy.input.is_some() {
        let _ = writeln!(
            out,
            "#   iptables -C INPUT -j {input_chain} || iptables -I INPUT 1 -j {input_chain}"
        );
    }
    for note in &policy.notes {
        let _ = writeln!(out, "# Note: {}", comment_text(note));
    }
    out.push_str("*filter\n");
    let _ = writeln!(out, ":{chain} - [0:0]");
    let _ = writeln!(out, "-F {chain}");
    for rule in &policy.rules {
        out.push_str(&rule_line(&chain, rule));
        out.push('\n');
    }
    if let Some(input) = &policy.input {
        let _ = writeln!(out, ":{input_chain} - [0:0]");
        let _ = writeln!(out, "-F {input_chain}");
        for rule in input {
            out.push_str(&rule_line(&input_chain, rule));
            out.push('\n');
        }
    }
    out.push_str("COMMIT\n");
    out
}
