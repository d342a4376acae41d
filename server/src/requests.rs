//! The rules of change requests that do not need a request to run: which reviews stand,
//! where a request stands once they are counted, what a comment may be anchored to, how two
//! plans differ, and the record of the apply that carried a request out.

use std::collections::BTreeSet;

use app::model::{PlanView, RequestState, Verdict};

use crate::db::Db;
use crate::deploy::Applied;
use crate::store::audit::{self, NewEntry};
use crate::store::requests;
use crate::store::reviews::ReviewRecord;

/// The longest reason, comment or description a request takes, in characters.
pub const MAX_TEXT: usize = 4000;

/// A written reason to apply past an engine's approvals: not blank, at most 1,000
/// characters; trimmed.
pub fn override_reason(given: &str) -> Result<&str, String> {
    let reason = given.trim();
    if reason.is_empty() {
        return Err(
            "an override needs a written reason: say why this apply cannot wait for approval"
                .into(),
        );
    }
    if reason.chars().count() > 1000 {
        return Err("the override reason is over 1,000 characters; keep it to the point".into());
    }
    Ok(reason)
}

/// The reviewers whose approval stands for `revision` and `plan_hash` (one each).
pub fn approvers<'a>(
    reviews: &'a [ReviewRecord],
    revision: i64,
    plan_hash: Option<&str>,
) -> BTreeSet<&'a str> {
    reviews
        .iter()
        .filter(|r| r.approves(revision, plan_hash))
        .map(|r| r.reviewer.as_str())
        .collect()
}

/// Where a request in progress stands once its standing reviews are counted: a standing
/// request for changes holds it back; enough approvals (at least one, even where the engine
/// asks for none) approve it.
pub fn settle(
    reviews: &[ReviewRecord],
    revision: i64,
    plan_hash: Option<&str>,
    required: u8,
) -> RequestState {
    let changes = reviews.iter().any(|r| {
        r.dismissed_at.is_none() && r.revision == revision && r.verdict == Verdict::Changes.as_str()
    });
    if changes {
        return RequestState::ChangesRequested;
    }
    let needed = usize::from(required.max(1));
    if approvers(reviews, revision, plan_hash).len() >= needed {
        RequestState::Approved
    } else {
        RequestState::Open
    }
}

/// Everything of a revision a comment can be anchored to: its zones, services and flows.
pub fn anchors(document: &str) -> Result<Vec<app::model::Anchor>, String> {
    let raw = design::parse_document(document).map_err(|e| e.to_string())?;
    let zones = raw.zones.iter().map(|(k, _)| format!("zone:{k}"));
    let services = raw.services.iter().map(|(k, _)| format!("service:{k}"));
    let flows = (0..raw.flows.len()).map(|i| format!("flow:{i}"));
    zones
        .chain(services)
        .chain(flows)
        .map(|a| {
            anchor_in(&raw, &a).map(|(kind, key, label)| app::model::Anchor { kind, key, label })
        })
        .collect()
}

/// A comment's anchor checked against the revision it is written on: `zone:NAME`,
/// `service:NAME` or `flow:N` (the flow's index) → (kind, key, label).
pub fn anchor(document: &str, anchor: &str) -> Result<(String, String, String), String> {
    let raw = design::parse_document(document).map_err(|e| e.to_string())?;
    anchor_in(&raw, anchor)
}

