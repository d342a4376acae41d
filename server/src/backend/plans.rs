//! Plans in the browser: what applying one revision of a design to one engine would change,
//! read from the live engine, grouped by kind with each change's reason, conflicts and
//! unaccepted error findings listed as what blocks apply, and stored with the engine's
//! fingerprint so that apply can refuse a plan the engine has moved away from.

use app::backend::Request;
use app::error::AppError;
use app::model::{PlanGroup, PlanLine, PlanView, ReachDelta, Role};

use super::{Service, internal, offloaded};
use crate::engine::{self, FirewallState};
use crate::offload;
use crate::store::audit::NewEntry;
use crate::store::{designs, engines, live};

/// The kinds a plan's changes are grouped by, in the order the page lists them.
const KINDS: [&str; 6] = [
    "create",
    "recreate",
    "connect",
    "disconnect",
    "remove",
    "start",
];

fn missing(what: String) -> AppError {
    AppError::NotFound { what }
}

pub(super) async fn plan(
    service: &Service,
    req: &Request,
    id: i64,
    revision: Option<i64>,
    engine_id: i64,
) -> Result<PlanView, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let d = designs::get(&mut conn, id)
        .await
        .map_err(internal)?
        .filter(|d| d.deleted_at.is_none())
        .ok_or_else(|| missing(format!("Design {id}")))?;
    let number = revision.unwrap_or(d.head);
    let rev = designs::revision(&mut conn, id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Revision {number} of {}", d.name)))?;
    let record = engines::get(&mut conn, engine_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| missing(format!("Engine {engine_id}")))?;
    drop(conn);

    let rev_document = rev.document.clone();
    let (valid, blocked) = crate::documents::checked(rev.document)
        .await
        .map_err(offloaded)?.map_err(|e| AppError::Conflict {
        message: format!(
            "revision {number} of {} has errors, so it cannot be planned; fix them in the designer: {e}",
            d.name
        ),
    })?;

    let delta = delta_from_live(service, id, engine_id, &d.name, &rev_document).await?;
    let docker = super::engine_status::connect(&record)
        .await
        .map_err(|e| AppError::Conflict {
            message: format!(
                "engine {} did not answer ({e}); check it on the engines page",
                record.name
            ),
        })?;
    let plan = engine::plan(&valid, &docker)
        .await
        .map_err(|e| AppError::Conflict {
            message: format!("reading engine {} failed: {e}", record.name),
        })?;
    let firewall = firewall_line(&valid, &docker).await;
    let plan_json = serde_json::to_string(&plan).map_err(internal)?;

    let mut tx = service.write_tx().await?;
    let (plan_id, hash) = engines::insert_plan(
        &mut tx,
        &engines::NewPlan {
            design_id: id,
            revision: number,
            engine_id,
            by: user.id,
            plan_json: &plan_json,
            fingerprint: &plan.fingerprint,
        },
    )
    .await
    .map_err(internal)?;
    let mut entry = NewEntry::new(
        &actor,
        "engine-plan",
        format!(
            "planned {} r{number} on {}: {} change(s){}",
            d.name,
            record.name,
            plan.actions.len(),
            if plan.conflicts.is_empty() {
                String::new()
            } else {
                format!(", {} object(s) in the way", plan.conflicts.len())
            }
        ),
    )
    .design(id)
    .details(serde_json::json!({
        "plan": plan_id,
        "plan_hash": hash,
        "revision": number,
        "engine": record.name,
        "changes": plan.actions.len(),
        "conflicts": plan.conflicts.len(),
    }));
    entry.target = Some(&record.name);
    super::audited(&service.db, tx, entry).await?;

    let groups = KINDS
        .iter()
        .map(|kind| PlanGroup {
            kind: (*kind).to_owned(),
            lines: plan
                .actions
                .iter()
                .filter(|a| a.kind.verb().split(' ').next() == Some(kind))
                .map(|a| PlanLine {
                    target: format!("{} {}", a.kind.verb(), a.target),
                    reason: a.reason.clone(),
                })
                .collect(),
        })
        .filter(|g| !g.lines.is_empty())
        .collect();
    Ok(PlanView {
        id: plan_id,
        design: d.name,
        revision: number,
        engine: record.name,
        engine_id,
        approvals_required: record.approvals_required,
        hash,
        fingerprint: plan.fingerprint.clone(),
        conflicts: plan
            .conflicts
            .iter()
            .map(|c| format!("{} {}: {}", c.object, c.name, c.reason))
            .collect(),
        blocked,
        changes: plan.actions.len(),
        groups,
        firewall,
        notes: plan.notes,
        delta,
    })
}

/// Who reaches whom differently once `document` is applied, against the revision live on the
/// engine (an empty design when none is): the delta `bulkhead diff` prints, computed off the
/// async threads.
async fn delta_from_live(
    service: &Service,
    design_id: i64,
    engine_id: i64,
    name: &str,
    document: &str,
) -> Result<ReachDelta, AppError> {
    let baseline = live::list(&service.db.read, Some(design_id), Some(engine_id))
        .await
        .map_err(internal)?
        .into_iter()
        .next()
        .map(|row| row.revision);
    let before = match baseline {
        Some(number) => {
            let mut conn = service.db.read.acquire().await.map_err(internal)?;
            designs::revision(&mut conn, design_id, number)
                .await
                .map_err(internal)?
                .ok_or_else(|| missing(format!("Revision {number} of {name}")))?
                .document
        }
        None => format!("bulkhead: 1\nname: {name}\n"),
    };
    let after = document.to_owned();
    let bytes = before.len() + after.len();
    offload::run("comparing with what is live", bytes, move || {
        let old = design::parse_document(&before).map_err(|e| e.to_string())?;
        let new = design::parse_document(&after).map_err(|e| e.to_string())?;
        let diff = design::diff::diff(&old, &new);
        Ok::<_, String>(crate::review::reach_delta(&diff, baseline))
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| internal(anyhow::anyhow!("a stored revision does not parse: {e}")))
}

/// What apply will do with the design's firewall on this engine's host.
async fn firewall_line(valid: &design::ValidDesign, docker: &engine::DockerEngine) -> String {
    let fw = &docker.info().firewall;
    let needed = crate::engine::design_needs_firewall(valid, fw.backend);
    let state = crate::engine::firewall_state(fw, valid).await;
    match (needed, state) {
        (false, FirewallState::Missing { .. }) => {
            "not needed: no isolated zone with flows, no deny flow, no host policy".into()
        }
        (_, FirewallState::Unknown { reason }) => format!(
            "cannot be installed from here ({reason}): run `{}` on the engine's host{}",
            crate::engine::firewall_by_hand(&valid.name, fw.backend),
            if fw.backend == engine::FirewallBackend::Nftables
                && valid.zones.iter().any(|z| z.isolated)
            {
                ", then apply from the command line with --no-firewall: on nftables the table isolates the isolated zones, and apply refuses while it cannot see it"
            } else {
                ""
            }
        ),
        (_, FirewallState::Installed { chain }) => {
            format!("replace {chain} atomically with this revision's rules")
        }
        (_, FirewallState::NotJumpedTo { chain } | FirewallState::Missing { chain }) => {
            format!("install {chain} and its jump (it is not in place now)")
        }
    }
}
