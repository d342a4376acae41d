//! Verify reports: one row per verify, written when it ends, never changed.

use anyhow::Context;
use app::model::{VerificationView, VerifyCheck, VerifySummary};
use serde::Deserialize;
use sqlx::SqliteConnection;

use crate::clock;

/// A finished verify to record.
#[derive(Debug)]
pub struct NewVerification<'a> {
    pub design_name: &'a str,
    pub design_id: Option<i64>,
    pub revision: Option<i64>,
    pub engine_id: i64,
    pub engine_name: &'a str,
    pub deployment_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub started_at: &'a str,
    pub passed: bool,
    pub checks: usize,
    pub mismatches: usize,
    pub not_judged: usize,
    pub firewall: &'a str,
    /// The report as `bulkhead verify --format json` prints it.
    pub report_json: &'a str,
}

/// Records a finished verify; returns its id.
pub async fn insert(conn: &mut SqliteConnection, v: &NewVerification<'_>) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO verifications (design_name, design_id, revision, engine_id, engine_name, \
         deployment_id, actor_id, actor_name, started_at, finished_at, passed, checks, mismatches, \
         not_judged, firewall, report) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(v.design_name)
    .bind(v.design_id)
    .bind(v.revision)
    .bind(v.engine_id)
    .bind(v.engine_name)
    .bind(v.deployment_id)
    .bind(v.actor_id)
    .bind(v.actor_name)
    .bind(v.started_at)
    .bind(clock::now_text())
    .bind(v.passed)
    .bind(i64::try_from(v.checks).unwrap_or(i64::MAX))
    .bind(i64::try_from(v.mismatches).unwrap_or(i64::MAX))
    .bind(i64::try_from(v.not_judged).unwrap_or(i64::MAX))
    .bind(v.firewall)
    .bind(v.report_json)
    .fetch_one(conn)
    .await
    .context("recording a verify report")
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    design_name: String,
    design_id: Option<i64>,
    revision: Option<i64>,
    engine_name: String,
    actor_name: String,
    finished_at: String,
    passed: bool,
    checks: i64,
    mismatches: i64,
    not_judged: i64,
    firewall: String,
    report: String,
}

/// The parts of a stored report the page shows (the rest of the JSON is kept, unread).
#[derive(Deserialize)]
struct StoredReport {
    checks: Vec<VerifyCheck>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    unprobed: Vec<String>,
    #[serde(default)]
    engine_changes: Vec<String>,
    #[serde(default)]
    elapsed_ms: u64,
}

const COLUMNS: &str = "id, design_name, design_id, revision, engine_name, actor_name, \
     finished_at, passed, checks, mismatches, not_judged, firewall, report";

fn summary(r: &Row) -> VerifySummary {
    VerifySummary {
        id: r.id,
        revision: r.revision,
        passed: r.passed,
        checks: r.checks,
        mismatches: r.mismatches,
        not_judged: r.not_judged,
        by: r.actor_name.clone(),
        at: clock::display(&r.finished_at),
    }
}

/// A stored report, read back for its page.
pub async fn get(pool: &sqlx::SqlitePool, id: i64) -> anyhow::Result<Option<VerificationView>> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM verifications WHERE id = ?"))
            .bind(id)
            .fetch_optional(pool)
            .await
            .context("reading a verify report")?;
    let Some(r) = row else { return Ok(None) };
    let stored: StoredReport = serde_json::from_str(&r.report)
        .with_context(|| format!("verify report {id} does not read back"))?;
    Ok(Some(VerificationView {
        summary: summary(&r),
        design: r.design_name,
        design_id: r.design_id,
        engine: r.engine_name,
        firewall: r.firewall,
        checks: stored.checks,
        notes: stored.notes,
        unprobed: stored.unprobed,
        engine_changes: stored.engine_changes,
        elapsed_ms: stored.elapsed_ms,
    }))
}

/// The newest report of a design on an engine, in one line.
pub async fn latest(
    pool: &sqlx::SqlitePool,
    design_id: i64,
    engine_id: i64,
) -> anyhow::Result<Option<VerifySummary>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM verifications WHERE design_id = ? AND engine_id = ? \
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(design_id)
    .bind(engine_id)
    .fetch_optional(pool)
    .await
    .context("reading the last verify report")?;
    Ok(row.as_ref().map(summary))
}

/// When the newest report of a design on an engine was written, as Unix seconds.
pub async fn last_at(
    pool: &sqlx::SqlitePool,
    design_id: i64,
    engine_id: i64,
) -> anyhow::Result<Option<i64>> {
    let at: Option<String> = sqlx::query_scalar(
        "SELECT finished_at FROM verifications WHERE design_id = ? AND engine_id = ? \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_optional(pool)
    .await
    .context("reading the last verify time")?;
    Ok(at.and_then(|t| clock::unix_of(&t)))
}
