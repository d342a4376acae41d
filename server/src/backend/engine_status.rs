//! How each registered engine is: connected to, asked what it is and what Bulkhead owns
//! there, and the answers kept for the engines page (checked on demand and in the
//! background).

use std::collections::HashMap;

use app::model::{EngineDesign, EngineStatus};
use tokio::sync::RwLock;

use super::Service;
use crate::clock;
use crate::engine::{DockerEngine, EngineError, FirewallState, inventory};
use crate::engine_endpoint::Endpoint;
use crate::store::engines::{self, EngineRecord};

/// What each engine answered when it was last checked, by engine id.
#[derive(Debug, Default)]
pub struct EngineStatuses(RwLock<HashMap<i64, EngineStatus>>);

/// The endpoint a record is reached at.
fn endpoint_of(record: &EngineRecord) -> Endpoint {
    let tls = match (&record.tls_ca, &record.tls_cert, &record.tls_key) {
        (Some(ca), Some(cert), Some(key)) => Some(crate::engine::TlsFiles {
            ca: ca.into(),
            cert: cert.into(),
            key: key.into(),
        }),
        _ => None,
    };
    Endpoint {
        url: record.endpoint.clone(),
        tls,
    }
}

/// Connects to a registered engine (within the engine module's connect timeout).
pub async fn connect(record: &EngineRecord) -> Result<DockerEngine, EngineError> {
    let endpoint = endpoint_of(record);
    match &endpoint.tls {
        Some(tls) => DockerEngine::connect_tls(&endpoint.url, tls).await,
        None => DockerEngine::connect_to(&endpoint.url).await,
    }
}

pub(crate) fn firewall_words(state: &FirewallState) -> String {
    match state {
        FirewallState::Installed { .. } => "in place".into(),
        FirewallState::NotJumpedTo { chain } => format!("{chain} is not jumped to"),
        FirewallState::Missing { chain } => format!("{chain} is missing"),
        FirewallState::Unknown { reason } => format!("cannot tell: {reason}"),
    }
}

/// Asks an engine what it is and what Bulkhead owns there.
pub async fn status_of(record: &EngineRecord) -> EngineStatus {
    let mut status = EngineStatus {
        checked_at: clock::display(&clock::now_text()),
        error: None,
        engine_version: String::new(),
        api_version: String::new(),
        firewall_backend: String::new(),
        can_change_firewall: false,
        firewall_note: None,
        networks: 0,
        containers: 0,
        designs: Vec::new(),
    };
    let engine = match connect(record).await {
        Ok(engine) => engine,
        Err(e) => {
            status.error = Some(e.to_string());
            return status;
        }
    };
    let info = engine.info();
    status.engine_version = info.engine_version.clone();
    status.api_version = info.api_version.clone();
    status.firewall_backend = info.firewall.backend.as_str().to_owned();
    status.can_change_firewall = info.firewall.can_change;
    status.firewall_note = info.firewall.note.clone();
    match inventory(&engine).await {
        Ok(inv) => {
            status.networks = inv.networks;
            status.containers = inv.containers;
            status.designs = inv
                .designs
                .into_iter()
                .map(|d| EngineDesign {
                    firewall: firewall_words(&d.firewall),
                    firewall_in_place: d.firewall.is_installed(),
                    name: d.name,
                    networks: d.networks,
                    containers: d.containers,
                    running: d.running,
                })
                .collect();
        }
        Err(e) => status.error = Some(e.to_string()),
    }
    status
}

impl EngineStatuses {
    pub(crate) async fn get(&self, id: i64) -> Option<EngineStatus> {
        self.0.read().await.get(&id).cloned()
    }

    pub(super) async fn set(&self, id: i64, status: EngineStatus) {
        self.0.write().await.insert(id, status);
    }

    pub(super) async fn forget(&self, id: i64) {
        self.0.write().await.remove(&id);
    }
}

/// Checks every registered engine, one after another, and keeps what they answered (the
/// background check; each engine takes at most the connect timeout when it does not answer).
pub async fn check_all(service: &Service) -> anyhow::Result<()> {
    for record in engines::list(&service.db.read).await? {
        let status = status_of(&record).await;
        service.engine_statuses.set(record.id, status).await;
    }
    Ok(())
}
