//! What is live where: for each stored design on each registered engine, the revision last
//! applied there (unless a teardown came after it), the last drift check and the last verify.

use anyhow::Context;
use app::model::{DriftState, DriftView, LiveRow};
use sqlx::SqliteConnection;

use crate::clock;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    design_id: i64,
    design_name: String,
    revision: i64,
    engine_id: i64,
    engine_name: String,
    actor_name: String,
    finished_at: String,
    state: Option<String>,
    differences: Option<String>,
    checked_at: Option<String>,
    drift_revision: Option<i64>,
}

/// The designs live on engines, of one design and/or on one engine, by design then engine.
pub async fn list(
    pool: &sqlx::SqlitePool,
    design_id: Option<i64>,
    engine_id: Option<i64>,
) -> anyhow::Result<Vec<LiveRow>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.design_id, g.name AS design_name, d.revision, d.engine_id, e.name AS engine_name, \
         d.actor_name, d.finished_at, s.state, s.differences, s.checked_at, \
         s.revision AS drift_revision \
         FROM deployments d \
         JOIN (SELECT MAX(id) AS id FROM deployments \
               WHERE result = 'applied' AND design_id IS NOT NULL AND revision IS NOT NULL \
               GROUP BY design_id, engine_id) newest ON newest.id = d.id \
         JOIN designs g ON g.id = d.design_id AND g.deleted_at IS NULL \
         JOIN engines e ON e.id = d.engine_id \
         LEFT JOIN drift_states s ON s.design_id = d.design_id AND s.engine_id = d.engine_id \
         WHERE NOT EXISTS (SELECT 1 FROM teardowns t WHERE t.design_id = d.design_id \
                           AND t.engine_id = d.engine_id AND t.result = 'removed' \
                           AND t.after_deployment >= d.id) \
           AND (?1 IS NULL OR d.design_id = ?1) AND (?2 IS NULL OR d.engine_id = ?2) \
         ORDER BY g.name, e.name",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_all(pool)
    .await
    .context("listing what is live")?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let verified = super::verifications::latest(pool, r.design_id, r.engine_id).await?;
        // A drift check against an older baseline says nothing about the newest apply.
        let drift = match (r.state, r.differences, r.checked_at) {
            (Some(state), Some(differences), Some(checked_at))
                if r.drift_revision == Some(r.revision) =>
            {
                Some(DriftView {
                    engine: r.engine_name.clone(),
                    revision: r.revision,
                    applied_by: r.actor_name.clone(),
                    applied_at: clock::display(&r.finished_at),
                    checked_at: clock::display(&checked_at),
                    state: state
                        .parse()
                        .map_err(|e: String| anyhow::anyhow!("drift_states: {e}"))?,
                    differences: serde_json::from_str(&differences)
                        .context("drift_states.differences does not read back")?,
                })
            }
            _ => None,
        };
        out.push(LiveRow {
            deployment: r.id,
            design_id: r.design_id,
            design: r.design_name,
            revision: r.revision,
            engine_id: r.engine_id,
            engine: r.engine_name,
            applied_by: r.actor_name,
            applied_at: clock::display(&r.finished_at),
            drift,
            verified,
        });
    }
    Ok(out)
}

/// What needs a look about a live design, in words: drift, an unreachable engine, a verify
/// of the live revision whose observations contradict the design.
pub fn alerts(row: &LiveRow) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &row.drift {
        match d.state {
            DriftState::InSync => {}
            DriftState::Drifting => out.push(format!(
                "drifting on {} ({} difference(s))",
                row.engine,
                d.differences.len()
            )),
            DriftState::Unreachable => out.push(format!("{} unreachable", row.engine)),
        }
    }
    if let Some(v) = &row.verified
        && !v.passed
        && v.revision == Some(row.revision)
    {
        out.push(format!(
            "verify on {}: {} mismatch(es)",
            row.engine, v.mismatches
        ));
    }
    out
}

/// Records a drift check; returns the state the pair was in before, if it had one (a check
/// against another baseline revision counts as none).
pub async fn record_drift(
    conn: &mut SqliteConnection,
    design_id: i64,
    engine_id: i64,
    revision: i64,
    state: DriftState,
    differences: &[String],
) -> anyhow::Result<Option<DriftState>> {
    let before: Option<(String, i64)> = sqlx::query_as(
        "SELECT state, revision FROM drift_states WHERE design_id = ? AND engine_id = ?",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_optional(&mut *conn)
    .await
    .context("reading the drift state")?;
    let before = match before {
        Some((s, r)) if r == revision => Some(
            s.parse::<DriftState>()
                .map_err(|e| anyhow::anyhow!("drift_states: {e}"))?,
        ),
        _ => None,
    };
    let now = clock::now_text();
    sqlx::query(
        "INSERT INTO drift_states (design_id, engine_id, revision, state, differences, checked_at, since) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
         ON CONFLICT (design_id, engine_id) DO UPDATE SET revision = ?3, state = ?4, \
         differences = ?5, checked_at = ?6, \
         since = CASE WHEN drift_states.state = ?4 AND drift_states.revision = ?3 \
                      THEN drift_states.since ELSE ?6 END",
    )
    .bind(design_id)
    .bind(engine_id)
    .bind(revision)
    .bind(state.as_str())
    .bind(serde_json::to_string(differences)?)
    .bind(&now)
    .execute(&mut *conn)
    .await
    .context("recording the drift state")?;
    Ok(before)
}

/// A finished teardown (`destroy`) to record.
#[derive(Debug)]
pub struct NewTeardown<'a> {
    pub design_name: &'a str,
    pub design_id: Option<i64>,
    pub engine_id: i64,
    pub engine_name: &'a str,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    /// `removed` or `failed`.
    pub result: &'a str,
    pub report_json: &'a str,
}

/// Records a teardown; returns its id.
pub async fn record_teardown(
    conn: &mut SqliteConnection,
    t: &NewTeardown<'_>,
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO teardowns (design_name, design_id, engine_id, engine_name, actor_id, \
         actor_name, finished_at, after_deployment, result, report) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
                 (SELECT COALESCE(MAX(id), 0) FROM deployments WHERE design_id IS ?2 AND engine_id = ?3), \
                 ?8, ?9) RETURNING id",
    )
    .bind(t.design_name)
    .bind(t.design_id)
    .bind(t.engine_id)
    .bind(t.engine_name)
    .bind(t.actor_id)
    .bind(t.actor_name)
    .bind(clock::now_text())
    .bind(t.result)
    .bind(t.report_json)
    .fetch_one(conn)
    .await
    .context("recording a teardown")
}
