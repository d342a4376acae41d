//! Verify: prove the isolation. For each source service one short-lived probe container
//! joins the source's network namespace (`--network container:<source>`) and tries every
//! address of every other service, on the declared ports, one undeclared port and icmp,
//! plus an address outside every zone (egress), all at once with short timeouts. TCP
//! "connection refused" counts as reached (the packet arrived); a timeout or "unreachable"
//! as blocked. The observed answers are set beside the analysis's predictions.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use design::ValidDesign;
use design::model::{NetworkMode, PortRange, PortSet, PortSpec, Protocol, ServiceId};
use design::reach::Reachability;
use futures_util::StreamExt;
use futures_util::stream;
use serde::Serialize;

use super::error::EngineError;
use super::firewall::{self, FirewallState};
use super::images::PROBE_IMAGE;
use super::{DockerEngine, labels};
use design::compile::container_name;

/// How verify probes.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions {
    /// Seconds a TCP connect or ping may take before it counts as blocked.
    pub timeout_secs: u32,
    /// A routed address outside every zone and outside this host (for example a network
    /// namespace's address on a veth the host routes to), probed from every service to prove
    /// egress: reached exactly when the analysis says the service has a route out.
    pub egress: Option<std::net::SocketAddrV4>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        // Short enough to keep verify quick (checks run at once), long enough that a busy
        // host does not turn a slow connection into a false "blocked".
        Self {
            timeout_secs: 3,
            egress: None,
        }
    }
}

/// One connection attempt, predicted and observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Source service.
    pub from: String,
    /// Target service, or `host` for the host's own address outside every zone.
    pub to: String,
    /// The zone the address belongs to (`None` for egress).
    pub zone: Option<String>,
    /// Address tried.
    pub address: Ipv4Addr,
    /// TCP or UDP port; `None` for icmp.
    pub port: Option<u16>,
    /// `tcp`, `udp` or `icmp`.
    pub protocol: String,
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

    /// JSON: `{checks: [{from, to, address, port, expected, observed, …}], mismatches, …}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Text: the predicted and observed matrices side by side, then every mismatch.
    pub fn to_text(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for c in &self.checks {
            for n in [c.from.as_str(), c.to.as_str()] {
                if n != "host" && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names.push("host");
        let cell = |from: &str, to: &str, pick: fn(&Check) -> bool| -> &'static str {
            let relevant: Vec<&Check> = self
                .checks
                .iter()
                .filter(|c| c.from == from && c.to == to)
                .collect();
            if relevant.is_empty() {
                "-"
            } else if relevant.iter().any(|c| pick(c)) {
                "yes"
            } else {
                "no"
            }
        };
        let width = names.iter().map(|n| n.len()).max().unwrap_or(4).max(4);
        let mut out = format!(
            "{}: verify ({} checks, {} ms)\n\n",
            self.design,
            self.checks.len(),
            self.elapsed_ms
        );
        let header: String = names.iter().map(|n| format!(" {n:>width$}")).collect();
        out.push_str(&format!(
            "{:width$}  predicted{}\n",
            "",
            " ".repeat(header.len().saturating_sub(9))
        ));
        out.push_str(&format!("{:width$} {header}   |{header}\n", "from \\ to"));
        for from in names.iter().filter(|n| **n != "host") {
            let predicted: String = names
                .iter()
                .map(|to| format!(" {:>width$}", cell(from, to, |c| c.expected)))
                .collect();
            let observed: String = names
                .iter()
                .map(|to| format!(" {:>width$}", cell(from, to, |c| c.observed)))
                .collect();
            out.push_str(&format!("{from:width$} {predicted}   |{observed}\n"));
        }
        out.push_str(&format!(
            "{:width$}  (left: predicted, right: observed; yes = some port reachable)\n\n",
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

/// `FROM -> TO ADDRESS:PORT (ZONE)`, with `:PORT/udp` or ` icmp`, for the text report.
fn place(c: &Check) -> String {
    let port = match c.port {
        Some(p) if c.protocol == "udp" => format!(":{p}/udp"),
        Some(p) => format!(":{p}"),
        None => " icmp".to_owned(),
    };
    let zone = c.zone.as_deref().unwrap_or("host");
    format!("{} -> {} {}{port} ({zone})", c.from, c.to, c.address)
}

fn reach_word(reached: bool) -> &'static str {
    if reached { "reachable" } else { "blocked" }
}

/// What one check tries: a TCP or UDP port, or an echo request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    Port(Protocol, u16),
    Icmp,
}

impl Probe {
    fn port(self) -> Option<u16> {
        match self {
            Self::Port(_, p) => Some(p),
            Self::Icmp => None,
        }
    }

    fn protocol(self) -> &'static str {
        match self {
            Self::Port(Protocol::Tcp, _) => "tcp",
            Self::Port(Protocol::Udp, _) => "udp",
            Self::Icmp => "icmp",
        }
    }
}

fn allows(set: &PortSet, probe: Probe) -> bool {
    match probe {
        Probe::Port(protocol, p) => PortRange::single(p)
            .is_some_and(|r| PortSet::from_specs(&[PortSpec::Ports(protocol, r)]).is_subset(set)),
        Probe::Icmp => set.icmp(),
    }
}

/// The ports worth trying on `target`: its published container ports and the ports flows
/// name for it, TCP and UDP, plus one TCP port nothing declares (and one UDP port when
/// the target declares UDP at all).
fn ports_for(design: &ValidDesign, target: ServiceId) -> Vec<(Probe, bool)> {
    let mut declared: Vec<(Protocol, u16)> = Vec::new();
    for p in &design.service(target).ports {
        declared.push((p.protocol, p.container_ports.lo()));
    }
    for f in &design.flows {
        if design.endpoint_services(f.to).contains(&target) {
            for (protocol, ranges) in [
                (Protocol::Tcp, f.port_set.tcp()),
                (Protocol::Udp, f.port_set.udp()),
            ] {
                for r in ranges {
                    if r.len() < 65535 {
                        declared.push((protocol, r.lo()));
                    }
                }
            }
        }
    }
    declared.sort_unstable_by_key(|(protocol, p)| (*protocol == Protocol::Udp, *p));
    declared.dedup();
    let mut probes: Vec<(Probe, bool)> = declared
        .iter()
        .map(|(protocol, p)| (Probe::Port(*protocol, *p), true))
        .collect();
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let used: Vec<u16> = declared
            .iter()
            .filter(|(q, _)| *q == protocol)
            .map(|(_, p)| *p)
            .collect();
        if protocol == Protocol::Udp && used.is_empty() {
            continue;
        }
        let undeclared = (9u16..).find(|p| !used.contains(p)).unwrap_or(9);
        probes.push((Probe::Port(protocol, undeclared), false));
    }
    probes.push((Probe::Icmp, false));
    probes
}

