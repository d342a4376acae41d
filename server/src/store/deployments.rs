//! What was applied where: one row per apply, written when it ends, never changed.

use anyhow::Context;
use sqlx::SqliteConnection;

use crate::clock;

/// A finished apply to record.
#[derive(Debug)]
pub struct NewDeployment<'a> {
    pub design_name: &'a str,
    pub design_id: Option<i64>,
    pub revision: Option<i64>,
    pub engine_id: i64,
    pub engine_name: &'a str,
    pub plan_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub started_at: &'a str,
    pub plan_json: &'a str,
    pub plan_hash: &'a str,
    pub fingerprint: &'a str,
    /// `applied`, `failed` or `cancelled`.
    pub result: &'a str,
    pub failed_step: Option<&'a str>,
    pub firewall: &'a str,
    pub report_json: &'a str,
    /// The change request it carried out, and the admin's reason when it went past the
    /// engine's approvals.
    pub request_id: Option<i64>,
    pub override_reason: Option<&'a str>,
}

/// Records a finished apply; returns its id.
pub async fn insert(conn: &mut SqliteConnection, d: &NewDeployment<'_>) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO deployments (design_name, design_id, revision, engine_id, engine_name, plan_id, \
         actor_id, actor_name, started_at, finished_at, plan, plan_hash, fingerprint, result, \
         failed_step, firewall, report, request_id, override_reason) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(d.design_name)
    .bind(d.design_id)
    .bind(d.revision)
    .bind(d.engine_id)
    .bind(d.engine_name)
    .bind(d.plan_id)
    .bind(d.actor_id)
    .bind(d.actor_name)
    .bind(d.started_at)
    .bind(clock::now_text())
    .bind(d.plan_json)
    .bind(d.plan_hash)
    .bind(d.fingerprint)
    .bind(d.result)
    .bind(d.failed_step)
    .bind(d.firewall)
    .bind(d.report_json)
    .bind(d.request_id)
    .bind(d.override_reason)
    .fetch_one(conn)
    .await
    .context("recording a deployment")
}

/// A stored plan, as apply reads it back.
#[derive(Debug, sqlx::FromRow)]
pub struct PlanRecord {
    pub id: i64,
    pub design_id: i64,
    pub revision: i64,
    pub engine_id: i64,
    pub hash: String,
    pub fingerprint: String,
}

pub async fn plan(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<PlanRecord>> {
    sqlx::query_as(
        "SELECT id, design_id, revision, engine_id, hash, fingerprint FROM plans WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .context("reading a plan")
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    design_name: String,
    design_id: Option<i64>,
    revision: Option<i64>,
    engine_id: i64,
    engine_name: String,
    actor_name: String,
    finished_at: String,
    result: String,
    failed_step: Option<String>,
    firewall: String,
}

/// The newest applies (at most 100), of one design and/or on one engine.
pub async fn list(
    pool: &sqlx::SqlitePool,
    design_id: Option<i64>,
    engine_id: Option<i64>,
) -> anyhow::Result<Vec<app::model::DeploymentRow>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, design_name, design_id, revision, engine_id, engine_name, actor_name, \
         finished_at, result, failed_step, firewall FROM deployments \
         WHERE (?1 IS NULL OR design_id = ?1) AND (?2 IS NULL OR engine_id = ?2) \
         ORDER BY id DESC LIMIT 100",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_all(pool)
    .await
    .context("listing deployments")?;
    Ok(rows
        .into_iter()
        .map(|r| app::model::DeploymentRow {
            id: r.id,
            design_name: r.design_name,
            design_id: r.design_id,
            revision: r.revision,
            engine_id: r.engine_id,
            engine: r.engine_name,
            actor: r.actor_name,
            finished_at: clock::display(&r.finished_at),
            result: r.result,
            failed_step: r.failed_step,
            firewall: r.firewall,
        })
        .collect())
}

/// The newest successful apply of a stored design on an engine: the baseline drift is
/// measured against.
pub async fn baseline(
    pool: &sqlx::SqlitePool,
    design_id: i64,
    engine_id: i64,
) -> anyhow::Result<Option<(i64, String, String)>> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT revision, actor_name, finished_at FROM deployments \
         WHERE design_id = ? AND engine_id = ? AND result = 'applied' AND revision IS NOT NULL \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_optional(pool)
    .await
    .context("reading the last apply")?;
    Ok(row.map(|(r, by, at)| (r, by, clock::display(&at))))
}
