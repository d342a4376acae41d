//! What happens on a change request once it is open: comments by anyone signed in, reviews
//! by approvers who had no hand in it (separation of duties), withdrawal by its author, and
//! the apply — of the approved revision and plan only, unless an admin overrides the
//! engine's approvals with a written reason.

use app::backend::Request;
use app::error::AppError;
use app::model::{JobView, RequestState, RequestView, Role, Verdict};

use super::requests::{
    approved_enough, entry, get, involved, load, load_for_change, recorded, refused, required,
    state, text,
};
use super::{Service, audited, internal};
use crate::store::requests;
use crate::store::reviews::{self, Dismiss};

/// A comment, optionally anchored to a zone, service or flow of the proposed revision
/// (`zone:NAME`, `service:NAME`, `flow:N`); viewers comment too.
pub(super) async fn comment(
    service: &Service,
    req: &Request,
    id: i64,
    body: String,
    anchor: Option<String>,
) -> Result<RequestView, AppError> {
    let (user, actor) = service.require(req, Role::Viewer).await?;
    let body = text("comment", &body, true)?;
    let (record, _) = load(service, id).await?;
    let anchor = match anchor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            let mut conn = service.db.read.acquire().await.map_err(internal)?;
            let document =
                crate::store::designs::revision(&mut conn, record.design_id, record.revision)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| internal(anyhow::anyhow!("the request's revision is missing")))?
                    .document;
            drop(conn);
            let a = a.to_owned();
            let bytes = document.len();
            let checked = crate::offload::run("anchoring a comment", bytes, move || {
                crate::requests::anchor(&document, &a)
            })
            .await
            .map_err(super::offloaded)?
            .map_err(|m| AppError::invalid("anchor", m))?;
            Some(checked)
        }
    };
    let mut tx = service.write_tx().await?;
    let cid = reviews::add_comment(
        &mut tx,
        &reviews::NewComment {
            request_id: id,
            author_id: user.id,
            body: &body,
            revision: record.revision,
            anchor: anchor
                .as_ref()
                .map(|(k, key, l)| (k.as_str(), key.as_str(), l.as_str())),
        },
    )
    .await
    .map_err(internal)?;
    let on = anchor
        .as_ref()
        .map(|(_, _, label)| format!(" on {label}"))
        .unwrap_or_default();
    let e = entry(
        &actor,
        "request-comment",
        &record,
        format!("change request #{id}: {} commented{on}", user.name),
        serde_json::json!({ "request": id, "comment": cid, "revision": record.revision, "anchor": anchor.as_ref().map(|a| &a.2) }),
    );
    audited(&service.db, tx, e).await?;
    get(service, req, id).await
}

/// Approve, request changes or reject (approvers and admins who neither opened the request
/// nor wrote or pushed any revision in it). The review names the revision and the plan hash
/// its reviewer saw; if either moved on since, it is refused and the page is read again.
#[allow(clippy::too_many_arguments)]
pub(super) async fn review(
    service: &Service,
    req: &Request,
    id: i64,
    verdict: Verdict,
    revision: i64,
    plan_hash: String,
    message: String,
) -> Result<RequestView, AppError> {
    let (user, actor) = service.require(req, Role::Approver).await?;
    let message = text("message", &message, verdict != Verdict::Approve)?;
    let (mut tx, record) = load_for_change(service, id).await?;
    let st = state(&record)?;
    if !st.active() {
        return Err(refused(format!(
            "change request #{id} is {}: it takes no more reviews",
            st.label()
        )));
    }
    if involved(service, &record, &user).await? {
        return Err(AppError::NotPermitted {
            message: format!(
                "you opened change request #{id} or wrote or pushed a revision in it, so you cannot review it: another approver must (separation of duties)"
            ),
        });
    }
    let Some(current_hash) = record.plan_hash.clone() else {
        return Err(refused(format!(
            "change request #{id} has no plan yet{}: plan it again before reviewing",
            record
                .plan_error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        )));
    };
    if revision != record.revision || plan_hash != current_hash {
        return Err(refused(format!(
            "change request #{id} changed while you read it (it proposes revision {} with plan {} now); read it again and review what it is now",
            record.revision,
            &current_hash[..12.min(current_hash.len())]
        )));
    }
    reviews::dismiss_reviews(
        &mut tx,
        id,
        Dismiss::Of(user.id),
        &format!("replaced by {}'s newer review", user.name),
    )
    .await
    .map_err(internal)?;
    reviews::add_review(
        &mut tx,
        &reviews::NewReview {
            request_id: id,
            reviewer_id: user.id,
            verdict,
            revision,
            plan_hash: &current_hash,
            message: &message,
        },
    )
    .await
    .map_err(internal)?;
    let new_state = if verdict == Verdict::Reject {
        requests::set_state(&mut tx, id, RequestState::Rejected, None)
            .await
            .map_err(internal)?;
        RequestState::Rejected
    } else {
        super::proposals::settle_state(service, &mut tx, &record, Some(&current_hash)).await?
    };
    let action = match verdict {
        Verdict::Approve => "request-approve",
        Verdict::Changes => "request-changes",
        Verdict::Reject => "request-reject",
    };
    let e = entry(
        &actor,
        action,
        &record,
        format!(
            "change request #{id}: {} {} revision {revision} (plan {}); the request is {}",
            user.name,
            verdict.past(),
            &current_hash[..12.min(current_hash.len())],
            new_state.label()
        ),
        serde_json::json!({ "request": id, "verdict": verdict.as_str(), "revision": revision, "plan_hash": current_hash, "message": message, "state": new_state.as_str() }),
    );
    recorded(service, tx, e, id).await?;
    get(service, req, id).await
}

