//! Change requests: an editor proposes a revision of a design for an engine; the request
//! carries its plan there (made when it is opened, again on demand or when a revision is
//! pushed: `proposals.rs`), and is read by everyone signed in (here). Reviews, comments and
//! the apply are in `reviews.rs`.

use app::backend::Request;
use app::error::AppError;
use app::model::{
    Anchor, CommentRow, PlanView, PushedRevision, RequestPowers, RequestRow, RequestState,
    RequestView, ReviewRow, Role,
};

use super::{Service, Tx, audited, internal};
use crate::clock;
use crate::requests::{MAX_TEXT, approvers, settle};
use crate::store::audit::NewEntry;
use crate::store::requests::{self, RequestRecord};
use crate::store::reviews::{self, ReviewRecord};
use crate::store::users::UserRecord;
use crate::store::{Actor, designs, engines};

pub(super) fn missing(what: String) -> AppError {
    AppError::NotFound { what }
}

pub(super) fn refused(message: impl Into<String>) -> AppError {
    AppError::Conflict {
        message: message.into(),
    }
}

/// A request's text field: trimmed, bounded; `required` ones not blank.
pub(super) fn text(field: &str, value: &str, required: bool) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, format!("write a {field}")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("the {field} is over {MAX_TEXT} characters; shorten it"),
        ));
    }
    Ok(value.to_owned())
}

