//! Docker engines, as the engines page manages them: admins register, change and forget
//! them; everyone signed in sees each engine's last known state and checks it on demand.
//! TLS file paths go to admins only. Registrations, removals and broken locks are audited.

use std::collections::HashMap;

use app::backend::Request;
use app::error::AppError;
use app::model::{
    EngineDesign, EngineForm, EngineLockView, EngineRow, EngineStatus, EngineTls, Role,
};
use tokio::sync::RwLock;

use super::{Service, audited, internal};
use crate::clock;
use crate::engine::{DockerEngine, EngineError, FirewallState, inventory};
use crate::engine_endpoint::{self, Endpoint};
use crate::store::Actor;
use crate::store::audit::NewEntry;
use crate::store::engines::{self, EngineFields, EngineRecord};

/// The longest note an engine may have.
const MAX_NOTE: usize = 500;

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

fn firewall_words(state: &FirewallState) -> String {
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
    async fn get(&self, id: i64) -> Option<EngineStatus> {
        self.0.read().await.get(&id).cloned()
    }

    async fn set(&self, id: i64, status: EngineStatus) {
        self.0.write().await.insert(id, status);
    }

    async fn forget(&self, id: i64) {
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

async fn row(service: &Service, record: EngineRecord, admin: bool) -> Result<EngineRow, AppError> {
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let lock = engines::holder_of(&mut conn, record.id, service.config.clock.unix())
        .await
        .map_err(internal)?
        .map(|l| EngineLockView {
            holder: l.holder,
            since: clock::display(&l.acquired_at),
        });
    let uses_tls = record.tls_ca.is_some();
    let tls = match (admin, record.tls_ca, record.tls_cert, record.tls_key) {
        (true, Some(ca), Some(cert), Some(key)) => Some(EngineTls { ca, cert, key }),
        _ => None,
    };
    Ok(EngineRow {
        status: service.engine_statuses.get(record.id).await,
        id: record.id,
        name: record.name,
        endpoint: record.endpoint,
        uses_tls,
        tls,
        note: record.note,
        requires_approval: record.requires_approval,
        created_at: clock::display(&record.created_at),
        created_by: record.created_by.unwrap_or_else(|| "Bulkhead".into()),
        lock,
    })
}

pub(super) async fn list(service: &Service, req: &Request) -> Result<Vec<EngineRow>, AppError> {
    let (user, _) = service.require(req, Role::Viewer).await?;
    let admin = user.role == Role::Admin;
    let mut rows = Vec::new();
    for record in engines::list(&service.db.read).await.map_err(internal)? {
        rows.push(row(service, record, admin).await?);
    }
    Ok(rows)
}

/// The form checked into what is stored.
fn fields(form: EngineForm) -> Result<EngineFields, AppError> {
    let name = form.name.trim();
    design::model::DesignName::parse(name)
        .map_err(|e| AppError::invalid("name", format!("`{name}` {e}")))?;
    let endpoint =
        engine_endpoint::check(&form.endpoint, &form.tls_ca, &form.tls_cert, &form.tls_key)
            .map_err(|m| AppError::invalid("endpoint", m))?;
    let note = form.note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            format!("the note is over {MAX_NOTE} characters; keep it short"),
        ));
    }
    let path = |p: &std::path::Path| p.display().to_string();
    Ok(EngineFields {
        name: name.to_owned(),
        endpoint: endpoint.url,
        tls_ca: endpoint.tls.as_ref().map(|t| path(&t.ca)),
        tls_cert: endpoint.tls.as_ref().map(|t| path(&t.cert)),
        tls_key: endpoint.tls.as_ref().map(|t| path(&t.key)),
        note: note.to_owned(),
        requires_approval: form.requires_approval,
    })
}

fn name_taken(name: &str) -> AppError {
    AppError::invalid(
        "name",
        format!("an engine named `{name}` is registered; choose another name"),
    )
}

async fn record(service: &Service, id: i64) -> Result<EngineRecord, AppError> {
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    engines::get(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Engine {id}"),
        })
}

/// Checks the engine now and keeps what it answered.
async fn check_now(service: &Service, record: &EngineRecord) {
    let status = status_of(record).await;
    service.engine_statuses.set(record.id, status).await;
}

pub(super) async fn add(
    service: &Service,
    req: &Request,
    form: EngineForm,
) -> Result<EngineRow, AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let fields = fields(form)?;
    let mut tx = service.write_tx().await?;
    super::accounts::still_admin(&mut tx, &me).await?;
    let id = engines::insert(&mut tx, &fields, actor.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| name_taken(&fields.name))?;
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "engine-register",
            format!("registered engine {} at {}", fields.name, fields.endpoint),
        )
        .object("engine", id),
    )
    .await?;
    let record = record(service, id).await?;
    check_now(service, &record).await;
    row(service, record, true).await
}

