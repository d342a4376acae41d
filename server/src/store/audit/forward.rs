//! The audit log as forwarding reads it: the committed entries after a cursor, oldest
//! first, each with what a syslog line shows and its JSON Lines form (as the export writes
//! it, hash included, so a receiver can check the chain).

use anyhow::Context;

use super::Row;
use super::Scope;
use super::export::json_line;
use crate::db::Db;

/// One entry to forward.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub id: i64,
    /// RFC 3339, as the log has it.
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub summary: String,
    pub failed: bool,
    pub overridden: bool,
    pub hash: String,
    /// The entry as a JSON Lines export line (without its line break).
    pub json: String,
}

/// At most `limit` committed entries after `after`, oldest first.
pub async fn after(db: &Db, after: i64, limit: i64) -> anyhow::Result<Vec<Forwarded>> {
    // SQLite commits one writer at a time, so entries become visible in the order of their
    // ids: none can appear later below a cursor.
    let rows: Vec<Row> = sqlx::query_as("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?")
        .bind(after)
        .bind(limit)
        .fetch_all(&db.read)
        .await
        .context("reading the audit log to forward")?;
    Ok(rows
        .into_iter()
        .map(|r| Forwarded {
            json: json_line(&r, Scope::Everything),
            id: r.id,
            at: r.at,
            actor: r.actor_name,
            action: r.action,
            target: r.target,
            summary: r.summary,
            failed: r.failed,
            overridden: r.overridden,
            hash: r.hash,
        })
        .collect())
}
