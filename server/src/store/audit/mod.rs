//! The audit log: append-only (there is no update or delete here, and triggers refuse them),
//! each entry carrying the hash of the one before, keyed under the data directory's audit
//! key ([`anchor`]) so that someone who can write the database cannot rewrite the chain.

mod anchor;
pub mod archive;
pub mod export;
pub mod filter;
pub mod forward;
pub mod view;

pub use anchor::{Anchor, AnchorError, CHECKPOINTS_FILE, Checkpoint, KEY_FILE};

use super::Actor;
use crate::clock;
use crate::db::Db;
use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, SqliteConnection};

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

    /// The entry is about engine `id`, named `name` (the engine filter finds it by name).
    pub fn engine(mut self, id: i64, name: &'a str) -> Self {
        self.target = Some(name);
        self.object("engine", id)
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
    /// Derived by the database from the action and details (not hashed).
    failed: bool,
    overridden: bool,
}

#[expect(clippy::too_many_arguments, reason = "one argument per hashed column")]
fn canonical(
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
    serde_json::json!([
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
    .to_string()
}

/// The hash entry `id` carries: keyed (HMAC-SHA-256) from the anchor's first keyed entry on,
/// plain SHA-256 before it.
fn seal(anchor: &Anchor, id: i64, canonical: &str) -> String {
    if id >= anchor.keyed_since() {
        anchor.mac(canonical)
    } else {
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

fn row_hash(anchor: &Anchor, r: &Row) -> String {
    let text = canonical(
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
    );
    seal(anchor, r.id, &text)
}

/// The newest entry's number and hash.
pub async fn newest(conn: &mut SqliteConnection) -> anyhow::Result<Option<(i64, String)>> {
    sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(conn)
        .await
        .context("reading the last audit entry")
}

/// Appends an entry inside the caller's write transaction, so the entry and the change it
/// records are stored together or not at all.
pub async fn append(
    conn: &mut SqliteConnection,
    anchor: &Anchor,
    e: NewEntry<'_>,
) -> anyhow::Result<i64> {
    anyhow::ensure!(
        app::model::audit::ActionGroup::of(e.action).is_some(),
        "{:?} is not a stable audit action; add it to ActionGroup::actions",
        e.action
    );
    let (id, prev) = match newest(&mut *conn).await? {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = clock::now_text();
    let details = e.details.to_string();
    let text = canonical(
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
    let hash = seal(anchor, id, &text);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, address, action, object_kind, \
         object_id, design_id, target, summary, details, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
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
    .execute(&mut *conn)
    .await
    .context("appending to the audit log")?;
    Ok(id)
}

/// Appends an entry in a transaction of its own.
pub async fn append_alone(db: &Db, e: NewEntry<'_>) -> anyhow::Result<i64> {
    let mut tx = db.write.begin().await.context("starting a transaction")?;
    let id = append(&mut tx, &db.audit, e).await?;
    tx.commit().await.context("committing the audit entry")?;
    Ok(id)
}

/// The newest committed entry's number (0 for an empty log).
pub async fn newest_committed(db: &Db) -> anyhow::Result<i64> {
    let mut conn = db.read.acquire().await.context("reading the audit log")?;
    Ok(newest(&mut conn).await?.map_or(0, |(id, _)| id))
}

/// Writes a checkpoint of the newest entry when it is newer than `last` (the newest one
/// checkpointed); returns the newest entry's number.
pub async fn checkpoint_since(db: &Db, last: i64) -> anyhow::Result<i64> {
    let mut conn = db.read.acquire().await.context("reading the audit log")?;
    match newest(&mut conn).await? {
        Some((id, hash)) if id > last => {
            let anchor = db.audit.clone();
            tokio::task::spawn_blocking(move || anchor.checkpoint(id, &hash))
                .await
                .context("writing an audit checkpoint")??;
            Ok(id)
        }
        _ => Ok(last),
    }
}

/// The result of checking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry's hash matches its content and the entry before, and the newest signed
    /// checkpoint matches the log.
    Intact {
        entries: u64,
        /// The entry the newest valid checkpoint records.
        checkpoint: i64,
    },
    /// The first problem found, at entry `id`.
    Broken { id: i64, reason: String },
}

/// Checks every entry in order (the first one kept after an archive against the archive's
/// sealed record), then the log against the newest signed checkpoint.
pub async fn verify(db: &Db) -> anyhow::Result<Verdict> {
    let boundary = match archive::boundary(db).await {
        Ok(b) => b,
        Err(e) => {
            return Ok(Verdict::Broken {
                id: 0,
                reason: format!("{e:#}"),
            });
        }
    };
    let rows: Vec<Row> = sqlx::query_as("SELECT * FROM audit_log ORDER BY id")
        .fetch_all(&db.read)
        .await
        .context("reading the audit log")?;
    let anchor = &db.audit;
    let mut prev = boundary
        .as_ref()
        .map_or(GENESIS.to_string(), |b| b.last_hash.clone());
    for r in &rows {
        if r.prev_hash != prev {
            return Ok(Verdict::Broken {
                id: r.id,
                reason:
                    "its link to the entry before does not match (an entry was removed or inserted)"
                        .into(),
            });
        }
        if row_hash(anchor, r) != r.hash {
            return Ok(Verdict::Broken {
                id: r.id,
                reason: "its content does not match its hash (the entry was changed, or rehashed without the audit key)".into(),
            });
        }
        prev = r.hash.clone();
    }
    let lines = anchor.checkpoints()?;
    if let Some(bad) = lines.iter().position(Option::is_none) {
        return Ok(Verdict::Broken {
            id: 0,
            reason: format!(
                "line {} of {CHECKPOINTS_FILE} is not signed with the audit key (the file was changed)",
                bad + 1
            ),
        });
    }
    let Some(last) = lines.into_iter().flatten().max_by_key(|c| c.seq) else {
        return Ok(Verdict::Broken {
            id: 0,
            reason: format!("{CHECKPOINTS_FILE} holds no checkpoint"),
        });
    };
    let newest = rows.last().map_or(0, |r| r.id);
    if last.seq > newest {
        return Ok(Verdict::Broken {
            id: last.seq,
            reason: format!(
                "a signed checkpoint records entry {} but the log ends at entry {newest}: the newest entries were removed",
                last.seq
            ),
        });
    }
    let recorded = match &boundary {
        _ if last.seq == 0 => Some(GENESIS),
        Some(b) if last.seq == b.through => Some(b.last_hash.as_str()),
        // An archived entry: its file holds it (check it with the offline script).
        Some(b) if last.seq < b.through => None,
        _ => Some(
            rows.iter()
                .find(|r| r.id == last.seq)
                .map_or("", |r| r.hash.as_str()),
        ),
    };
    if recorded.is_some_and(|h| h != last.hash) {
        return Ok(Verdict::Broken {
            id: last.seq,
            reason: "its hash differs from the one its signed checkpoint records".into(),
        });
    }
    Ok(Verdict::Intact {
        entries: rows.len() as u64,
        checkpoint: last.seq,
    })
}

/// What part of the log a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Admins: every entry, with client addresses and attempted sign-in names.
    Everything,
    /// Everyone else: entries about designs and engines, without client addresses.
    DesignsAndEngines,
}

impl Scope {
    /// The part of the log a user of `role` reads.
    pub fn of(role: app::model::Role) -> Scope {
        if role >= app::model::Role::Admin {
            Scope::Everything
        } else {
            Scope::DesignsAndEngines
        }
    }
}
