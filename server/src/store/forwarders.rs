//! Audit forwarding destinations as an admin set them up, with how far each has got.

use anyhow::Context;
use app::model::ForwarderRow;
use sqlx::{FromRow, SqliteConnection};

use crate::clock;

/// A destination as the forwarding task needs it.
#[derive(Debug, Clone, FromRow)]
pub struct Forwarder {
    pub id: i64,
    pub kind: String,
    pub target: String,
    pub delivered_id: i64,
    pub failures: i64,
    pub next_at: i64,
}

#[derive(FromRow)]
struct Listed {
    id: i64,
    kind: String,
    target: String,
    created_at: String,
    created_by: String,
    delivered: i64,
    behind: i64,
    last_ok_at: Option<String>,
    last_error: Option<String>,
    last_error_at: Option<String>,
    failures: i64,
}

/// Every destination, with the entries it still has to send.
pub async fn list(conn: &mut SqliteConnection) -> anyhow::Result<Vec<ForwarderRow>> {
    let rows: Vec<Listed> = sqlx::query_as(
        "SELECT id, kind, target, created_at, created_by, delivered, \
         (SELECT count(*) FROM audit_log a WHERE a.id > f.delivered_id) AS behind, \
         last_ok_at, last_error, last_error_at, failures FROM audit_forwarders f ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing the audit forwarding destinations")?;
    Ok(rows
        .into_iter()
        .map(|r| ForwarderRow {
            id: r.id,
            kind: r.kind,
            target: r.target,
            created_at: clock::display(&r.created_at),
            created_by: r.created_by,
            delivered: r.delivered,
            behind: r.behind,
            last_ok_at: r.last_ok_at.as_deref().map(clock::display),
            last_error: r.last_error,
            last_error_at: r.last_error_at.as_deref().map(clock::display),
            failures: r.failures,
        })
        .collect())
}

/// Every destination, for the forwarding task.
pub async fn all(conn: &mut SqliteConnection) -> anyhow::Result<Vec<Forwarder>> {
    sqlx::query_as(
        "SELECT id, kind, target, delivered_id, failures, next_at FROM audit_forwarders ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .context("reading the audit forwarding destinations")
}

/// One destination, if it exists.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<Forwarder>> {
    sqlx::query_as(
        "SELECT id, kind, target, delivered_id, failures, next_at FROM audit_forwarders WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("reading an audit forwarding destination")
}

/// Adds a destination that starts after entry `from` (the newest when it is added: what
/// came before is in the export); returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    kind: &str,
    target: &str,
    from: i64,
    by: &str,
) -> anyhow::Result<i64> {
    let done = sqlx::query(
        "INSERT INTO audit_forwarders (kind, target, created_at, created_by, delivered_id) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(kind)
    .bind(target)
    .bind(clock::now_text())
    .bind(by)
    .bind(from)
    .execute(&mut *conn)
    .await
    .context("adding an audit forwarding destination")?;
    Ok(done.last_insert_rowid())
}

/// Removes a destination; `None` when there was none.
pub async fn delete(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<()>> {
    let done = sqlx::query("DELETE FROM audit_forwarders WHERE id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await
        .context("removing an audit forwarding destination")?;
    Ok((done.rows_affected() > 0).then_some(()))
}

/// Records entries up to `last` delivered (`count` of them).
pub async fn delivered(
    conn: &mut SqliteConnection,
    id: i64,
    last: i64,
    count: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE audit_forwarders SET delivered_id = max(delivered_id, ?), \
         delivered = delivered + ?, last_ok_at = ?, failures = 0, next_at = 0 WHERE id = ?",
    )
    .bind(last)
    .bind(count)
    .bind(clock::now_text())
    .bind(id)
    .execute(&mut *conn)
    .await
    .context("recording an audit forwarding delivery")?;
    Ok(())
}

/// Records a failed attempt; the next is due at `next_at` (unix seconds).
pub async fn failed(
    conn: &mut SqliteConnection,
    id: i64,
    error: &str,
    next_at: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE audit_forwarders SET last_error = ?, last_error_at = ?, failures = failures + 1, \
         next_at = ? WHERE id = ?",
    )
    .bind(error)
    .bind(clock::now_text())
    .bind(next_at)
    .bind(id)
    .execute(&mut *conn)
    .await
    .context("recording an audit forwarding failure")?;
    Ok(())
}
