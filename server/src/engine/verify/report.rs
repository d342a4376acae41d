//! What verify reports: every check, predicted and observed, and the verdict; as JSON and as
//! the side-by-side matrix `bulkhead verify` prints.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use crate::engine::firewall::FirewallState;

/// What a check tries to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A service of the design, at one of its addresses.
    Service(String),
    /// This host's own address outside every zone.
    Host,
    /// A routed address outside every zone and outside this host (egress).
    Outside,
}

impl Target {
    /// The service's name, `host` or `outside` (as JSON has it).
    pub fn name(&self) -> &str {
        match self {
            Self::Service(name) => name,
            Self::Host => "host",
            Self::Outside => "outside",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// How a check tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// A TCP connect.
    Tcp,
    /// A UDP datagram on a connected socket.
    Udp,
    /// An echo request.
    Icmp,
}

/// One connection attempt, predicted and observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Source service.
    pub from: String,
    /// What it tries to reach.
    pub to: Target,
    /// The zone the address belongs to (`None` for egress).
    pub zone: Option<String>,
    /// Address tried.
    pub address: Ipv4Addr,
    /// TCP or UDP port; `None` for icmp.
    pub port: Option<u16>,
    /// How.
    pub protocol: Transport,
    /// The analysis says it is reachable.
    pub expected: bool,
    /// It was reached.
    pub observed: bool,
    /// What the probe saw (`open`, `refused`, `timed out`, `unreachable`, `reply` …).
    pub detail: String,
    /// The prediction relies on the design's firewall chain (allow flows in isolated
    /// zones, deny flows).
    pub needs_firewall: bool,
    /// Counted neither as match nor mismatch: it needs the firewall, which is not there.
    pub unverifiable: bool,
    /// Counted neither as match nor mismatch: a UDP port that the design allows, or that a
    /// flow or a published port declares, stayed silent; a listening service that ignores
    /// the probe does the same as a firewall that drops it (a port with nothing listening
    /// answers "port unreachable", which counts as reached; silence on an undeclared port
    /// counts as blocked).
    pub inconclusive: bool,
    /// The check tries a port the target publishes, at a host address (the path through
    /// the host), rather than the target's own address.
    pub via_host: bool,
}

impl Check {
    /// True when the observation contradicts the prediction (and the check counts).
    pub fn is_mismatch(&self) -> bool {
        !self.unverifiable && !self.inconclusive && self.expected != self.observed
    }
}

/// The whole verification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    /// The design.
    pub design: String,
    /// Whether the design's firewall chain is in place.
    pub firewall: FirewallState,
    /// Whether the design relies on it.
    pub firewall_needed: bool,
    /// Every check.
    pub checks: Vec<Check>,
    /// How many checks contradict the prediction.
    pub mismatches: usize,
    /// How many could not be judged (the firewall is missing).
    pub unverifiable: usize,
    /// Silent UDP checks on allowed or declared ports (not judged; see [`Check`]).
    pub inconclusive: usize,
    /// Problems that stop a full verification (a service not running …) and other notes.
    pub notes: Vec<String>,
    /// Sources that could not be probed.
    pub unprobed: Vec<String>,
    /// Networks created or removed on the engine while the probes ran (`create NAME`).
    pub engine_changes: Vec<String>,
    /// Wall-clock time in milliseconds.
    pub elapsed_ms: u128,
}

impl VerifyReport {
    /// True when every check matched and every source was probed.
    pub fn passed(&self) -> bool {
        self.mismatches == 0 && self.unverifiable == 0 && self.unprobed.is_empty()
    }

