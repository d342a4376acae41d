//! What readers see of the log: a filtered page newest first (keyset paging on the entry
//! number), one entry in full with its place in the chain, and the story of a design or an
//! engine told by its key entries.

use anyhow::Context;
use app::model::audit::{
    AUDIT_PAGE, AuditDetail, AuditEntry, AuditFilter, AuditPage, ChainStatus, TimelineStep,
};
use serde_json::Value;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::filter::{Criteria, FOR_EVERYONE, Refused};
use super::{GENESIS, Row, Scope, row_hash};
use crate::clock;
use crate::db::Db;

/// The actions a timeline tells.
const TIMELINE: [&str; 15] = [
    "design-create",
    "design-save",
    "design-revert",
    "request-open",
    "request-approve",
    "request-changes",
    "request-reject",
    "request-override",
    "engine-register",
    "engine-apply",
    "engine-destroy",
    "engine-verify",
    "engine-drift",
    "engine-quarantine",
    "engine-release",
];

/// The most steps a timeline shows (the newest ones).
const TIMELINE_STEPS: i64 = 20;

fn entry(r: Row, scope: Scope) -> AuditEntry {
    AuditEntry {
        id: r.id,
        at: clock::display(&r.at),
        actor: r.actor_name,
        address: if scope == Scope::Everything {
            r.address
        } else {
            None
        },
        action: r.action,
        object_kind: r.object_kind,
        object_id: r.object_id,
        design_id: r.design_id,
        target: r.target,
        summary: r.summary,
        failed: r.failed,
        overridden: r.overridden,
    }
}

/// A page of the log, newest first, with the choices for the filters and, when the view is
/// of one design or engine, its timeline.
pub async fn page(pool: &SqlitePool, f: &AuditFilter, scope: Scope) -> Result<AuditPage, Refused> {
    let criteria = Criteria::resolve(pool, f, scope).await?;
    let rows: Vec<Row> = criteria
        .select(true, None, Some(AUDIT_PAGE + 1))
        .build_query_as()
        .fetch_all(pool)
        .await
        .context("reading the audit log")?;
    let more = rows.len() as i64 > AUDIT_PAGE;
    let entries = rows
        .into_iter()
        .take(AUDIT_PAGE as usize)
        .map(|r| entry(r, scope))
        .collect();
    let timeline = if f.design.is_some() || f.engine.is_some() {
        timeline(pool, &criteria).await?
    } else {
        Vec::new()
    };
    // The accounts, for admins (others type a name); Bulkhead itself acts too (the local
    // engine at first start, interrupted applies).
    let users: Vec<String> = match scope {
        Scope::Everything => {
            let mut names: Vec<String> = sqlx::query_scalar("SELECT name FROM users ORDER BY name")
                .fetch_all(pool)
                .await
                .context("listing users")?;
            names.push("bulkhead".into());
            names
        }
        Scope::DesignsAndEngines => Vec::new(),
    };
    let designs = sqlx::query_as("SELECT id, name FROM designs ORDER BY name")
        .fetch_all(pool)
        .await
        .context("listing designs")?;
    let engines = sqlx::query_scalar("SELECT name FROM engines ORDER BY name")
        .fetch_all(pool)
        .await
        .context("listing engines")?;
    Ok(AuditPage {
        entries,
        users,
        designs,
        engines,
        everything: scope == Scope::Everything,
        more,
        timeline,
    })
}

/// The key entries of the design or engine the criteria name (within their time range),
/// oldest first. Each action is one seek in the (design, action) or (engine, action) index
/// for its newest steps, so the work is bounded however long the story.
async fn timeline(pool: &SqlitePool, criteria: &Criteria) -> Result<Vec<TimelineStep>, Refused> {
    let f = criteria.filter();
    let mut q = QueryBuilder::<Sqlite>::new("SELECT * FROM (");
    for (n, action) in TIMELINE.iter().enumerate() {
        if n > 0 {
            q.push(" UNION ALL ");
        }
        q.push("SELECT * FROM (SELECT * FROM audit_log");
        criteria.only_action(action).push_where(&mut q);
        q.push(" ORDER BY id DESC LIMIT ").push_bind(TIMELINE_STEPS);
        q.push(")");
    }
    q.push(") ORDER BY id DESC LIMIT ")
        .push_bind(TIMELINE_STEPS);
    let rows: Vec<Row> = q
        .build_query_as()
        .fetch_all(pool)
        .await
        .context("reading the timeline")?;
    let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM designs")
        .fetch_all(pool)
        .await
        .context("listing designs")?;
    // On an engine's timeline each step names its design.
    let design_of = |r: &Row| {
        r.design_id
            .filter(|_| f.design.is_none())
            .and_then(|d| names.iter().find(|(id, _)| *id == d))
            .map(|(_, n)| format!("{n}: "))
            .unwrap_or_default()
    };
    Ok(rows
        .iter()
        .rev()
        .map(|r| TimelineStep {
            id: r.id,
            at: clock::display(&r.at),
            label: format!("{}{}", design_of(r), step_label(r)),
            tone: if r.failed {
                "failed"
            } else if r.overridden {
                "override"
            } else {
                "ok"
            }
            .into(),
        })
        .collect())
}

