//! Quarantined containers: what each was attached to (for release to restore exactly that),
//! who cut it off and why, who released it.

use anyhow::Context;
use app::model::QuarantineRow;
use sqlx::SqliteConnection;

use crate::clock;
use crate::engine::{QuarantineRecord, QuarantinedEndpoint};

/// A quarantine to record, before the container is cut off.
#[derive(Debug)]
pub struct NewQuarantine<'a> {
    pub engine_id: i64,
    pub engine_name: &'a str,
    pub reason: &'a str,
    pub record: &'a QuarantineRecord,
    pub by_id: Option<i64>,
    pub by: &'a str,
}

/// Whether the container could be recorded as quarantined.
#[derive(Debug)]
pub enum Recorded {
    /// The new quarantine's id.
    New(i64),
    /// It is quarantined already, since that quarantine.
    Already(QuarantineRow),
}

/// Records a quarantine, unless the container is quarantined already.
pub async fn insert(
    conn: &mut SqliteConnection,
    q: &NewQuarantine<'_>,
) -> anyhow::Result<Recorded> {
    if let Some(active) = active(&mut *conn, q.engine_id, &q.record.container).await? {
        return Ok(Recorded::Already(active));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO quarantines (engine_id, engine_name, container, container_id, reason, \
         networks, quarantined_by_id, quarantined_by, quarantined_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(q.engine_id)
    .bind(q.engine_name)
    .bind(&q.record.container)
    .bind(&q.record.id)
    .bind(q.reason)
    .bind(serde_json::to_string(&q.record.networks)?)
    .bind(q.by_id)
    .bind(q.by)
    .bind(clock::now_text())
    .fetch_one(conn)
    .await
    .context("recording a quarantine")?;
    Ok(Recorded::New(id))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    engine_id: i64,
    engine_name: String,
    container: String,
    container_id: String,
    reason: String,
    networks: String,
    quarantined_by: String,
    quarantined_at: String,
    released_by: Option<String>,
    released_at: Option<String>,
}

const COLUMNS: &str = "id, engine_id, engine_name, container, container_id, reason, networks, \
     quarantined_by, quarantined_at, released_by, released_at";

fn endpoints(r: &Row) -> anyhow::Result<Vec<QuarantinedEndpoint>> {
    serde_json::from_str(&r.networks)
        .with_context(|| format!("quarantine {} does not read back", r.id))
}

fn row(r: Row) -> anyhow::Result<QuarantineRow> {
    let networks = endpoints(&r)?
        .into_iter()
        .map(|e| match e.ipv4 {
            Some(a) => format!("{} ({a})", e.network),
            None => e.network,
        })
        .collect();
    Ok(QuarantineRow {
        id: r.id,
        engine_id: r.engine_id,
        engine: r.engine_name,
        container: r.container,
        reason: r.reason,
        networks,
        by: r.quarantined_by,
        at: clock::display(&r.quarantined_at),
        released_by: r.released_by,
        released_at: r.released_at.as_deref().map(clock::display),
    })
}

/// The container's quarantine in force on an engine, as stored.
async fn active_row(
    conn: &mut SqliteConnection,
    engine_id: i64,
    container: &str,
) -> anyhow::Result<Option<Row>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM quarantines WHERE engine_id = ? AND container = ? \
         AND released_at IS NULL"
    ))
    .bind(engine_id)
    .bind(container)
    .fetch_optional(conn)
    .await
    .context("reading a quarantine")
}

/// The container's quarantine in force on an engine, if it has one.
pub async fn active(
    conn: &mut SqliteConnection,
    engine_id: i64,
    container: &str,
) -> anyhow::Result<Option<QuarantineRow>> {
    active_row(conn, engine_id, container)
        .await?
        .map(row)
        .transpose()
}

/// The record release restores from: the quarantine in force of `container` on an engine.
pub async fn record_of(
    conn: &mut SqliteConnection,
    engine_id: i64,
    container: &str,
) -> anyhow::Result<Option<(i64, QuarantineRecord)>> {
    let Some(r) = active_row(conn, engine_id, container).await? else {
        return Ok(None);
    };
    let record = QuarantineRecord {
        networks: endpoints(&r)?,
        container: r.container,
        id: r.container_id,
        at: clock::unix_of(&r.quarantined_at).unwrap_or(0).max(0) as u64,
    };
    Ok(Some((r.id, record)))
}

/// Marks a quarantine as released; false when it was released already.
pub async fn release(
    conn: &mut SqliteConnection,
    id: i64,
    by_id: Option<i64>,
    by: &str,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE quarantines SET released_by_id = ?, released_by = ?, released_at = ? \
         WHERE id = ? AND released_at IS NULL",
    )
    .bind(by_id)
    .bind(by)
    .bind(clock::now_text())
    .bind(id)
    .execute(conn)
    .await
    .context("releasing a quarantine")?;
    Ok(done.rows_affected() == 1)
}

/// The quarantines of an engine, those in force first, then the newest released (at most
/// 100 in all).
pub async fn list(pool: &sqlx::SqlitePool, engine_id: i64) -> anyhow::Result<Vec<QuarantineRow>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM quarantines WHERE engine_id = ? \
         ORDER BY released_at IS NOT NULL, id DESC LIMIT 100"
    ))
    .bind(engine_id)
    .fetch_all(pool)
    .await
    .context("listing quarantines")?;
    rows.into_iter().map(row).collect()
}
