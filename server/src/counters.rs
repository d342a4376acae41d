//! The firewall counters of a deployment (a design live on an engine), read on demand by the
//! design's engine panel and by `/metrics`, each rule told by its comment; the rate of each
//! rule over the interval since the previous reading of the same deployment.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use app::model::counters::{DeniedPacket, FirewallCounters, RuleCount, classify};
use design::model::DesignName;

use crate::engine::counters::{Counted, read};
use crate::engine::denied;
use crate::engine::{FirewallBackend, HostFirewall};
use crate::store::engines::EngineRecord;

/// The previous reading of each deployment, for the rates.
#[derive(Debug, Default)]
pub struct Memory(Mutex<HashMap<(i64, i64), Reading>>);

#[derive(Debug)]
struct Reading {
    revision: i64,
    at: Instant,
    packets: Vec<u64>,
}

impl Memory {
    /// The seconds since the previous reading of the deployment and each rule's packets a
    /// second over them (none when the rules changed since: another revision, another
    /// count of rules, or a counter that went down because the chain was reinstalled);
    /// remembers this reading.
    fn rates(
        &self,
        key: (i64, i64),
        revision: i64,
        packets: &[u64],
    ) -> (Option<f64>, Vec<Option<f64>>) {
        let now = Instant::now();
        let mut memory = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let previous = memory.insert(
            key,
            Reading {
                revision,
                at: now,
                packets: packets.to_vec(),
            },
        );
        let Some(p) =
            previous.filter(|p| p.revision == revision && p.packets.len() == packets.len())
        else {
            return (None, vec![None; packets.len()]);
        };
        let seconds = now.duration_since(p.at).as_secs_f64();
        if seconds <= 0.0 {
            return (None, vec![None; packets.len()]);
        }
        let rates = packets
            .iter()
            .zip(&p.packets)
            .map(|(now, before)| now.checked_sub(*before).map(|d| d as f64 / seconds))
            .collect();
        (Some(seconds), rates)
    }
}

/// The counted rules of the design called `name`, with their kinds, logging rules left out
/// (they count only the packets they logged, a sample of what the drop next to them counts).
pub fn rules(name: &DesignName, counted: Vec<Counted>) -> Vec<RuleCount> {
    let prefix = format!("bulkhead {name} ");
    counted
        .into_iter()
        .filter(|c| c.verdict != "log")
        .map(|c| {
            let rule = c
                .comment
                .strip_prefix(&prefix)
                .unwrap_or(&c.comment)
                .to_owned();
            let (kind, flow, verdict) = classify(&rule, c.verdict);
            RuleCount {
                kind,
                flow,
                rule,
                hook: c.hook.to_owned(),
                verdict: verdict.to_owned(),
                packets: c.packets,
                bytes: c.bytes,
                rate: None,
            }
        })
        .collect()
}

/// The host firewall an engine's last status check saw, for reading counters without asking
/// the engine again (`/metrics`).
pub fn firewall_of(status: &app::model::EngineStatus) -> HostFirewall {
    HostFirewall {
        backend: if status.firewall_backend == "nftables" {
            FirewallBackend::Nftables
        } else {
            FirewallBackend::Iptables
        },
        docker_user_chain: status.firewall_backend != "nftables",
        can_change: status.can_change_firewall,
        note: status.firewall_note.clone(),
    }
}

/// The counters of `design_id` live on `engine`, with the denied packets the kernel logged;
/// or why there are none to read (not live there, the engine does not answer, its firewall is
/// not this host's).
pub async fn of_deployment(
    service: &crate::backend::Service,
    design_id: i64,
    engine: &EngineRecord,
) -> anyhow::Result<Result<FirewallCounters, String>> {
    reading(service, design_id, engine, true).await
}

/// Reads the counters of every deployment in the background, so that the rates the panel
/// shows cover at most the interval between rounds; a deployment that cannot be read is
/// skipped (the panel says why).
pub async fn read_all(service: &crate::backend::Service) -> anyhow::Result<()> {
    let engines = crate::store::engines::list(&service.db.read).await?;
    for row in crate::store::live::list(&service.db.read, None, None).await? {
        let Some(engine) = engines.iter().find(|e| e.id == row.engine_id) else {
            continue;
        };
        if let Ok(Err(why)) | Err(why) = reading(service, row.design_id, engine, false)
            .await
            .map_err(|e| format!("{e:#}"))
        {
            tracing::debug!("counters of {} on {}: {why}", row.design, engine.name);
        }
    }
    Ok(())
}

