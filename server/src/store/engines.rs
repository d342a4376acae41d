//! Docker engines as registered (where they are, how to reach them, whether applying there
//! needs an approved change), and the per-engine lock that lets one job at a time change an
//! engine, whether it runs in the web server or on the command line.

use anyhow::Context;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

use crate::clock;

/// An engine's row.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct EngineRecord {
    pub id: i64,
    pub name: String,
    pub endpoint: String,
    pub tls_ca: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    pub note: String,
    /// Approvals an apply there needs: 0, 1 or 2.
    pub approvals_required: u8,
    pub created_at: String,
    /// `None`: registered by Bulkhead itself.
    pub created_by: Option<String>,
}

/// What an engine is registered with (new, or changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineFields {
    pub name: String,
    pub endpoint: String,
    pub tls_ca: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    pub note: String,
    pub approvals_required: u8,
}

const SELECT: &str = "SELECT e.id, e.name, e.endpoint, e.tls_ca, e.tls_cert, e.tls_key, e.note, \
     e.approvals_required, e.created_at, u.name AS created_by \
     FROM engines e LEFT JOIN users u ON u.id = e.created_by";

pub async fn list(pool: &SqlitePool) -> anyhow::Result<Vec<EngineRecord>> {
    sqlx::query_as(&format!("{SELECT} ORDER BY e.name"))
        .fetch_all(pool)
        .await
        .context("listing engines")
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<EngineRecord>> {
    sqlx::query_as(&format!("{SELECT} WHERE e.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("reading an engine")
}

pub async fn by_name(
    conn: &mut SqliteConnection,
    name: &str,
) -> anyhow::Result<Option<EngineRecord>> {
    sqlx::query_as(&format!("{SELECT} WHERE e.name = ?"))
        .bind(name)
        .fetch_optional(conn)
        .await
        .context("reading an engine by name")
}

/// Registers an engine; `None` when the name is taken. `by`: the admin, or `None` for
/// Bulkhead itself.
pub async fn insert(
    conn: &mut SqliteConnection,
    fields: &EngineFields,
    by: Option<i64>,
) -> anyhow::Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO engines (name, endpoint, tls_ca, tls_cert, tls_key, note, approvals_required, \
         created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(&fields.name)
    .bind(&fields.endpoint)
    .bind(&fields.tls_ca)
    .bind(&fields.tls_cert)
    .bind(&fields.tls_key)
    .bind(&fields.note)
    .bind(fields.approvals_required)
    .bind(clock::now_text())
    .bind(by)
    .fetch_optional(conn)
    .await
    .context("registering an engine")?;
    Ok(id)
}

/// Changes an engine's registration; false when the new name is another engine's.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    fields: &EngineFields,
) -> anyhow::Result<bool> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM engines WHERE name = ? AND id <> ?")
            .bind(&fields.name)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .context("checking an engine name")?;
    if taken.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE engines SET name = ?, endpoint = ?, tls_ca = ?, tls_cert = ?, tls_key = ?, \
         note = ?, approvals_required = ? WHERE id = ?",
    )
    .bind(&fields.name)
    .bind(&fields.endpoint)
    .bind(&fields.tls_ca)
    .bind(&fields.tls_cert)
    .bind(&fields.tls_key)
    .bind(&fields.note)
    .bind(fields.approvals_required)
    .bind(id)
    .execute(conn)
    .await
    .context("changing an engine")?;
    Ok(true)
}

pub async fn delete(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM engines WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await
        .context("removing an engine")?;
    Ok(done.rows_affected() > 0)
}

/// Who holds an engine's lock.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct LockRecord {
    pub holder: String,
    pub acquired_at: String,
    pub expires_at: i64,
}

/// How long a lock lasts without being renewed: a holder that died frees the engine after
/// this long. Holders renew well within it.
pub const LOCK_LEASE_SECS: i64 = 120;

/// What taking a lock gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// The lock is ours; the token renews and releases it.
    Ours(String),
    /// Someone else holds it.
    HeldBy(LockRecord),
}

