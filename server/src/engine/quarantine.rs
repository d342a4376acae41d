//! Quarantine: disconnect a container from every network in one action (incident
//! response) and record what it was attached to, so `release` restores exactly that.
//!
//! The record is a JSON file under the data directory (`<data>/quarantine/<name>.json`):
//! labels cannot be changed on a live container, and a file Bulkhead owns survives the
//! container being stopped, inspected or restarted during the incident.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DockerEngine;
use super::error::EngineError;

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

fn record_path(data: &Path, container: &str) -> PathBuf {
    data.join("quarantine").join(format!("{container}.json"))
}

/// Disconnects `container` from every network and records the attachments under `data`.
pub async fn quarantine(
    engine: &DockerEngine,
    data: &Path,
    container: &str,
) -> Result<QuarantineRecord, EngineError> {
    let path = record_path(data, container);
    if path.exists() {
        return Err(EngineError::Design(format!(
            "{container} is already quarantined (record {}); release it first with --release",
            path.display()
        )));
    }
    let live = engine
        .container(container)
        .await?
        .ok_or_else(|| EngineError::Design(format!("no container called {container}")))?;
    let record = QuarantineRecord {
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
    };
    // Record first: a crash halfway must still let release restore what was cut.
    std::fs::create_dir_all(path.parent().unwrap_or(data))
        .map_err(|e| EngineError::local(format!("creating {}", data.display()), e))?;
    let json = serde_json::to_string_pretty(&record)
        .map_err(|e| EngineError::local("encoding the record", e))?;
    crate::files::write_atomically(&path, json.as_bytes(), false)
        .map_err(|e| EngineError::local(format!("writing {}", path.display()), e))?;
    let all = futures_util::future::join_all(
        record
            .networks
            .iter()
            .map(|e| engine.disconnect(container, &e.network)),
    )
    .await;
    for r in all {
        r?;
    }
    Ok(record)
}

/// Reconnects a quarantined container exactly as recorded and removes the record.
pub async fn release(
    engine: &DockerEngine,
    data: &Path,
    container: &str,
) -> Result<QuarantineRecord, EngineError> {
    let path = record_path(data, container);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        EngineError::local(
            format!(
                "{container} is not quarantined here (reading {})",
                path.display()
            ),
            e,
        )
    })?;
    let record: QuarantineRecord = serde_json::from_str(&text)
        .map_err(|e| EngineError::local(format!("reading {}", path.display()), e))?;
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
    std::fs::remove_file(&path)
        .map_err(|e| EngineError::local(format!("removing {}", path.display()), e))?;
    Ok(record)
}
