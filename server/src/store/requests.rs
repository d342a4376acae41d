//! Change requests: a revision of a design proposed for an engine, and the revisions pushed
//! to it (never changed). Their reviews and discussion are in `reviews.rs`.

use anyhow::Context;
use app::model::RequestState;
use sqlx::{FromRow, SqliteConnection};

use crate::clock;

/// A request's row, with the names the page shows.
#[derive(Clone, Debug, FromRow)]
pub struct RequestRecord {
    pub id: i64,
    pub design_id: i64,
    pub design: String,
    pub engine_id: Option<i64>,
    pub engine_name: String,
    pub title: String,
    pub description: String,
    pub author_id: i64,
    pub author: String,
    pub revision: i64,
    pub plan_id: Option<i64>,
    pub plan_hash: Option<String>,
    pub plan_view: Option<String>,
    pub plan_error: Option<String>,
    pub state: String,
    pub deployment_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl RequestRecord {
    pub fn state(&self) -> anyhow::Result<RequestState> {
        self.state
            .parse()
            .with_context(|| format!("request {} has an unknown state", self.id))
    }
}

const SELECT: &str = "SELECT r.id, r.design_id, d.name AS design, r.engine_id, r.engine_name, \
     r.title, r.description, r.author_id, u.name AS author, r.revision, r.plan_id, r.plan_hash, \
     r.plan_view, r.plan_error, r.state, r.deployment_id, r.created_at, r.updated_at \
     FROM change_requests r JOIN designs d ON d.id = r.design_id JOIN users u ON u.id = r.author_id";

/// A request to open.
#[derive(Debug)]
pub struct NewRequest<'a> {
    pub design_id: i64,
    pub engine_id: i64,
    pub engine_name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub author_id: i64,
    pub revision: i64,
}

pub async fn insert(conn: &mut SqliteConnection, r: &NewRequest<'_>) -> anyhow::Result<i64> {
    let now = clock::now_text();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO change_requests (design_id, engine_id, engine_name, title, description, \
         author_id, revision, state, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
    )
    .bind(r.design_id)
    .bind(r.engine_id)
    .bind(r.engine_name)
    .bind(r.title)
    .bind(r.description)
    .bind(r.author_id)
    .bind(r.revision)
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await
    .context("opening a change request")?;
    add_revision(conn, id, r.revision, r.author_id).await?;
    Ok(id)
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<RequestRecord>> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("reading a change request")
}

/// Requests newest first, of one design and/or one engine when given; only those in
/// progress when `active`.
pub async fn list(
    conn: &mut SqliteConnection,
    design: Option<i64>,
    engine: Option<i64>,
    active: bool,
) -> anyhow::Result<Vec<RequestRecord>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE (?1 IS NULL OR r.design_id = ?1) AND (?2 IS NULL OR r.engine_id = ?2) \
         AND (NOT ?3 OR r.state IN ('open', 'approved', 'changes-requested', 'applying', 'apply-failed')) \
         ORDER BY r.id DESC LIMIT 500"
    ))
    .bind(design)
    .bind(engine)
    .bind(active)
    .fetch_all(conn)
    .await
    .context("listing change requests")
}

/// The request in progress for a design on an engine, if there is one.
pub async fn active_for(
    conn: &mut SqliteConnection,
    design_id: i64,
    engine_id: i64,
) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM change_requests WHERE design_id = ? AND engine_id = ? \
         AND state IN ('open', 'approved', 'changes-requested', 'applying', 'apply-failed')",
    )
    .bind(design_id)
    .bind(engine_id)
    .fetch_optional(conn)
    .await
    .context("finding the request in progress")
}

/// Records `revision` as pushed to the request and makes it the one proposed.
pub async fn add_revision(
    conn: &mut SqliteConnection,
    id: i64,
    revision: i64,
    by: i64,
) -> anyhow::Result<()> {
    let now = clock::now_text();
    sqlx::query(
        "INSERT INTO request_revisions (request_id, revision, pushed_by, pushed_at) VALUES (?, ?, ?, ?)",
    )
    .bind(id)
    .bind(revision)
    .bind(by)
    .bind(&now)
    .execute(&mut *conn)
    .await
    .context("recording a pushed revision")?;
    sqlx::query(
        "UPDATE change_requests SET revision = ?, plan_id = NULL, plan_hash = NULL, \
         plan_view = NULL, plan_error = NULL, updated_at = ? WHERE id = ?",
    )
    .bind(revision)
    .bind(&now)
    .bind(id)
    .execute(conn)
    .await
    .context("proposing a pushed revision")?;
    Ok(())
}

