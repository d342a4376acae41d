//! The audit log: append-only (there is no update or delete here, and triggers refuse them),
//! each entry carrying the hash of the one before.

use super::Actor;
use crate::clock;
use anyhow::Context;
use app::model::{AUDIT_PAGE, AuditEntry, AuditFilter, AuditPage};
use sha2::{Digest, Sha256};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append.
#[derive(Debug)]
pub struct NewEntry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub object_kind: Option<&'a str>,
    pub object_id: Option<String>,
    pub design_id: Option<i64>,
    pub target: Option<&'a str>,
    pub summary: String,
    pub details: serde_json::Value,
}

impl<'a> NewEntry<'a> {
    pub fn new(actor: &'a Actor, action: &'a str, summary: impl Into<String>) -> Self {
        NewEntry {
            actor,
            action,
            object_kind: None,
            object_id: None,
            design_id: None,
            target: None,
            summary: summary.into(),
            details: serde_json::json!({}),
        }
    }

    pub fn object(mut self, kind: &'a str, id: impl ToString) -> Self {
        self.object_kind = Some(kind);
        self.object_id = Some(id.to_string());
        self
    }

    pub fn design(mut self, id: i64) -> Self {
        self.design_id = Some(id);
        self.object("design", id)
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

#[derive(Debug, FromRow)]
struct Row {
    id: i64,
    at: String,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    address: Option<String>,
    action: String,
    object_kind: Option<String>,
    object_id: Option<String>,
    design_id: Option<i64>,
    target: Option<String>,
    summary: String,
    details: String,
    prev_hash: String,
    hash: String,
}

#[expect(clippy::too_many_arguments, reason = "one argument per hashed column")]
fn entry_hash(
    prev: &str,
    at: &str,
    actor_id: Option<i64>,
    actor_name: Option<&str>,
    address: Option<&str>,
    action: &str,
    object_kind: Option<&str>,
    object_id: Option<&str>,
    design_id: Option<i64>,
    target: Option<&str>,
    summary: &str,
    details: &str,
) -> String {
    let canonical = serde_json::json!([
        prev,
        at,
        actor_id,
        actor_name,
        address,
        action,
        object_kind,
        object_id,
        design_id,
        target,
        summary,
        details
    ])
    .to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn row_hash(r: &Row) -> String {
    entry_hash(
        &r.prev_hash,
        &r.at,
        r.actor_id,
        r.actor_name.as_deref(),
        r.address.as_deref(),
        &r.action,
        r.object_kind.as_deref(),
        r.object_id.as_deref(),
        r.design_id,
        r.target.as_deref(),
        &r.summary,
        &r.details,
    )
}

/// Appends an entry inside the caller's write transaction, so the entry and the change it
/// records are stored together or not at all.
pub async fn append(conn: &mut SqliteConnection, e: NewEntry<'_>) -> anyhow::Result<i64> {
    let prev: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .context("reading the last audit entry")?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    let at = clock::now_text();
    let details = e.details.to_string();
    let hash = entry_hash(
        &prev,
        &at,
        e.actor.id,
        e.actor.name.as_deref(),
        e.actor.address.as_deref(),
        e.action,
        e.object_kind,
        e.object_id.as_deref(),
        e.design_id,
        e.target,
        &e.summary,
        &details,
    );
    let id = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor_id, actor_name, address, action, object_kind, object_id, \
         design_id, target, summary, details, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&at)
    .bind(e.actor.id)
    .bind(&e.actor.name)
    .bind(&e.actor.address)
    .bind(e.action)
    .bind(e.object_kind)
    .bind(&e.object_id)
    .bind(e.design_id)
    .bind(e.target)
    .bind(&e.summary)
    .bind(&details)
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await
    .context("appending to the audit log")?;
    Ok(id)
}

/// Appends an entry in a transaction of its own.
pub async fn append_alone(pool: &SqlitePool, e: NewEntry<'_>) -> anyhow::Result<i64> {
    let mut tx = pool.begin().await.context("starting a transaction")?;
    let id = append(&mut tx, e).await?;
    tx.commit().await.context("committing the audit entry")?;
    Ok(id)
}

/// The result of checking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry's hash matches its content and the entry before.
    Intact { entries: u64 },
    /// The first entry that does not match, and why.
    Broken { id: i64, reason: String },
}

/// Checks every entry in order.
pub async fn verify(pool: &SqlitePool) -> anyhow::Result<Verdict> {
    let rows: Vec<Row> = sqlx::query_as("SELECT * FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .context("reading the audit log")?;
    let mut prev = GENESIS.to_string();
    for r in &rows {
        if r.prev_hash != prev {
            return Ok(Verdict::Broken {
                id: r.id,
                reason:
                    "its link to the entry before does not match (an entry was removed or inserted)"
                        .into(),
            });
        }
        if row_hash(r) != r.hash {
            return Ok(Verdict::Broken {
                id: r.id,
                reason: "its content does not match its hash (the entry was changed)".into(),
            });
        }
        prev = r.hash.clone();
    }
    Ok(Verdict::Intact {
        entries: rows.len() as u64,
    })
}

/// A page of the log, newest first, with the choices for the filters.
pub async fn page(pool: &SqlitePool, f: &AuditFilter) -> anyhow::Result<AuditPage> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT * FROM audit_log \
         WHERE (?1 IS NULL OR actor_name = ?1) AND (?2 IS NULL OR action = ?2) \
           AND (?3 IS NULL OR design_id = ?3) AND (?4 IS NULL OR id < ?4) \
         ORDER BY id DESC LIMIT ?5",
    )
    .bind(&f.user)
    .bind(&f.action)
    .bind(f.design)
    .bind(f.before)
    .bind(AUDIT_PAGE + 1)
    .fetch_all(pool)
    .await
    .context("reading the audit log")?;
    let more = rows.len() as i64 > AUDIT_PAGE;
    let entries = rows
        .into_iter()
        .take(AUDIT_PAGE as usize)
        .map(|r| AuditEntry {
            id: r.id,
            at: clock::display(&r.at),
            actor: r.actor_name,
            address: r.address,
            action: r.action,
            object_kind: r.object_kind,
            object_id: r.object_id,
            design_id: r.design_id,
            summary: r.summary,
        })
        .collect();
    let users = sqlx::query_scalar(
        "SELECT DISTINCT actor_name FROM audit_log WHERE actor_name IS NOT NULL ORDER BY actor_name",
    )
    .fetch_all(pool)
    .await
    .context("listing audit users")?;
    let actions = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(pool)
        .await
        .context("listing audit actions")?;
    let designs = sqlx::query_as("SELECT id, name FROM designs ORDER BY name")
        .fetch_all(pool)
        .await
        .context("listing designs")?;
    Ok(AuditPage {
        entries,
        users,
        actions,
        designs,
        more,
    })
}