async fn reading(
    service: &crate::backend::Service,
    design_id: i64,
    engine: &EngineRecord,
    with_denied: bool,
) -> anyhow::Result<Result<FirewallCounters, String>> {
    let (row, valid) = match crate::watch::live_revision(
        &service.db,
        design_id,
        engine,
        "no firewall of it is installed there",
    )
    .await?
    {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    let docker = match crate::backend::engine_status::connect(engine).await {
        Ok(d) => d,
        Err(e) => return Ok(Err(format!("engine {} did not answer ({e})", engine.name))),
    };
    let fw = docker.info().firewall.clone();
    let counted = match read(&fw, &valid.name).await {
        Ok(c) => c,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let mut rules = rules(&valid.name, counted);
    let packets: Vec<u64> = rules.iter().map(|r| r.packets).collect();
    let (interval, rates) = service
        .counters
        .rates((design_id, engine.id), row.revision, &packets);
    for (r, rate) in rules.iter_mut().zip(rates) {
        r.rate = rate;
    }
    let (denied, denied_note) = if with_denied {
        match denied(valid, DENIED_SHOWN).await {
            Ok(list) => (list, None),
            Err(why) => (Vec::new(), Some(why)),
        }
    } else {
        (Vec::new(), None)
    };
    Ok(Ok(FirewallCounters {
        engine: engine.name.clone(),
        revision: row.revision,
        since: row.applied_at.clone(),
        read_at: crate::clock::display(&crate::clock::now_text()),
        interval,
        rules,
        denied,
        denied_note,
    }))
}

/// The most denied packets shown.
const DENIED_SHOWN: usize = 100;

/// The newest `limit` packets the design's firewall denied and logged, from this host's
/// kernel log (the counters were read from this host: its firewall is the design's).
pub async fn denied(valid: design::ValidDesign, limit: usize) -> Result<Vec<DeniedPacket>, String> {
    let logs = valid.host.as_ref().is_some_and(|h| h.log_denied)
        || valid
            .flows
            .iter()
            .any(|f| f.log && f.action == design::raw::Action::Deny)
        || design::reach::observes(&valid);
    if !logs {
        return Err(
            "the design does not log what it denies (host.log_denied, or log on a deny flow)"
                .into(),
        );
    }
    tokio::task::spawn_blocking(move || {
        let bridges: Vec<String> = valid
            .zones
            .iter()
            .map(|z| z.bridge.as_str().to_owned())
            .collect();
        let packets = denied::read_kmsg(&bridges, limit)
            .map_err(|e| format!("this host's kernel log (/dev/kmsg) cannot be read: {e}"))?;
        let boot = boot_time();
        Ok(packets
            .into_iter()
            .map(|d| DeniedPacket {
                at: boot
                    .map(|b| {
                        let at = b + time::Duration::microseconds(d.since_boot_us as i64);
                        at.format(time::macros::format_description!(
                            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
                        ))
                        .unwrap_or_default()
                    })
                    .unwrap_or_else(|| format!("{} s after boot", d.since_boot_us / 1_000_000)),
                from: denied::who(&valid, d.src),
                to: denied::who(&valid, d.dst),
                what: match d.dport {
                    Some(p) => format!("{}/{p}", d.proto.to_lowercase()),
                    None => d.proto.to_lowercase(),
                },
                zone: denied::zone_of(
                    &valid,
                    if d.out_iface.is_empty() {
                        &d.in_iface
                    } else {
                        &d.out_iface
                    },
                ),
                observed: d.observed,
            })
            .collect())
    })
    .await
    .map_err(|e| format!("reading the kernel log failed: {e}"))?
}

/// When this host booted (now less its uptime).
fn boot_time() -> Option<time::OffsetDateTime> {
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let seconds: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some(time::OffsetDateTime::now_utc() - time::Duration::seconds_f64(seconds))
}
