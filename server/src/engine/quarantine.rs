//! Quarantine: disconnect a container from every network in one action (incident
//! response), from a record of what it was attached to, so that release restores exactly
//! that. Only containers Bulkhead created can be quarantined. Keeping the record (in the
//! database, before anything is cut) is the caller's: see `crate::quarantine`.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::{DockerEngine, labels};
/// One network a quarantined container was on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedEndpoint {
    /// Network name.
    pub network: String,
    /// Its address there.
    pub ipv4: Option<Ipv4Addr>,
    /// Whether the address was pinned (then it is asked for again on release).
    pub pinned: bool,
    /// Aliases.
    pub aliases: Vec<String>,
}

/// What quarantine recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// Container name.
    pub container: String,
    /// Container id at the time.
    pub id: String,
    /// When (seconds since the Unix epoch).
    pub at: u64,
    /// The networks it was disconnected from.
    pub networks: Vec<QuarantinedEndpoint>,
}

/// Reads what `container` is attached to, for quarantine to cut and release to restore;
/// refuses a container Bulkhead did not create.
pub async fn snapshot(
    engine: &DockerEngine,
    container: &str,
) -> Result<QuarantineRecord, EngineError> {
    let live = engine
        .container(container)
        .await?
        .ok_or_else(|| EngineError::Design(format!("no container called {container}")))?;
    if !live.labels.contains_key(labels::DESIGN) || live.labels.contains_key(labels::PROBE) {
        return Err(EngineError::Design(format!(
            "{container} was not created by Bulkhead, which never changes what it did not create; cut it off with docker network disconnect"
        )));
    }
    Ok(QuarantineRecord {
        container: live.name.clone(),
        id: live.id.clone(),
        at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        networks: live
            .networks
            .iter()
            .map(|e| QuarantinedEndpoint {
                network: e.network.clone(),
                ipv4: e.ipv4,
                pinned: e.pinned.is_some(),
                aliases: e.aliases.clone(),
            })
            .collect(),
    })
}

/// Disconnects the recorded container from every network it was on (all at once).
pub async fn isolate(engine: &DockerEngine, record: &QuarantineRecord) -> Result<(), EngineError> {
    let all = futures_util::future::join_all(
        record
            .networks
            .iter()
            .map(|e| engine.disconnect(&record.container, &e.network)),
    )
    .await;
    all.into_iter().collect()
}

/// Reconnects a quarantined container exactly as recorded (networks it is on again are left
/// as they are).
pub async fn restore(engine: &DockerEngine, record: &QuarantineRecord) -> Result<(), EngineError> {
    let container = record.container.as_str();
    let live = engine.container(container).await?;
    for e in &record.networks {
        if live
            .as_ref()
            .is_some_and(|l| l.endpoint(&e.network).is_some())
        {
            continue;
        }
        let ipv4 = if e.pinned { e.ipv4 } else { None };
        if let Err(err) = engine
            .connect_endpoint(container, &e.network, ipv4.or(e.ipv4), &e.aliases)
            .await
        {
            // Networks without a user-configured subnet refuse an address: ask for none.
            if ipv4.is_some() {
                return Err(err);
            }
            engine
                .connect_endpoint(container, &e.network, None, &e.aliases)
                .await?;
        }
    }
    Ok(())
}

/// Records that earlier versions kept as files (`<data>/quarantine/<container>.json`), to be
/// moved into the database: each file with its record, or why it does not read.
pub fn legacy_records(data: &Path) -> Vec<(PathBuf, Result<QuarantineRecord, String>)> {
    let Ok(dir) = std::fs::read_dir(data.join("quarantine")) else {
        return Vec::new();
    };
    let mut out: Vec<_> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let read = std::fs::read_to_string(&p)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()));
            (p, read)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
