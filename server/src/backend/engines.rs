//! Docker engines, as the engines page manages them: admins register, change and forget
//! them; everyone signed in sees each engine's last known state and checks it on demand.
//! TLS file paths go to admins only. Registrations, removals and broken locks are audited.

use app::backend::Request;
use app::error::AppError;
use app::model::{EngineForm, EngineLockView, EngineRow, EngineTls, Role};

use super::engine_status::status_of;
use super::{Service, audited, internal};
use crate::clock;
use crate::engine_endpoint;
use crate::store::audit::NewEntry;
use crate::store::engines::{self, EngineFields, EngineRecord};

/// The longest note an engine may have.
const MAX_NOTE: usize = 500;
use app::model::MAX_APPROVALS;

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
        approvals_required: record.approvals_required,
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
    if form.approvals_required > MAX_APPROVALS {
        return Err(AppError::invalid(
            "approvals_required",
            format!(
                "an engine can ask for 0, 1 or 2 approvals, not {}",
                form.approvals_required
            ),
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
        approvals_required: form.approvals_required,
    })
}

fn name_taken(name: &str) -> AppError {
    AppError::invalid(
        "name",
        format!("an engine named `{name}` is registered; choose another name"),
    )
}

/// A registered engine, or `NotFound`.
pub(super) async fn record(service: &Service, id: i64) -> Result<EngineRecord, AppError> {
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
        .engine(id, &fields.name),
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
    if before.tls_cert != fields.tls_cert || before.tls_key != fields.tls_key {
        changes.push("TLS client certificate or key".into());
    }
    if before.approvals_required != fields.approvals_required {
        changes.push(app::model::approvals_words(fields.approvals_required));
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
        .engine(id, &fields.name),
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
        .engine(id, &before.name),
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
        .engine(id, &before.name),
    )
    .await
}