/// Takes the engine's lock for `holder` unless someone holds it (an expired lock is free).
/// One statement decides, so two callers at the same moment cannot both win.
pub async fn lock(
    conn: &mut SqliteConnection,
    engine_id: i64,
    holder: &str,
    now: i64,
) -> anyhow::Result<Taken> {
    let token = random_token();
    let won = sqlx::query(
        "INSERT INTO engine_locks (engine_id, token, holder, acquired_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (engine_id) DO UPDATE SET token = ?2, holder = ?3, acquired_at = ?4, \
         expires_at = ?5 WHERE engine_locks.expires_at <= ?6",
    )
    .bind(engine_id)
    .bind(&token)
    .bind(holder)
    .bind(clock::now_text())
    .bind(now + LOCK_LEASE_SECS)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("taking an engine lock")?
    .rows_affected()
        == 1;
    if won {
        return Ok(Taken::Ours(token));
    }
    let held = holder_of(conn, engine_id, now)
        .await?
        .context("the engine lock vanished while it was being taken")?;
    Ok(Taken::HeldBy(held))
}

/// Who holds the engine's lock now (an expired lock is nobody's).
pub async fn holder_of(
    conn: &mut SqliteConnection,
    engine_id: i64,
    now: i64,
) -> anyhow::Result<Option<LockRecord>> {
    sqlx::query_as(
        "SELECT holder, acquired_at, expires_at FROM engine_locks \
         WHERE engine_id = ? AND expires_at > ?",
    )
    .bind(engine_id)
    .bind(now)
    .fetch_optional(conn)
    .await
    .context("reading an engine lock")
}

/// Extends the lease of a lock we hold; false when it is no longer ours (broken by an admin,
/// or expired and taken).
pub async fn renew(
    conn: &mut SqliteConnection,
    engine_id: i64,
    token: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let done =
        sqlx::query("UPDATE engine_locks SET expires_at = ? WHERE engine_id = ? AND token = ?")
            .bind(now + LOCK_LEASE_SECS)
            .bind(engine_id)
            .bind(token)
            .execute(conn)
            .await
            .context("renewing an engine lock")?;
    Ok(done.rows_affected() == 1)
}

/// Releases a lock we hold (nothing happens when it is no longer ours).
pub async fn unlock(
    conn: &mut SqliteConnection,
    engine_id: i64,
    token: &str,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM engine_locks WHERE engine_id = ? AND token = ?")
        .bind(engine_id)
        .bind(token)
        .execute(conn)
        .await
        .context("releasing an engine lock")?;
    Ok(())
}

/// Breaks whatever lock the engine has (an admin's decision, audited by the caller);
/// returns who held it.
pub async fn break_lock(
    conn: &mut SqliteConnection,
    engine_id: i64,
    now: i64,
) -> anyhow::Result<Option<LockRecord>> {
    let held = holder_of(conn, engine_id, now).await?;
    sqlx::query("DELETE FROM engine_locks WHERE engine_id = ?")
        .bind(engine_id)
        .execute(conn)
        .await
        .context("breaking an engine lock")?;
    Ok(held)
}

fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A plan to keep: what applying a revision to an engine would change.
#[derive(Debug)]
pub struct NewPlan<'a> {
    pub design_id: i64,
    pub revision: i64,
    pub engine_id: i64,
    pub by: i64,
    pub plan_json: &'a str,
    pub fingerprint: &'a str,
}

/// Stores a plan; returns its id and hash (SHA-256 of its JSON).
pub async fn insert_plan(
    conn: &mut SqliteConnection,
    plan: &NewPlan<'_>,
) -> anyhow::Result<(i64, String)> {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(plan.plan_json.as_bytes()));
    let id = sqlx::query_scalar(
        "INSERT INTO plans (design_id, revision, engine_id, created_at, created_by, plan, hash, \
         fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(plan.design_id)
    .bind(plan.revision)
    .bind(plan.engine_id)
    .bind(clock::now_text())
    .bind(plan.by)
    .bind(plan.plan_json)
    .bind(&hash)
    .bind(plan.fingerprint)
    .fetch_one(conn)
    .await
    .context("storing a plan")?;
    Ok((id, hash))
}