    fn text(&self) -> String {
        // Columns are targets (a service named `host` is not the host); rows are the
        // services that probed.
        let mut columns: Vec<Target> = Vec::new();
        for c in &self.checks {
            for t in [Target::Service(c.from.clone()), c.to.clone()] {
                if t != Target::Host && !columns.contains(&t) {
                    columns.push(t);
                }
            }
        }
        let rows: Vec<String> = columns
            .iter()
            .filter_map(|t| match t {
                Target::Service(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        columns.push(Target::Host);
        let cell = |from: &str, to: &Target, pick: fn(&Check) -> bool| -> &'static str {
            let relevant: Vec<&Check> = self
                .checks
                .iter()
                .filter(|c| c.from == from && c.to == *to)
                .collect();
            if relevant.is_empty() {
                "-"
            } else if relevant.iter().any(|c| !c.via_host && pick(c)) {
                "yes"
            } else if relevant.iter().any(|c| pick(c)) {
                "host"
            } else {
                "no"
            }
        };
        let width = columns
            .iter()
            .map(|t| t.name().len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!(
            "{}: verify ({} checks, {} ms)\n\n",
            self.design,
            self.checks.len(),
            self.elapsed_ms
        );
        let header: String = columns
            .iter()
            .map(|t| format!(" {:>width$}", t.name()))
            .collect();
        out.push_str(&format!(
            "{:width$}  predicted{}\n",
            "",
            " ".repeat(header.len().saturating_sub(9))
        ));
        out.push_str(&format!("{:width$} {header}   |{header}\n", "from \\ to"));
        for from in &rows {
            let predicted: String = columns
                .iter()
                .map(|to| format!(" {:>width$}", cell(from, to, |c| c.expected)))
                .collect();
            let observed: String = columns
                .iter()
                .map(|to| format!(" {:>width$}", cell(from, to, |c| c.observed)))
                .collect();
            out.push_str(&format!("{from:width$} {predicted}   |{observed}\n"));
        }
        out.push_str(&format!(
            "{:width$}  (left: predicted, right: observed; yes = some port reachable; host = reachable only\n{:width$}   through the host, at a port it publishes: every container with a route to the host reaches\n{:width$}   ports published there, whatever its zones, unless host.protect_published closes them)\n\n",
            "",
            "",
            ""
        ));
        match &self.firewall {
            FirewallState::Installed { chain } => out.push_str(&format!("firewall: chain {chain} installed\n")),
            other if self.firewall_needed => out.push_str(&format!(
                "firewall: NOT in place ({}); the design's allow flows in isolated zones and its deny flows cannot work without it, so {} check(s) that depend on it were not judged: apply with --firewall or run the exported script\n",
                match other {
                    FirewallState::Missing { chain } => format!("chain {chain} missing"),
                    FirewallState::NotJumpedTo { chain } => format!("chain {chain} exists but DOCKER-USER does not jump to it"),
                    FirewallState::Unknown { reason } => reason.clone(),
                    FirewallState::Installed { .. } => String::new(),
                },
                self.unverifiable
            )),
            _ => out.push_str("firewall: not needed by this design\n"),
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        let mismatches: Vec<&Check> = self.checks.iter().filter(|c| c.is_mismatch()).collect();
        if mismatches.is_empty() && self.passed() {
            out.push_str("every check matches the design\n");
        }
        for c in mismatches {
            out.push_str(&format!(
                "MISMATCH {}: expected {}, observed {} ({})\n",
                place(c),
                reach_word(c.expected),
                reach_word(c.observed),
                c.detail
            ));
        }
        for c in self.checks.iter().filter(|c| c.inconclusive) {
            out.push_str(&format!(
                "NOT JUDGED {}: expected {}, no answer came; a listening UDP service may ignore a probe just as a firewall drops it, so this is not counted\n",
                place(c),
                reach_word(c.expected),
            ));
        }
        out
    }
}

crate::engine::report::report!(VerifyReport, |r| r.passed());

/// `FROM -> TO ADDRESS:PORT (ZONE)`, with `:PORT/udp` or ` icmp`, for the text report.
fn place(c: &Check) -> String {
    let port = match c.port {
        Some(p) if c.protocol == Transport::Udp => format!(":{p}/udp"),
        Some(p) => format!(":{p}"),
        None => " icmp".to_owned(),
    };
    let zone = c.zone.as_deref().unwrap_or("host");
    if c.via_host {
        return format!(
            "{} -> {} through the host at {}{port} ({zone}'s side)",
            c.from, c.to, c.address
        );
    }
    format!("{} -> {} {}{port} ({zone})", c.from, c.to, c.address)
}

fn reach_word(reached: bool) -> &'static str {
    if reached { "reachable" } else { "blocked" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, to: Target, expected: bool, observed: bool) -> Check {
        Check {
            from: from.into(),
            to,
            zone: Some("mesh".into()),
            address: Ipv4Addr::new(10, 0, 0, 2),
            port: Some(80),
            protocol: Transport::Tcp,
            expected,
            observed,
            detail: String::new(),
            needs_firewall: false,
            unverifiable: false,
            inconclusive: false,
            via_host: false,
        }
    }

    /// A service named `host` has its own column, apart from the host itself.
    #[test]
    fn a_service_named_host_is_not_the_host() {
        let checks = vec![
            check("web", Target::Service("host".into()), true, true),
            check("web", Target::Host, false, false),
            check("host", Target::Service("web".into()), false, false),
        ];
        let report = VerifyReport {
            design: "d".into(),
            firewall: FirewallState::Missing {
                chain: "BH-d".into(),
            },
            firewall_needed: false,
            checks,
            mismatches: 0,
            unverifiable: 0,
            inconclusive: 0,
            notes: Vec::new(),
            unprobed: Vec::new(),
            engine_changes: Vec::new(),
            elapsed_ms: 1,
        };
        let text = report.text();
        let header = text
            .lines()
            .find(|l| l.starts_with("from \\ to"))
            .expect(&text);
        let predicted = header.split('|').next().unwrap();
        assert_eq!(
            predicted.split_whitespace().collect::<Vec<_>>(),
            ["from", "\\", "to", "web", "host", "host"],
            "{text}"
        );
        let web = text.lines().find(|l| l.starts_with("web ")).expect(&text);
        let cells: Vec<&str> = web.split('|').next().unwrap().split_whitespace().collect();
        // web -> web: not checked; web -> the service host: yes; web -> the host: no.
        assert_eq!(cells, ["web", "-", "yes", "no"], "{text}");
    }
}