/// The request `id`, with its reviews.
pub(super) async fn load(
    service: &Service,
    id: i64,
) -> Result<(RequestRecord, Vec<ReviewRecord>), AppError> {
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let record = requests::get(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Change request {id}")))?;
    let reviews = reviews::reviews(&mut conn, id).await.map_err(internal)?;
    Ok((record, reviews))
}

/// A write transaction and the request as it stands in it. Writes go through one connection,
/// so what is checked here cannot change before the transaction commits (a push and a review
/// of the revision it replaces are one after the other, never interleaved).
pub(super) async fn load_for_change(
    service: &Service,
    id: i64,
) -> Result<(Tx, RequestRecord), AppError> {
    let mut tx = service.write_tx().await?;
    let record = requests::get(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Change request {id}")))?;
    Ok((tx, record))
}

pub(super) fn state(record: &RequestRecord) -> Result<RequestState, AppError> {
    record.state().map_err(internal)
}

/// How many approvals the request's engine asks for (an engine forgotten since: the most).
pub(super) async fn required(service: &Service, record: &RequestRecord) -> Result<u8, AppError> {
    let Some(engine_id) = record.engine_id else {
        return Ok(app::model::MAX_APPROVALS);
    };
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    Ok(engines::get(&mut conn, engine_id)
        .await
        .map_err(internal)?
        .map_or(app::model::MAX_APPROVALS, |e| e.approvals_required))
}

/// Whether the request may be applied as it stands, without an override: no standing
/// request for changes, and as many standing approvals of this revision and plan as the
/// engine asks for.
pub(super) fn approved_enough(
    record: &RequestRecord,
    reviews: &[ReviewRecord],
    required: u8,
) -> bool {
    let hash = record.plan_hash.as_deref();
    settle(reviews, record.revision, hash, required) != RequestState::ChangesRequested
        && approvers(reviews, record.revision, hash).len() >= usize::from(required)
}

/// Whether `user` wrote or pushed any revision of the request, or opened it: such a user
/// never reviews it (separation of duties).
pub(super) async fn involved(
    service: &Service,
    record: &RequestRecord,
    user: &UserRecord,
) -> Result<bool, AppError> {
    if record.author_id == user.id {
        return Ok(true);
    }
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let pushed = requests::revisions(&mut conn, record.id)
        .await
        .map_err(internal)?;
    if pushed
        .iter()
        .any(|p| p.author_id == user.id || p.pushed_by_id == user.id)
    {
        return Ok(true);
    }
    // Whoever wrote any revision between what is live on the engine and what is proposed
    // wrote part of the change, pushed or not.
    let live = match record.engine_id {
        Some(engine) => {
            crate::store::live::list(&service.db.read, Some(record.design_id), Some(engine))
                .await
                .map_err(internal)?
                .first()
                .map_or(0, |row| row.revision)
        }
        None => 0,
    };
    let authors = designs::authors_between(&mut conn, record.design_id, live, record.revision)
        .await
        .map_err(internal)?;
    Ok(authors.contains(&user.id))
}

fn row(
    record: &RequestRecord,
    reviews: &[ReviewRecord],
    required: u8,
) -> Result<RequestRow, AppError> {
    Ok(RequestRow {
        id: record.id,
        title: record.title.clone(),
        design: record.design.clone(),
        design_id: record.design_id,
        engine: record.engine_name.clone(),
        engine_id: record.engine_id,
        author: record.author.clone(),
        revision: record.revision,
        // Approved only while enough approvals stand (an engine may ask for more since).
        state: match state(record)? {
            RequestState::Approved
                if approvers(reviews, record.revision, record.plan_hash.as_deref()).len()
                    < usize::from(required.max(1)) =>
            {
                RequestState::Open
            }
            st => st,
        },
        approvals: approvers(reviews, record.revision, record.plan_hash.as_deref()).len(),
        approvals_required: required,
        created_at: clock::display(&record.created_at),
        updated_at: clock::display(&record.updated_at),
    })
}

pub(super) async fn list(
    service: &Service,
    req: &Request,
    design: Option<i64>,
    engine: Option<i64>,
    active: bool,
) -> Result<Vec<RequestRow>, AppError> {
    service.require(req, Role::Viewer).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let records = requests::list(&mut conn, design, engine, active)
        .await
        .map_err(internal)?;
    let policies: std::collections::HashMap<i64, u8> = engines::list(&service.db.read)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|e| (e.id, e.approvals_required))
        .collect();
    let mut rows = Vec::with_capacity(records.len());
    for r in &records {
        let reviews = reviews::reviews(&mut conn, r.id).await.map_err(internal)?;
        let required = r
            .engine_id
            .and_then(|e| policies.get(&e).copied())
            .unwrap_or(app::model::MAX_APPROVALS);
        rows.push(row(r, &reviews, required)?);
    }
    Ok(rows)
}

/// A request in full, with what the asking user may do on it, and its difference from what
/// is live on the engine.
pub(super) async fn page(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<RequestView, AppError> {
    let mut view = get(service, req, id).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let document = designs::revision(&mut conn, view.row.design_id, view.row.revision)
        .await
        .map_err(internal)?
        .map(|r| r.document)
        .unwrap_or_default();
    drop(conn);
    view.findings = crate::offload::run(
        "finding what the revision risks",
        document.len(),
        move || crate::review::findings_of(&document),
    )
    .await
    .map_err(super::offloaded)?
    .map_err(|e| internal(anyhow::anyhow!("a stored revision does not parse: {e}")))?;
    if let Some(engine) = view.row.engine_id {
        let compared = super::history::diff(
            service,
            req,
            view.row.design_id,
            view.row.revision,
            None,
            Some(engine),
        )
        .await;
        match compared {
            Ok(d) => view.diff = Some(d),
            Err(e) => view.diff_error = Some(e.to_string()),
        }
    }
    Ok(view)
}

/// A request in full, with what the asking user may do on it.
pub(super) async fn get(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<RequestView, AppError> {
    let (user, _) = service.require(req, Role::Viewer).await?;
    let (record, reviews) = load(service, id).await?;
    let required = required(service, &record).await?;
    let st = state(&record)?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let pushed = requests::revisions(&mut conn, id).await.map_err(internal)?;
    let comments = reviews::comments(&mut conn, id).await.map_err(internal)?;
    let deployment = match record.deployment_id {
        Some(d) => requests::deployment(&mut conn, d).await.map_err(internal)?,
        None => None,
    };
    let document = designs::revision(&mut conn, record.design_id, record.revision)
        .await
        .map_err(internal)?
        .map(|r| r.document)
        .unwrap_or_default();
    drop(conn);
    let bytes = document.len();
    let anchors = crate::offload::run("listing what can be commented on", bytes, move || {
        crate::requests::anchors(&document)
    })
    .await
    .map_err(super::offloaded)?
    .unwrap_or_default();
    let plan: Option<PlanView> = record
        .plan_view
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(internal)?;
    let involved = involved(service, &record, &user).await?;
    let active = st.active();
    let enough = approved_enough(&record, &reviews, required);
    let has_plan = record.plan_hash.is_some() && record.engine_id.is_some();
    let approver = user.role >= Role::Approver;
    let can = RequestPowers {
        comment: true,
        push: active && user.role >= Role::Editor,
        replan: active && user.role >= Role::Editor && record.engine_id.is_some(),
        withdraw: active && (record.author_id == user.id || user.role == Role::Admin),
        review: active && approver && !involved && has_plan,
        apply: active && approver && has_plan && (enough || user.role == Role::Admin),
        override_needed: !enough,
        verify: user.role >= Role::Editor
            && deployment.as_ref().is_some_and(|d| d.result == "applied"),
    };
    Ok(RequestView {
        row: row(&record, &reviews, required)?,
        description: record.description.clone(),
        revisions: pushed
            .into_iter()
            .map(|p| PushedRevision {
                revision: p.revision,
                author: p.author,
                message: p.message,
                pushed_by: p.pushed_by,
                pushed_at: clock::display(&p.pushed_at),
            })
            .collect(),
        plan,
        plan_error: record.plan_error.clone(),
        reviews: reviews
            .iter()
            .map(|r| {
                Ok(ReviewRow {
                    reviewer: r.reviewer.clone(),
                    verdict: r.verdict().map_err(internal)?,
                    revision: r.revision,
                    plan_hash: r.plan_hash.clone(),
                    message: r.message.clone(),
                    at: clock::display(&r.created_at),
                    dismissed: r.dismissed_reason.clone(),
                })
            })
            .collect::<Result<_, AppError>>()?,
        comments: comments
            .into_iter()
            .map(|c| CommentRow {
                id: c.id,
                author: c.author,
                body: c.body,
                revision: c.revision,
                anchor: match (c.anchor_kind, c.anchor, c.anchor_label) {
                    (Some(kind), Some(key), Some(label)) => Some(Anchor { kind, key, label }),
                    _ => None,
                },
                at: clock::display(&c.created_at),
            })
            .collect(),
        anchors,
        diff: None,
        diff_error: None,
        findings: Vec::new(),
        deployment,
        can,
    })
}

/// The request's audit entry: about its design, naming the request and its engine.
pub(super) fn entry<'a>(
    actor: &'a Actor,
    action: &'a str,
    record: &'a RequestRecord,
    summary: String,
    details: serde_json::Value,
) -> NewEntry<'a> {
    let mut e = NewEntry::new(actor, action, summary)
        .design(record.design_id)
        .object("request", record.id)
        .details(details);
    e.target = Some(&record.engine_name);
    e
}

/// Records a request's event with its audit entry, then announces it to the webhooks that
/// want it (a failing webhook never fails the action).
pub(super) async fn recorded(
    service: &Service,
    tx: Tx,
    e: NewEntry<'_>,
    request: i64,
) -> Result<(), AppError> {
    let (action, summary) = (e.action.to_owned(), e.summary.clone());
    let actor = e.actor.name.clone().unwrap_or_default();
    audited(&service.db, tx, e).await?;
    announce(service, request, &action, &actor, &summary).await;
    Ok(())
}

/// Announces an event of request `id` to the webhooks that want it.
pub(super) async fn announce(service: &Service, id: i64, action: &str, actor: &str, summary: &str) {
    service
        .webhooks
        .announce_request(
            &service.db,
            &service.config.clock,
            id,
            action,
            actor,
            summary,
        )
        .await;
}