fn anchor_in(raw: &design::RawDesign, anchor: &str) -> Result<(String, String, String), String> {
    let (kind, key) = anchor.split_once(':').ok_or_else(|| {
        format!("`{anchor}` is not an anchor; write zone:NAME, service:NAME or flow:N")
    })?;
    let label = match kind {
        "zone" if raw.zones.get(key).is_some() => format!("zone {key}"),
        "service" if raw.services.get(key).is_some() => format!("service {key}"),
        "flow" => {
            let flow = key
                .parse::<usize>()
                .ok()
                .and_then(|i| raw.flows.get(i))
                .ok_or_else(|| {
                    format!(
                        "this revision has no flow {key}; it has {} (counted from 0)",
                        raw.flows.len()
                    )
                })?;
            let ports = flow
                .ports
                .as_ref()
                .map(|p| {
                    p.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "any".into());
            format!("flow {} -> {} {ports}", flow.from, flow.to)
        }
        "zone" | "service" => return Err(format!("this revision has no {kind} named `{key}`")),
        _ => {
            return Err(format!(
                "`{kind}` cannot be commented on; anchor to a zone, a service or a flow"
            ));
        }
    };
    Ok((kind.to_owned(), key.to_owned(), label))
}

/// What changed between two plans, line by line (`+ create container …`, `- connect …`),
/// conflicts and blocking findings included: what a reviewer is asked to look at again.
pub fn plan_changes(old: &PlanView, new: &PlanView) -> Vec<String> {
    let lines = |p: &PlanView| -> BTreeSet<String> {
        p.groups
            .iter()
            .flat_map(|g| g.lines.iter().map(|l| l.target.clone()))
            .chain(p.conflicts.iter().map(|c| format!("conflict: {c}")))
            .chain(p.blocked.iter().map(|b| format!("blocked: {b}")))
            .chain(std::iter::once(format!("firewall: {}", p.firewall)))
            .collect()
    };
    let (before, after) = (lines(old), lines(new));
    let mut out: Vec<String> = after
        .difference(&before)
        .map(|l| format!("+ {l}"))
        .collect();
    out.extend(before.difference(&after).map(|l| format!("- {l}")));
    if out.is_empty() {
        out.push("the same changes, against a changed engine".into());
    }
    out
}

/// Records, with the deployment, what became of the request it carried out: `applied` or
/// `apply-failed`, in the same transaction, with its audit entry.
pub async fn conclude(
    tx: &mut sqlx::SqliteConnection,
    db: &Db,
    a: &Applied<'_>,
    request: i64,
    deployment: i64,
    result: &str,
) -> anyhow::Result<()> {
    let (state, action) = if result == "applied" {
        (RequestState::Applied, "request-applied")
    } else {
        (RequestState::ApplyFailed, "request-apply-failed")
    };
    if !requests::finish_apply(tx, request, state, Some(deployment)).await? {
        tracing::warn!(
            "change request {request} was not being applied when deployment {deployment} ended; its state is left as it is"
        );
    }
    let mut entry = NewEntry::new(
        a.actor,
        action,
        format!(
            "change request #{request}: {} to {} ({result}, deployment {deployment})",
            a.design_name, a.engine.name
        ),
    )
    .details(serde_json::json!({
        "request": request,
        "deployment": deployment,
        "revision": a.revision,
        "plan_hash": a.plan_hash,
        "override": a.override_reason,
    }));
    if let Some(d) = a.design_id {
        entry = entry.design(d);
    }
    entry = entry.object("request", request);
    entry.target = Some(&a.engine.name);
    audit::append(tx, &db.audit, entry).await?;
    Ok(())
}

/// Requests left `applying` by a server that stopped while their job ran end as
/// `apply-failed`, each with its audit entry (jobs do not outlive the server; the engine's
/// lock expires on its own). Returns how many there were.
pub async fn recover_interrupted(db: &Db) -> anyhow::Result<usize> {
    let mut tx = db.write.begin().await?;
    let ids = requests::interrupted(&mut tx).await?;
    let actor = crate::store::Actor {
        id: None,
        name: Some("bulkhead".into()),
        address: None,
    };
    for &id in &ids {
        requests::finish_apply(&mut tx, id, RequestState::ApplyFailed, None).await?;
        let Some(record) = requests::get(&mut tx, id).await? else {
            continue;
        };
        let mut entry = NewEntry::new(
            &actor,
            "request-apply-failed",
            format!(
                "change request #{id}: the server stopped while {} r{} was being applied to {}; see the engine's deployments, plan it again and apply",
                record.design, record.revision, record.engine_name
            ),
        )
        .design(record.design_id)
        .object("request", id)
        .details(serde_json::json!({ "request": id, "interrupted": true }));
        entry.target = Some(&record.engine_name);
        audit::append(&mut tx, &db.audit, entry).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: i64, who: &str, verdict: Verdict, revision: i64, hash: &str) -> ReviewRecord {
        ReviewRecord {
            id,
            reviewer_id: id,
            reviewer: who.into(),
            verdict: verdict.as_str().into(),
            revision,
            plan_hash: hash.into(),
            message: String::new(),
            created_at: String::new(),
            dismissed_at: None,
            dismissed_reason: None,
        }
    }

    #[test]
    fn approvals_count_once_per_reviewer_for_the_revision_and_plan_they_saw() {
        let mut reviews = vec![
            review(1, "bob", Verdict::Approve, 2, "h"),
            review(2, "bob", Verdict::Approve, 2, "h"),
            review(3, "dan", Verdict::Approve, 1, "h"),
            review(4, "eve", Verdict::Approve, 2, "other"),
        ];
        assert_eq!(approvers(&reviews, 2, Some("h")).len(), 1);
        assert_eq!(settle(&reviews, 2, Some("h"), 1), RequestState::Approved);
        assert_eq!(settle(&reviews, 2, Some("h"), 2), RequestState::Open);
        // No plan: nothing can be approved.
        assert_eq!(settle(&reviews, 2, None, 1), RequestState::Open);
        reviews.push(review(5, "dan", Verdict::Approve, 2, "h"));
        assert_eq!(settle(&reviews, 2, Some("h"), 2), RequestState::Approved);
        // Engines asking for none still need one approval for "approved".
        assert_eq!(settle(&reviews[2..4], 2, Some("h"), 0), RequestState::Open);
        // A standing request for changes holds it back; a dismissed one does not.
        reviews.push(review(6, "eve", Verdict::Changes, 2, "h"));
        assert_eq!(
            settle(&reviews, 2, Some("h"), 1),
            RequestState::ChangesRequested
        );
        reviews[5].dismissed_at = Some("now".into());
        assert_eq!(settle(&reviews, 2, Some("h"), 1), RequestState::Approved);
        reviews[0].dismissed_at = Some("now".into());
        reviews[1].dismissed_at = Some("now".into());
        reviews[4].dismissed_at = Some("now".into());
        assert_eq!(settle(&reviews, 2, Some("h"), 1), RequestState::Open);
    }

    #[test]
    fn anchors_name_what_the_revision_has() {
        let doc = design::templates::get("three-tier").unwrap();
        let (kind, key, label) = anchor(doc, "service:postgres").unwrap();
        assert_eq!((kind.as_str(), key.as_str()), ("service", "postgres"));
        assert_eq!(label, "service postgres");
        let (_, _, label) = anchor(doc, "flow:0").unwrap();
        assert!(label.starts_with("flow "), "{label}");
        assert!(anchor(doc, "zone:database-tier").is_ok());
        for bad in [
            "service:nope",
            "zone:nope",
            "flow:99",
            "flow:x",
            "port:80",
            "postgres",
        ] {
            assert!(anchor(doc, bad).is_err(), "{bad}");
        }
    }
}