/// Withdraws the request (its author, or an admin).
pub(super) async fn withdraw(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<RequestView, AppError> {
    let (user, actor) = service.require(req, Role::Viewer).await?;
    let (mut tx, record) = load_for_change(service, id).await?;
    if record.author_id != user.id && user.role != Role::Admin {
        return Err(AppError::NotPermitted {
            message: format!(
                "only {} (who opened change request #{id}) or an admin can withdraw it",
                record.author
            ),
        });
    }
    let st = state(&record)?;
    if !st.active() {
        return Err(refused(format!(
            "change request #{id} is {} already",
            st.label()
        )));
    }
    requests::set_state(&mut tx, id, RequestState::Withdrawn, None)
        .await
        .map_err(internal)?;
    let e = entry(
        &actor,
        "request-withdraw",
        &record,
        format!("change request #{id} withdrawn by {}", user.name),
        serde_json::json!({ "request": id }),
    );
    recorded(service, tx, e, id).await?;
    get(service, req, id).await
}

/// Applies the request's plan (approvers): only with the approvals its engine asks for,
/// standing for this revision and this plan, unless an admin gives a written reason to
/// override them. The apply itself refuses a plan the engine has moved away from.
pub(super) async fn apply(
    service: &Service,
    req: &Request,
    id: i64,
    override_reason: Option<String>,
) -> Result<JobView, AppError> {
    let (user, actor) = service.require(req, Role::Approver).await?;
    let (mut tx, record) = load_for_change(service, id).await?;
    let reviews = reviews::reviews(&mut tx, id).await.map_err(internal)?;
    let st = state(&record)?;
    if !st.active() {
        return Err(refused(format!(
            "change request #{id} is {}: it cannot be applied",
            st.label()
        )));
    }
    let (Some(plan_id), Some(hash)) = (record.plan_id, record.plan_hash.clone()) else {
        return Err(refused(format!(
            "change request #{id} has no plan on {}: plan it again first",
            record.engine_name
        )));
    };
    // The plan carried out is the one of the revision the request proposes, as reviewed.
    let stored = crate::store::deployments::plan(&mut tx, plan_id)
        .await
        .map_err(internal)?;
    let matches = stored.is_some_and(|p| {
        p.revision == record.revision && p.hash == hash && Some(p.engine_id) == record.engine_id
    });
    if !matches {
        return Err(refused(format!(
            "change request #{id}'s plan is not the plan of revision {} it proposes; plan it again",
            record.revision
        )));
    }
    let required = required(service, &record).await?;
    let enough = approved_enough(&record, &reviews, required);
    let given = override_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let override_reason = match (enough, given) {
        (true, _) => None,
        (false, None) => {
            return Err(refused(format!(
                "change request #{id} is {} and engine {} asks for {required} approval(s) of revision {} with plan {}: get them first (an admin may override with a written reason)",
                st.label(),
                record.engine_name,
                record.revision,
                &hash[..12.min(hash.len())]
            )));
        }
        (false, Some(_)) if user.role != Role::Admin => {
            return Err(AppError::Forbidden {
                needed: Role::Admin,
            });
        }
        (false, Some(reason)) => Some(
            crate::requests::override_reason(reason)
                .map_err(|m| AppError::invalid("override_reason", m))?
                .to_owned(),
        ),
    };
    // Being applied: nothing else happens to the request until its job ends.
    requests::set_state(&mut tx, id, RequestState::Applying, None)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    let reason = override_reason.clone();
    let request = super::apply::ForRequest {
        id,
        override_reason,
    };
    let started =
        super::apply::start(service, &user.name, actor.clone(), plan_id, Some(request)).await;
    let job = match started {
        Ok(job) => job,
        Err(refusal) => {
            // Nothing was applied: the request is as it was.
            let mut tx = service.write_tx().await?;
            requests::finish_apply(&mut tx, id, st, None)
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
            return Err(refusal);
        }
    };
    if let Some(reason) = &reason {
        let tx = service.write_tx().await?;
        let e = entry(
            &actor,
            "request-override",
            &record,
            format!(
                "change request #{id}: OVERRIDE by {} of the approvals engine {} asks for: {reason}",
                user.name, record.engine_name
            ),
            serde_json::json!({ "request": id, "revision": record.revision, "plan_hash": hash, "reason": reason, "approvals": crate::requests::approvers(&reviews, record.revision, Some(&hash)).len(), "required": required }),
        );
        recorded(service, tx, e, id).await?;
    }
    Ok(job)
}