/// A revision pushed to a request, with its author and message.
#[derive(Clone, Debug, FromRow)]
pub struct PushedRecord {
    pub revision: i64,
    pub author_id: i64,
    pub author: String,
    pub message: String,
    pub pushed_by_id: i64,
    pub pushed_by: String,
    pub pushed_at: String,
}

pub async fn revisions(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Vec<PushedRecord>> {
    sqlx::query_as(
        "SELECT p.revision, v.author_id, a.name AS author, v.message, p.pushed_by AS pushed_by_id, b.name AS pushed_by, p.pushed_at \
         FROM request_revisions p JOIN change_requests r ON r.id = p.request_id \
         JOIN revisions v ON v.design_id = r.design_id AND v.number = p.revision \
         JOIN users a ON a.id = v.author_id JOIN users b ON b.id = p.pushed_by \
         WHERE p.request_id = ? ORDER BY p.pushed_at, p.revision",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .context("reading a request's revisions")
}

/// The newest plan of the proposed revision: stored (id, hash, the page's view as JSON), or
/// why it could not be made (the last plan, if any, is kept).
pub enum Planned<'a> {
    Made {
        plan_id: i64,
        hash: &'a str,
        view_json: &'a str,
    },
    Failed(&'a str),
}

pub async fn set_plan(
    conn: &mut SqliteConnection,
    id: i64,
    planned: Planned<'_>,
) -> anyhow::Result<()> {
    let query = match planned {
        Planned::Made {
            plan_id,
            hash,
            view_json,
        } => sqlx::query(
            "UPDATE change_requests SET plan_id = ?, plan_hash = ?, plan_view = ?, \
             plan_error = NULL, updated_at = ? WHERE id = ?",
        )
        .bind(plan_id)
        .bind(hash)
        .bind(view_json),
        Planned::Failed(error) => {
            sqlx::query("UPDATE change_requests SET plan_error = ?, updated_at = ? WHERE id = ?")
                .bind(error)
        }
    };
    query
        .bind(clock::now_text())
        .bind(id)
        .execute(conn)
        .await
        .context("storing a request's plan")?;
    Ok(())
}

pub async fn set_state(
    conn: &mut SqliteConnection,
    id: i64,
    state: RequestState,
    deployment_id: Option<i64>,
) -> anyhow::Result<()> {
    update_state(conn, id, state, deployment_id, None).await?;
    Ok(())
}

/// Sets a request's state (and its deployment when given), only from state `from` when
/// given; whether it was set.
async fn update_state(
    conn: &mut SqliteConnection,
    id: i64,
    state: RequestState,
    deployment_id: Option<i64>,
    from: Option<RequestState>,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE change_requests SET state = ?, deployment_id = COALESCE(?, deployment_id), \
         updated_at = ? WHERE id = ? AND (?5 IS NULL OR state = ?5)",
    )
    .bind(state.as_str())
    .bind(deployment_id)
    .bind(clock::now_text())
    .bind(id)
    .bind(from.map(RequestState::as_str))
    .execute(conn)
    .await
    .context("changing a request's state")?;
    Ok(done.rows_affected() == 1)
}

/// The apply of a request and the newest verify of it.
pub async fn deployment(
    conn: &mut SqliteConnection,
    deployment_id: i64,
) -> anyhow::Result<Option<app::model::RequestDeployment>> {
    let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, result, actor_name, finished_at, override_reason FROM deployments WHERE id = ?",
    )
    .bind(deployment_id)
    .fetch_optional(&mut *conn)
    .await
    .context("reading a request's apply")?;
    let Some((id, result, by, at, override_reason)) = row else {
        return Ok(None);
    };
    let verification: Option<(i64, bool, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, passed, checks, mismatches, not_judged, actor_name FROM verifications \
         WHERE deployment_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .context("reading the verify of a request's apply")?;
    Ok(Some(app::model::RequestDeployment {
        id,
        result,
        by,
        at: clock::display(&at),
        override_reason,
        verification: verification.map(|(vid, passed, checks, mismatches, not_judged, by)| {
            (
                vid,
                passed,
                format!(
                    "{checks} checks, {mismatches} mismatch(es), {not_judged} not judged, by {by}"
                ),
            )
        }),
    }))
}

/// Ends a request's apply: `applied` or `apply-failed`, with its deployment, if the request
/// is still being applied; false when it is not (nothing is changed then).
pub async fn finish_apply(
    conn: &mut SqliteConnection,
    id: i64,
    state: RequestState,
    deployment_id: Option<i64>,
) -> anyhow::Result<bool> {
    update_state(conn, id, state, deployment_id, Some(RequestState::Applying)).await
}

/// The requests left `applying` by a server that stopped while their job ran.
pub async fn interrupted(conn: &mut SqliteConnection) -> anyhow::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM change_requests WHERE state = 'applying'")
        .fetch_all(conn)
        .await
        .context("finding interrupted applies")
}