pub(super) async fn update(
    service: &Service,
    req: &Request,
    id: i64,
    form: EngineForm,
) -> Result<EngineRow, AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let fields = fields(form)?;
    let before = record(service, id).await?;
    let mut tx = service.write_tx().await?;
    super::accounts::still_admin(&mut tx, &me).await?;
    if !engines::update(&mut tx, id, &fields)
        .await
        .map_err(internal)?
    {
        return Err(name_taken(&fields.name));
    }
    let mut changes = Vec::new();
    if before.name != fields.name {
        changes.push(format!("renamed to {}", fields.name));
    }
    if before.endpoint != fields.endpoint || before.tls_ca != fields.tls_ca {
        changes.push(format!("endpoint {}", fields.endpoint));
    }
    if before.requires_approval != fields.requires_approval {
        changes.push(if fields.requires_approval {
            "applies need an approved change".to_owned()
        } else {
            "applies need no approved change".to_owned()
        });
    }
    if before.note != fields.note {
        changes.push("note changed".into());
    }
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "engine-update",
            format!(
                "changed engine {}: {}",
                before.name,
                if changes.is_empty() {
                    "nothing".to_owned()
                } else {
                    changes.join(", ")
                }
            ),
        )
        .object("engine", id),
    )
    .await?;
    service.engine_statuses.forget(id).await;
    let record = record(service, id).await?;
    check_now(service, &record).await;
    row(service, record, true).await
}

pub(super) async fn remove(service: &Service, req: &Request, id: i64) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let before = record(service, id).await?;
    let mut tx = service.write_tx().await?;
    super::accounts::still_admin(&mut tx, &me).await?;
    if let Some(lock) = engines::holder_of(&mut tx, id, service.config.clock.unix())
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict {
            message: format!(
                "engine {} is in use ({}, since {}); wait for it to finish, or break the lock if its holder died",
                before.name,
                lock.holder,
                clock::display(&lock.acquired_at)
            ),
        });
    }
    engines::delete(&mut tx, id).await.map_err(internal)?;
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "engine-remove",
            format!(
                "forgot engine {} ({}); what runs there was left as it is",
                before.name, before.endpoint
            ),
        )
        .object("engine", id),
    )
    .await?;
    service.engine_statuses.forget(id).await;
    Ok(())
}

pub(super) async fn check(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<EngineRow, AppError> {
    let (user, _) = service.require(req, Role::Viewer).await?;
    let record = record(service, id).await?;
    check_now(service, &record).await;
    row(service, record, user.role == Role::Admin).await
}

pub(super) async fn break_lock(service: &Service, req: &Request, id: i64) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let before = record(service, id).await?;
    let mut tx = service.write_tx().await?;
    super::accounts::still_admin(&mut tx, &me).await?;
    let held = engines::break_lock(&mut tx, id, service.config.clock.unix())
        .await
        .map_err(internal)?;
    let Some(held) = held else {
        return Err(AppError::Conflict {
            message: format!("engine {} is not locked; nothing to break", before.name),
        });
    };
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "engine-lock-break",
            format!(
                "broke the lock on engine {} held by {} since {}",
                before.name,
                held.holder,
                clock::display(&held.acquired_at)
            ),
        )
        .object("engine", id),
    )
    .await
}

/// On the very first start (no user yet, no engine registered), registers the local Docker
/// socket as `local` when it answers, as done by Bulkhead itself.
pub async fn register_local(service: &Service) -> anyhow::Result<Option<i64>> {
    let mut conn = service.db.write.acquire().await?;
    let first_start = !crate::store::users::any_exists(&mut conn).await?
        && engines::list(&service.db.read).await?.is_empty();
    drop(conn);
    let socket = engine_endpoint::LOCAL_SOCKET;
    if !service.config.register_local_engine
        || !first_start
        || !std::path::Path::new(&socket["unix://".len()..]).exists()
    {
        return Ok(None);
    }
    let fields = EngineFields {
        name: "local".into(),
        endpoint: socket.into(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        note: "This host's Docker engine, found at first start.".into(),
        requires_approval: true,
    };
    let probe = EngineRecord {
        id: 0,
        name: fields.name.clone(),
        endpoint: fields.endpoint.clone(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        note: String::new(),
        requires_approval: true,
        created_at: String::new(),
        created_by: None,
    };
    let engine = match connect(&probe).await {
        Ok(engine) => engine,
        Err(e) => {
            tracing::info!("the local Docker socket did not answer ({e}); no engine registered");
            return Ok(None);
        }
    };
    let mut tx = service.db.write.begin().await?;
    let Some(id) = engines::insert(&mut tx, &fields, None).await? else {
        return Ok(None);
    };
    let system = Actor {
        id: None,
        name: Some("bulkhead".into()),
        address: None,
    };
    crate::store::audit::append(
        &mut tx,
        &service.db.audit,
        NewEntry::new(
            &system,
            "engine-register",
            format!(
                "registered engine local at {socket} (Docker {}), found at first start",
                engine.info().engine_version
            ),
        )
        .object("engine", id),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}
