//! Proposing: a request opened for a revision and an engine, revisions pushed to it, and
//! its plan made (again) against the engine, which dismisses approvals of another plan.

use app::backend::Request;
use app::error::AppError;
use app::model::{PlanView, RequestState, RequestView, Role};

use super::requests::{entry, get, load, missing, recorded, refused, required, state, text};
use super::{Service, Tx, internal};
use crate::requests::{plan_changes, settle};
use crate::store::requests::{self, Planned, RequestRecord};
use crate::store::reviews::{self, Dismiss};
use crate::store::{Actor, designs, engines};

/// Makes the plan of the request's revision on its engine and stores it in the request. A
/// plan that differs from the one the standing approvals saw dismisses them, saying what
/// changed. An engine that does not answer leaves the last plan and says why.
pub(super) async fn replan_record(
    service: &Service,
    req: &Request,
    actor: &Actor,
    record: &RequestRecord,
) -> Result<(), AppError> {
    let Some(engine_id) = record.engine_id else {
        return Err(refused(format!(
            "engine {} is no longer registered: this request cannot be planned; withdraw it",
            record.engine_name
        )));
    };
    let made = super::plans::plan(
        service,
        req,
        record.design_id,
        Some(record.revision),
        engine_id,
    )
    .await;
    // The request as it stands now (the single writer's view): a plan of a revision it no
    // longer proposes is not kept.
    let (mut tx, fresh) = super::requests::load_for_change(service, record.id).await?;
    if fresh.revision != record.revision || !state(&fresh)?.active() {
        return Err(refused(format!(
            "change request #{} changed while it was planned (it proposes revision {} and is {}); read it again",
            record.id,
            fresh.revision,
            state(&fresh)?.label()
        )));
    }
    let record = &fresh;
    let view = match made {
        Ok(view) => view,
        Err(e @ (AppError::Conflict { .. } | AppError::Busy { .. })) => {
            let why = e.to_string();
            requests::set_plan(&mut tx, record.id, Planned::Failed(&why))
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let view_json = serde_json::to_string(&view).map_err(internal)?;
    requests::set_plan(
        &mut tx,
        record.id,
        Planned::Made {
            plan_id: view.id,
            hash: &view.hash,
            view_json: &view_json,
        },
    )
    .await
    .map_err(internal)?;
    let old: Option<PlanView> = record
        .plan_view
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let changed = record.plan_hash.as_deref().is_some_and(|h| h != view.hash);
    if changed {
        let what = match old {
            Some(old) => plan_changes(&old, &view),
            None => vec!["the earlier plan could not be read back".to_owned()],
        };
        let reason = format!(
            "the plan changed (engine {} changed since): {}",
            record.engine_name,
            what.join("; ")
        );
        let dismissed = reviews::dismiss_reviews(&mut tx, record.id, Dismiss::Approvals, &reason)
            .await
            .map_err(internal)?;
        if !dismissed.is_empty() {
            settle_state(service, &mut tx, record, Some(&view.hash)).await?;
            let e = entry(
                actor,
                "request-dismiss",
                record,
                format!(
                    "change request #{}: approvals of {} dismissed: {reason}",
                    record.id,
                    dismissed.join(", ")
                ),
                serde_json::json!({ "request": record.id, "dismissed": dismissed, "plan": view.id, "plan_hash": view.hash, "changes": what }),
            );
            return recorded(service, tx, e, record.id).await;
        }
    }
    tx.commit().await.map_err(internal)
}

/// Puts an active request in the state its standing reviews give it.
pub(super) async fn settle_state(
    service: &Service,
    tx: &mut Tx,
    record: &RequestRecord,
    plan_hash: Option<&str>,
) -> Result<RequestState, AppError> {
    let reviews = reviews::reviews(tx, record.id).await.map_err(internal)?;
    let required = required(service, record).await?;
    let st = settle(&reviews, record.revision, plan_hash, required);
    requests::set_state(tx, record.id, st, None)
        .await
        .map_err(internal)?;
    Ok(st)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn open(
    service: &Service,
    req: &Request,
    design_id: i64,
    revision: Option<i64>,
    engine_id: i64,
    title: String,
    description: String,
) -> Result<RequestView, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let title = text("title", &title, true)?;
    let description = text("description", &description, false)?;
    let mut tx = service.write_tx().await?;
    let d = super::access::live_design(&mut tx, design_id).await?;
    let number = revision.unwrap_or(d.head);
    designs::revision(&mut tx, design_id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Revision {number} of {}", d.name)))?;
    let engine = engines::get(&mut tx, engine_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Engine {engine_id}")))?;
    if let Some(open) = requests::active_for(&mut tx, design_id, engine_id)
        .await
        .map_err(internal)?
    {
        return Err(refused(format!(
            "change request #{open} is in progress for {} on {}: push revision {number} to it instead",
            d.name, engine.name
        )));
    }
    let id = requests::insert(
        &mut tx,
        &requests::NewRequest {
            design_id,
            engine_id,
            engine_name: &engine.name,
            title: &title,
            description: &description,
            author_id: user.id,
            revision: number,
        },
    )
    .await
    .map_err(internal)?;
    let record = requests::get(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(anyhow::anyhow!("request {id} vanished")))?;
    let e = entry(
        &actor,
        "request-open",
        &record,
        format!(
            "change request #{id} opened: {} r{number} for {}: {title}",
            d.name, engine.name
        ),
        serde_json::json!({ "request": id, "revision": number, "engine": engine.name, "title": title }),
    );
    recorded(service, tx, e, id).await?;
    replan_record(service, req, &actor, &record).await?;
    get(service, req, id).await
}

/// Pushes a revision of the design (the newest by default) to the request: every standing
/// review is dismissed, the plan is made again, and the request is open again.
pub(super) async fn push(
    service: &Service,
    req: &Request,
    id: i64,
    revision: Option<i64>,
) -> Result<RequestView, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let (mut tx, record) = super::requests::load_for_change(service, id).await?;
    if !state(&record)?.active() {
        return Err(refused(format!(
            "change request #{id} is {}: open a new one",
            state(&record)?.label()
        )));
    }
    let d = super::access::live_design(&mut tx, record.design_id).await?;
    let number = revision.unwrap_or(d.head);
    if number == record.revision {
        return Err(refused(format!(
            "revision {number} is the one proposed already; save a new revision first"
        )));
    }
    designs::revision(&mut tx, record.design_id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Revision {number} of {}", d.name)))?;
    let pushed_before = requests::revisions(&mut tx, id).await.map_err(internal)?;
    if pushed_before.iter().any(|p| p.revision == number) {
        return Err(refused(format!(
            "revision {number} was proposed in this request before; restore it as a new revision to propose it again"
        )));
    }
    requests::add_revision(&mut tx, id, number, user.id)
        .await
        .map_err(internal)?;
    let reason = format!("revision {number} was pushed by {}", user.name);
    let dismissed = reviews::dismiss_reviews(&mut tx, id, Dismiss::All, &reason)
        .await
        .map_err(internal)?;
    requests::set_state(&mut tx, id, RequestState::Open, None)
        .await
        .map_err(internal)?;
    let e = entry(
        &actor,
        "request-push",
        &record,
        format!(
            "change request #{id}: revision {number} pushed{}",
            if dismissed.is_empty() {
                String::new()
            } else {
                format!("; reviews of {} dismissed", dismissed.join(", "))
            }
        ),
        serde_json::json!({ "request": id, "revision": number, "previous": record.revision, "dismissed": dismissed }),
    );
    recorded(service, tx, e, id).await?;
    let (record, _) = load(service, id).await?;
    replan_record(service, req, &actor, &record).await?;
    get(service, req, id).await
}

/// Makes the plan again against the engine as it is now.
pub(super) async fn replan(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<RequestView, AppError> {
    let (_, actor) = service.require(req, Role::Editor).await?;
    let (record, _) = load(service, id).await?;
    if !state(&record)?.active() {
        return Err(refused(format!(
            "change request #{id} is {}: nothing to plan",
            state(&record)?.label()
        )));
    }
    replan_record(service, req, &actor, &record).await?;
    get(service, req, id).await
}