struct Planned {
    check: Check,
    /// A declared port: a service may listen there (for UDP, silently).
    declared: bool,
}

/// An address on this host outside every zone: the default bridge's gateway.
async fn outside_address(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<Option<Ipv4Addr>, EngineError> {
    let networks = engine.networks().await?;
    // Older engines report no gateway for the default bridge: it is the subnet's first host.
    let gateway = networks.iter().find(|n| n.name == "bridge").and_then(|n| {
        n.gateway
            .as_deref()
            .and_then(|g| g.parse::<Ipv4Addr>().ok())
            .or_else(|| {
                n.subnet
                    .as_deref()
                    .and_then(|s| s.parse::<ipnet::Ipv4Net>().ok())
                    .and_then(|net| net.hosts().next())
            })
    });
    Ok(gateway.filter(|g| !design.zones.iter().any(|z| z.subnet.contains(*g))))
}

/// Runs the probes for `design` on `engine` and compares with the analysis.
pub async fn verify(
    design: &ValidDesign,
    engine: &DockerEngine,
    options: VerifyOptions,
) -> Result<VerifyReport, EngineError> {
    let started = std::time::Instant::now();
    let name = design.name.as_str();
    let reach = Reachability::compute(design);
    engine.ensure_probe_image().await?;
    let backend = engine.info().firewall.backend;
    let chain = firewall::chain_for(design, backend);
    let fw_state = firewall::state(&engine.info().firewall, &chain).await;
    let firewall_needed = firewall::design_needs_firewall(design);
    let fw_ok = fw_state.is_installed();
    let outside = outside_address(design, engine).await?;
    let mut notes = Vec::new();
    if outside.is_none() {
        notes.push("no address outside every zone was found on this host (the default bridge's gateway is missing or inside a zone): egress not checked".into());
    }

    let mut unprobed = Vec::new();
    let mut per_source: Vec<(String, String, Vec<Planned>)> = Vec::new();
    for (si, source) in design.services.iter().enumerate() {
        let s = ServiceId(si as u32);
        let sname = source.name.as_str();
        if source.network == NetworkMode::Host {
            notes.push(format!(
                "{sname} uses the host network: it bypasses every zone, nothing to probe"
            ));
            continue;
        }
        if source.image.is_none() {
            continue;
        }
        let cname = container_name(&design.name, &source.name);
        match engine.container(&cname).await? {
            Some(c) if c.running => {}
            Some(c) => {
                unprobed.push(sname.to_owned());
                notes.push(format!(
                    "{cname} is {}: start it (apply does) to probe from it",
                    c.state
                ));
                continue;
            }
            None => {
                unprobed.push(sname.to_owned());
                notes.push(format!("{cname} does not exist: apply the design first"));
                continue;
            }
        }
        let owner = design.namespace_owner(s);
        let source_zones: Vec<_> = design.service(owner).zones.iter().map(|m| m.zone).collect();
        let bridged = design.service(owner).network == NetworkMode::Bridged;
        let mut planned = Vec::new();
        for (ti, target) in design.services.iter().enumerate() {
            let t = ServiceId(ti as u32);
            if target.network != NetworkMode::Bridged || design.namespace_owner(t) == owner {
                continue;
            }
            let pair = reach.pair(s, t);
            let ports = ports_for(design, t);
            for m in &target.zones {
                let zone = design.zone(m.zone);
                let shared = bridged && source_zones.contains(&m.zone);
                let zone_ports = pair
                    .per_zone
                    .iter()
                    .find(|z| z.zone == zone.name.as_str())
                    .map(|z| z.ports.clone())
                    .unwrap_or_else(|| reach.ports(s, t));
                for &(probe, declared) in &ports {
                    let expected = shared && allows(&zone_ports, probe);
                    let needs_firewall = shared && (zone.isolated == expected);
                    planned.push(Planned {
                        declared,
                        check: Check {
                            from: sname.to_owned(),
                            to: target.name.as_str().to_owned(),
                            zone: Some(zone.name.as_str().to_owned()),
                            address: m.ipv4,
                            port: probe.port(),
                            protocol: probe.protocol().to_owned(),
                            expected,
                            observed: false,
                            detail: String::new(),
                            needs_firewall,
                            unverifiable: false,
                            inconclusive: false,
                        },
                    });
                }
            }
        }
        if let Some(addr) = outside {
            // Only this machine may be contacted, so the address outside every zone is one of
            // the host's own. Docker filters forwarded traffic only: every bridged container,
            // internal zones included, reaches the host's addresses (INPUT), so that is the
            // prediction here; routed egress is what `internal` removes and is not probed.
            if !reach.egress(s).allowed && bridged && !source_zones.is_empty() {
                notes.push(format!(
                    "{sname} has no route out (internal zones only), but like every bridged container it reaches this host's own addresses: services listening on the host are exposed to it"
                ));
            }
            planned.push(Planned {
                declared: false,
                check: Check {
                    from: sname.to_owned(),
                    to: "host".to_owned(),
                    zone: None,
                    address: addr,
                    port: Some(9),
                    protocol: "tcp".to_owned(),
                    expected: bridged && !source_zones.is_empty(),
                    observed: false,
                    detail: String::new(),
                    needs_firewall: false,
                    unverifiable: false,
                    inconclusive: false,
                },
            });
        }
        if let Some(target) = options.egress {
            planned.push(Planned {
                declared: false,
                check: Check {
                    from: sname.to_owned(),
                    to: "outside".to_owned(),
                    zone: None,
                    address: *target.ip(),
                    port: Some(target.port()),
                    protocol: "tcp".to_owned(),
                    expected: bridged && !source_zones.is_empty() && reach.egress(s).allowed,
                    observed: false,
                    detail: String::new(),
                    needs_firewall: false,
                    unverifiable: false,
                    inconclusive: false,
                },
            });
        }
        per_source.push((sname.to_owned(), cname, planned));
    }

    let timeout = options.timeout_secs.max(1);
    let limit = Duration::from_secs(u64::from(timeout) * 4 + 30);
    let probes = stream::iter(per_source)
        .map(|(sname, cname, planned)| async move {
            let script = probe_script(&planned, timeout);
            let probe = format!("{name}-probe-{sname}-{}", std::process::id());
            let probe_labels = BTreeMap::from([
                (labels::PROBE.to_owned(), "1".to_owned()),
                (labels::DESIGN.to_owned(), name.to_owned()),
            ]);
            let out = engine
                .run_to_completion(
                    &probe,
                    PROBE_IMAGE,
                    &format!("container:{cname}"),
                    vec!["/bin/sh".into(), "-c".into(), script],
                    probe_labels,
                    limit,
                )
                .await?;
            Ok(read_results(planned, &out))
        })
        .buffer_unordered(16)
        .collect::<Vec<Result<Vec<Check>, EngineError>>>();
    // Listen for network changes while the probes run (see the note below).
    let mut changes = std::pin::pin!(engine.network_changes());
    let mut probes = std::pin::pin!(probes);
    let mut engine_changes = Vec::new();
    let results = loop {
        tokio::select! {
            results = &mut probes => break results,
            Some(change) = changes.next() => engine_changes.push(change),
        }
    };
    let mut checks = Vec::new();
    for r in results {
        checks.extend(r?);
    }
    checks.sort_by(|a, b| {
        (&a.from, &a.to, a.address, a.port).cmp(&(&b.from, &b.to, b.address, b.port))
    });
    if firewall_needed && !fw_ok {
        for c in &mut checks {
            c.unverifiable = c.needs_firewall;
        }
    }
    // Docker (before its nftables backend) deletes and re-inserts its FORWARD jumps to
    // DOCKER-USER and DOCKER-ISOLATION-STAGE-1 whenever a network is created or removed, so
    // for a moment traffic between zones passes. Say so when it happened during the probes.
    if !engine_changes.is_empty() {
        notes.push(format!(
            "networks were created or removed on the engine while the probes ran ({}): Docker re-inserts its firewall rules on every such change, leaving a moment in which traffic between zones passes; a mismatch seen now may be that moment (a real exposure, but a passing one): run verify again when the engine is quiet",
            engine_changes.join(", ")
        ));
    }
    let mismatches = checks.iter().filter(|c| c.is_mismatch()).count();
    let unverifiable = checks.iter().filter(|c| c.unverifiable).count();
    let inconclusive = checks.iter().filter(|c| c.inconclusive).count();
    Ok(VerifyReport {
        design: name.to_owned(),
        firewall: fw_state,
        firewall_needed,
        checks,
        mismatches,
        unverifiable,
        inconclusive,
        notes,
        unprobed,
        engine_changes,
        elapsed_ms: started.elapsed().as_millis(),
    })
}

/// One shell script that runs every check in the background and prints `ID RC MESSAGE`
/// per check. Only addresses and numbers reach it.
fn probe_script(planned: &[Planned], timeout: u32) -> String {
    let mut s = format!(
        "t(){{ o=$(nc -w {timeout} \"$2\" \"$3\" -e true </dev/null 2>&1); echo \"$1 $? $o\"; }}\n\
         i(){{ o=$(ping -c 1 -W {timeout} \"$2\" 2>&1); echo \"$1 $? x\"; }}\n\
         u(){{ o=$(busybox timeout {timeout} busybox nslookup bulkhead-probe \"$2:$3\" 2>&1); r=$?; \
         echo \"$1 $r $(printf '%s' \"$o\" | busybox tr '\\n' ' ')\"; }}\n"
    );
    // UDP has no handshake: busybox's nslookup sends a datagram on a connected socket, and a
    // port with nothing listening answers "port unreachable", which the socket reports as
    // "connection refused" (reached); a reply of any kind is also reached; silence is
    // blocked, or a listening service that ignored the datagram.
    for (id, p) in planned.iter().enumerate() {
        let address = p.check.address;
        match (p.check.port, p.check.protocol.as_str()) {
            (Some(port), "udp") => s.push_str(&format!("u {id} {address} {port} &\n")),
            (Some(port), _) => s.push_str(&format!("t {id} {address} {port} &\n")),
            (None, _) => s.push_str(&format!("i {id} {address} &\n")),
        }
    }
    s.push_str("wait\n");
    s
}

fn read_results(planned: Vec<Planned>, out: &str) -> Vec<Check> {
    let mut seen: BTreeMap<usize, (i32, String)> = BTreeMap::new();
    for line in out.lines() {
        let mut parts = line.splitn(3, ' ');
        let (Some(id), Some(rc)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(id), Ok(rc)) = (id.trim().parse::<usize>(), rc.trim().parse::<i32>()) {
            seen.insert(id, (rc, parts.next().unwrap_or_default().to_owned()));
        }
    }
    planned
        .into_iter()
        .enumerate()
        .map(|(id, p)| {
            let declared = p.declared;
            let mut c = p.check;
            let udp = c.protocol == "udp";
            let (observed, detail) = match seen.get(&id) {
                None => (false, "no answer from the probe".to_owned()),
                Some((_, msg)) if udp && msg.contains("refused") => {
                    (true, "port unreachable".to_owned())
                }
                Some((rc, msg)) if udp && (*rc == 0 || msg.contains("can't find")) => {
                    (true, "answered".to_owned())
                }
                Some((_, msg))
                    if udp && (msg.contains("nreachable") || msg.contains("No route")) =>
                {
                    (false, "unreachable".to_owned())
                }
                Some((_, _)) if udp => (false, "no answer".to_owned()),
                Some((0, _)) if c.port.is_some() => (true, "open".to_owned()),
                Some((0, _)) => (true, "reply".to_owned()),
                Some((_, msg)) if msg.contains("refused") => (true, "refused".to_owned()),
                Some((_, msg)) if msg.contains("timed out") => (false, "timed out".to_owned()),
                Some((_, msg)) if msg.contains("nreachable") || msg.contains("No route") => {
                    (false, "unreachable".to_owned())
                }
                Some((_, _)) if c.port.is_none() => (false, "no reply".to_owned()),
                Some((rc, msg)) => (false, format!("failed ({rc}): {}", msg.trim())),
            };
            c.observed = observed;
            c.detail = detail;
            // Silence on a UDP port where a service may listen proves nothing either way.
            c.inconclusive = udp && !observed && (c.expected || declared);
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(protocol: &str, port: Option<u16>, expected: bool) -> Planned {
        Planned {
            declared: true,
            check: Check {
                from: "a".into(),
                to: "b".into(),
                zone: Some("z".into()),
                address: Ipv4Addr::new(10, 0, 0, 2),
                port,
                protocol: protocol.into(),
                expected,
                observed: false,
                detail: String::new(),
                needs_firewall: false,
                unverifiable: false,
                inconclusive: false,
            },
        }
    }

    #[test]
    fn probe_output_is_read_per_protocol() {
        let out = "0 1 nslookup: write to '10.0.0.2:53': Connection refused \n\
                   1 143 ;; connection timed out; no servers could be reached \n\
                   2 143 \n\
                   3 1 Server: 10.0.0.2 ** server can't find bulkhead-probe: NXDOMAIN \n\
                   4 1 nc: 10.0.0.2 (10.0.0.2:80): Connection refused\n\
                   5 1 nc: timed out\n\
                   6 0 x\n\
                   7 143 \n";
        let checks = read_results(
            vec![
                planned("udp", Some(53), true),
                planned("udp", Some(53), true),
                Planned {
                    declared: false,
                    ..planned("udp", Some(9), false)
                },
                planned("udp", Some(53), true),
                planned("tcp", Some(80), true),
                planned("tcp", Some(81), false),
                planned("icmp", None, true),
                planned("udp", Some(514), false),
            ],
            out,
        );
        let seen: Vec<(bool, bool, &str)> = checks
            .iter()
            .map(|c| (c.observed, c.inconclusive, c.detail.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (true, false, "port unreachable"),
                (false, true, "no answer"),
                (false, false, "no answer"),
                (true, false, "answered"),
                (true, false, "refused"),
                (false, false, "timed out"),
                (true, false, "reply"),
                (false, true, "no answer"),
            ]
        );
        assert_eq!(checks.iter().filter(|c| c.is_mismatch()).count(), 0);
    }

    #[test]
    fn udp_probes_use_nslookup_on_a_connected_socket() {
        let script = probe_script(&[planned("udp", Some(5353), true)], 3);
        assert!(script.contains("u 0 10.0.0.2 5353 &"), "{script}");
        assert!(
            script.contains("busybox nslookup bulkhead-probe \"$2:$3\""),
            "{script}"
        );
    }
}