/// One timeline step in words ("r12 approved by bob", "verified 73/73 on prod").
fn step_label(r: &Row) -> String {
    let d: Value = serde_json::from_str(&r.details).unwrap_or(Value::Null);
    let who = r.actor_name.as_deref().unwrap_or("someone");
    let engine = r.target.as_deref().unwrap_or("an engine");
    let num = |k: &str| d[k].as_i64();
    let rev = num("revision")
        .map(|n| format!("r{n} "))
        .unwrap_or_default();
    match r.action.as_str() {
        "design-create" => format!("created by {who}"),
        "design-save" => format!("{rev}saved by {who}"),
        "design-revert" => format!("{rev}restored by {who}"),
        "request-open" => format!("{rev}proposed by {who}"),
        "request-approve" => format!("{rev}approved by {who}"),
        "request-changes" => format!("{rev}changes asked by {who}"),
        "request-reject" => format!("{rev}rejected by {who}"),
        "request-override" => format!("{rev}approval overridden by {who}"),
        "engine-register" => format!("registered by {who}"),
        "engine-apply" if r.failed => format!("apply to {engine} failed ({who})"),
        "engine-apply" => format!("applied to {engine} by {who}"),
        "engine-destroy" if r.failed => format!("removal from {engine} failed ({who})"),
        "engine-destroy" => format!("removed from {engine} by {who}"),
        "engine-verify" => match (num("checks"), num("mismatches")) {
            (Some(c), Some(0)) if !r.failed => format!("verified {c}/{c} on {engine}"),
            (Some(c), Some(0)) => format!("verify on {engine} did not pass ({c} checks)"),
            (Some(c), Some(m)) => format!("verify on {engine}: {m} of {c} checks mismatched"),
            _ => format!("verify on {engine} could not run"),
        },
        "engine-drift" => match d["state"].as_str() {
            Some("in-sync") => format!("back in sync on {engine}"),
            Some("unreachable") => format!("{engine} unreachable"),
            _ => format!("drift detected on {engine}"),
        },
        "engine-quarantine" => format!(
            "{} quarantined on {engine} by {who}",
            d["container"].as_str().unwrap_or("a container")
        ),
        "engine-release" => format!(
            "{} released on {engine} by {who}",
            d["container"].as_str().unwrap_or("a container")
        ),
        _ => r.summary.clone(),
    }
}

/// Entry `id` in full, when the reader's scope holds it.
pub async fn detail(db: &Db, id: i64, scope: Scope) -> anyhow::Result<Option<AuditDetail>> {
    let visible = match scope {
        Scope::Everything => "1",
        Scope::DesignsAndEngines => FOR_EVERYONE,
    };
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT * FROM audit_log WHERE id = ? AND {visible}"
    ))
    .bind(id)
    .fetch_optional(&db.read)
    .await
    .context("reading the audit entry")?;
    let Some(row) = row else { return Ok(None) };
    let previous = scalar_at(
        db,
        &format!("SELECT id FROM audit_log WHERE id < ? AND {visible} ORDER BY id DESC LIMIT 1"),
        id,
    )
    .await?;
    let next = scalar_at(
        db,
        &format!("SELECT id FROM audit_log WHERE id > ? AND {visible} ORDER BY id LIMIT 1"),
        id,
    )
    .await?;
    // The chain's links are to the adjacent entries, whoever may read them.
    let before = if id == 1 {
        Some(GENESIS.to_string())
    } else {
        match scalar_at(db, "SELECT hash FROM audit_log WHERE id = ?", id - 1).await? {
            Some(h) => Some(h),
            // The entry before was archived: the archive's sealed record has its hash.
            None => super::archive::boundary(db)
                .await?
                .filter(|b| b.through == id - 1)
                .map(|b| b.last_hash),
        }
    };
    let after: Option<String> =
        scalar_at(db, "SELECT prev_hash FROM audit_log WHERE id = ?", id + 1).await?;
    let anchor = db.audit.clone();
    let checkpoints = tokio::task::spawn_blocking(move || anchor.checkpoints())
        .await
        .context("reading the audit checkpoints")??;
    let checkpoint = checkpoints
        .into_iter()
        .flatten()
        .map(|c| c.seq)
        .filter(|seq| *seq >= id)
        .min();
    let chain = ChainStatus {
        sealed: row_hash(&db.audit, &row) == row.hash,
        links_back: before.as_deref() == Some(row.prev_hash.as_str()),
        linked_from_next: after.map(|p| p == row.hash),
        checkpoint,
    };
    let details = serde_json::from_str::<Value>(&row.details)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| row.details.clone());
    Ok(Some(AuditDetail {
        details,
        prev_hash: row.prev_hash.clone(),
        hash: row.hash.clone(),
        previous,
        next,
        chain,
        entry: entry(row, scope),
    }))
}

/// The one value `sql` reads for entry `id`, if any.
async fn scalar_at<T>(db: &Db, sql: &str, id: i64) -> anyhow::Result<Option<T>>
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&db.read)
        .await
        .context("reading the audit log")
}
