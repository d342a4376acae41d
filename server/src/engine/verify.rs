//! Verify: prove the isolation. For each source service one short-lived probe container
//! joins the source's network namespace (`--network container:<source>`) and tries every
//! address of every other service, on the declared ports, one undeclared port and icmp,
//! every port another service publishes at the host addresses it can send to (the path
//! through the host), plus an address outside every zone (egress), all at once with short
//! timeouts. TCP "connection refused" counts as reached (the packet arrived); a timeout or
//! "unreachable" as blocked. The observed answers are set beside the analysis's predictions.

mod host_path;
mod probe;
mod report;
mod targets;

use std::collections::BTreeMap;
use std::time::Duration;

use design::ValidDesign;
use design::compile::container_name;
use design::model::{NetworkMode, ServiceId};
use design::reach::Reachability;
use futures_util::StreamExt;
use futures_util::stream;

pub use report::{Check, Target, Transport, VerifyReport};

use super::error::EngineError;
use super::firewall;
use super::images::PROBE_IMAGE;
use super::{DockerEngine, labels};
use probe::{probe_script, read_results};
use targets::{Planned, allows, host_probes, outside_address, ports_for};

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
    let fw_state = firewall::state(&engine.info().firewall, design).await;
    let backend = engine.info().firewall.backend;
    let firewall_needed = firewall::design_needs_firewall(design, backend);
    let fw_ok = fw_state.is_installed();
    let outside = outside_address(design, engine).await?;
    let mut notes = Vec::new();
    if outside.is_none() {
        notes.push("no address outside every zone was found on this host (the default bridge's gateway is missing or inside a zone): egress not checked".into());
    }

    let bound = host_path::bound(design, engine, &mut notes).await?;
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
                    // On iptables an isolated zone's allowed pairs pass by the firewall's
                    // accepts (ICC is off); on nftables its blocked pairs by the table's drops.
                    let needs_firewall = shared
                        && match backend {
                            firewall::FirewallBackend::Iptables => zone.isolated == expected,
                            firewall::FirewallBackend::Nftables => !expected,
                        };
                    planned.push(Planned {
                        declared,
                        check: Check {
                            from: sname.to_owned(),
                            to: Target::Service(target.name.as_str().to_owned()),
                            zone: Some(zone.name.as_str().to_owned()),
                            address: m.ipv4,
                            port: probe.port(),
                            protocol: probe.transport(),
                            expected,
                            observed: false,
                            detail: String::new(),
                            needs_firewall,
                            unverifiable: false,
                            inconclusive: false,
                            via_host: false,
                        },
                    });
                }
            }
        }
        if let Some(addr) = outside {
            // Only this machine may be contacted, so the address outside every zone is one of
            // the host's own. Docker filters forwarded traffic only: every bridged container,
            // internal zones included, reaches the host's addresses (INPUT) unless the
            // design protects the host; routed egress is what `internal` removes and is not
            // probed. One port nothing lists, and each of `host_ports` a protected host
            // leaves open.
            let on_host = reach.host_ports(s);
            let reaches_host = bridged && !source_zones.is_empty();
            if reaches_host && on_host.is_any() && !reach.egress(s).allowed {
                notes.push(format!(
                    "{sname} has no route out (internal zones only), but like every bridged container it reaches this host's own addresses: services listening on the host are exposed to it (host.protect_host closes them)"
                ));
            }
            for (probe, declared) in host_probes(&on_host) {
                let expected = reaches_host && allows(&on_host, probe);
                planned.push(Planned {
                    declared,
                    check: Check {
                        from: sname.to_owned(),
                        to: Target::Host,
                        zone: None,
                        address: addr,
                        port: probe.port(),
                        protocol: probe.transport(),
                        expected,
                        observed: false,
                        detail: String::new(),
                        // Closed only by the design's input rules.
                        needs_firewall: reaches_host && !expected,
                        unverifiable: false,
                        inconclusive: false,
                        via_host: false,
                    },
                });
            }
        }
        planned.extend(host_path::plan(design, &reach, s, outside, &bound));
        if let Some(target) = options.egress {
            planned.push(Planned {
                declared: false,
                check: Check {
                    from: sname.to_owned(),
                    to: Target::Outside,
                    zone: None,
                    address: *target.ip(),
                    port: Some(target.port()),
                    protocol: Transport::Tcp,
                    expected: bridged && !source_zones.is_empty() && reach.egress(s).allowed,
                    observed: false,
                    detail: String::new(),
                    needs_firewall: false,
                    unverifiable: false,
                    inconclusive: false,
                    via_host: false,
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
    let mut stream_errors: Vec<String> = Vec::new();
    let results = loop {
        tokio::select! {
            results = &mut probes => break results,
            // A failed item is said (once per kind), and listening goes on while the stream
            // lasts; when it ends, this branch is off.
            Some(change) = changes.next() => match change {
                Ok(change) => engine_changes.push(change),
                Err(e) if !stream_errors.contains(&e.to_string()) => stream_errors.push(e.to_string()),
                Err(_) => {}
            },
        }
    };
    for e in stream_errors {
        notes.push(format!(
            "{e}: networks created or removed while the probes ran may have gone unnoticed; run verify again when the engine is quiet"
        ));
    }
    let mut checks = Vec::new();
    for r in results {
        checks.extend(r?);
    }
    checks.sort_by(|a, b| {
        (&a.from, a.to.name(), a.address, a.port).cmp(&(&b.from, b.to.name(), b.address, b.port))
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
