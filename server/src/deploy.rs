//! What every apply does around the engine work, from the browser's jobs and from the
//! command line alike: keep the engine's lock alive while it runs, say how it ended, record
//! the deployment with its audit entry.

use crate::clock::Clock;
use crate::db::Db;
use crate::engine::{
    self, ApplyEvent, ApplyOptions, ApplyReport, DockerEngine, EngineError, FirewallOutcome, Plan,
};
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};
use crate::store::deployments::{self, NewDeployment};
use crate::store::engines::EngineRecord;

/// Applies `plan` while renewing the engine's lock held with `token`, with the firewall
/// wherever the design needs it.
#[allow(clippy::too_many_arguments)]
pub async fn apply_locked(
    db: &Db,
    clock: &Clock,
    engine_record: &EngineRecord,
    token: &str,
    design: &design::ValidDesign,
    docker: &DockerEngine,
    plan: &Plan,
    firewall: bool,
    on_event: &(dyn Fn(&ApplyEvent) + Send + Sync),
) -> Result<ApplyReport, EngineError> {
    let options = ApplyOptions {
        firewall,
        ..ApplyOptions::default()
    };
    let applying = engine::apply(design, docker, plan, options, on_event);
    crate::engine_lock::keep_while(db, clock, engine_record, token, applying).await
}

/// How an apply ended.
#[derive(Debug)]
pub struct Ending {
    /// `applied` or `failed`.
    pub result: String,
    /// The step that failed and why.
    pub failed_step: Option<String>,
    /// The firewall after apply, in words.
    pub firewall: String,
    /// What apply did to the firewall: `installed`, `failed` or `not-installed`; `None`
    /// when it did not get that far.
    pub firewall_result: Option<&'static str>,
    /// One sentence for the job page, the audit log and the terminal.
    pub summary: String,
    /// The apply report as JSON.
    pub report_json: String,
}

/// Says how an apply of `changes` changes ended; an apply without the firewall the design
/// needs is a failure.
pub fn conclude(
    changes: usize,
    firewall_needed: bool,
    outcome: &Result<ApplyReport, EngineError>,
) -> Ending {
    let report = match outcome {
        Ok(report) => report,
        Err(e) => {
            let message = e.to_string();
            return Ending {
                result: "failed".into(),
                failed_step: Some(format!("apply: {message}")),
                firewall: "not installed".into(),
                firewall_result: None,
                summary: format!("failed: {message}"),
                report_json: serde_json::json!({ "error": message }).to_string(),
            };
        }
    };
    let report_json = serde_json::to_string(report).unwrap_or_else(|e| {
        tracing::error!("the apply report could not be written as JSON: {e}");
        serde_json::json!({ "error": format!("the apply report could not be written: {e}") })
            .to_string()
    });
    let (firewall, firewall_result) = match &report.firewall {
        FirewallOutcome::Installed { chain, note } => (
            match note {
                Some(note) => format!("{chain} in place; {note}"),
                None => format!("{chain} in place"),
            },
            Some("installed"),
        ),
        FirewallOutcome::NotInstalled { reason } => {
            (format!("not installed: {reason}"), Some("not-installed"))
        }
        FirewallOutcome::Failed { error } => (format!("failed: {error}"), Some("failed")),
    };
    // A failed step stops apply before the firewall (on nftables the firewall comes first,
    // and may be what failed); a design that needs none is not told it has none.
    let firewall_first = report
        .failed
        .as_ref()
        .is_some_and(|(step, _)| step == "install firewall");
    let firewall_result = firewall_result
        .filter(|r| report.failed.is_none() || firewall_first || *r != "not-installed")
        .filter(|r| *r != "not-installed" || firewall_needed);
    let counts = format!("{} of {changes} change(s) done", report.done.len());
    if let Some((step, error)) = &report.failed {
        return Ending {
            result: "failed".into(),
            failed_step: Some(format!("{step}: {error}")),
            summary: format!(
                "{step} failed ({error}); {counts}, {} not attempted; applying again converges",
                report.not_done.len()
            ),
            firewall,
            firewall_result,
            report_json,
        };
    }
    if firewall_needed && !matches!(report.firewall, FirewallOutcome::Installed { .. }) {
        return Ending {
            result: "failed".into(),
            failed_step: Some(format!("firewall: {firewall}")),
            summary: format!(
                "{counts}, but the firewall the design needs is not in place ({firewall}): the isolation it promises does not hold"
            ),
            firewall,
            firewall_result,
            report_json,
        };
    }
    Ending {
        result: "applied".into(),
        failed_step: None,
        summary: format!("applied: {counts}; firewall {firewall}"),
        firewall,
        firewall_result,
        report_json,
    }
}

/// What a deployment record says besides its ending.
#[derive(Debug)]
pub struct Applied<'a> {
    pub actor: &'a Actor,
    pub design_name: &'a str,
    pub design_id: Option<i64>,
    pub revision: Option<i64>,
    pub engine: &'a EngineRecord,
    pub plan_id: Option<i64>,
    pub plan: &'a Plan,
    pub plan_json: &'a str,
    pub plan_hash: &'a str,
    pub started_at: &'a str,
    /// The change request carried out, if any.
    pub request_id: Option<i64>,
    /// The admin's written reason for applying past missing approvals.
    pub override_reason: Option<&'a str>,
}

/// `design r3` or `design`.
fn what(a: &Applied<'_>) -> String {
    match a.revision {
        Some(r) => format!("{} r{r}", a.design_name),
        None => a.design_name.to_owned(),
    }
}

/// The apply's entry about `a`: on its design (or its engine when the design is unknown),
/// naming the engine.
fn entry_about<'a>(a: &'a Applied<'a>, action: &'a str, summary: String) -> NewEntry<'a> {
    let mut entry = NewEntry::new(a.actor, action, summary);
    entry = match a.design_id {
        Some(d) => entry.design(d),
        None => entry.object("engine", a.engine.id),
    };
    entry.target = Some(&a.engine.name);
    entry
}

/// Records that an apply starts, before anything on the engine changes: an apply whose
/// start cannot be recorded does not run.
pub async fn record_start(db: &Db, a: &Applied<'_>, firewall: bool) -> anyhow::Result<()> {
    let overridden = a
        .override_reason
        .map(|r| format!(" (OVERRIDE of the engine's approvals: {r})"))
        .unwrap_or_default();
    let entry = entry_about(
        a,
        "engine-apply-start",
        format!(
            "started applying {} to {}: {} change(s){}{overridden}",
            what(a),
            a.engine.name,
            a.plan.actions.len(),
            if firewall { ", then the firewall" } else { "" }
        ),
    )
    .details(serde_json::json!({
        "plan": a.plan_id,
        "plan_hash": a.plan_hash,
        "engine": a.engine.name,
        "revision": a.revision,
        "changes": a.plan.actions.len(),
        "firewall": firewall,
        "request": a.request_id,
        "override": a.override_reason,
    }));
    audit::append_alone(db, entry).await?;
    Ok(())
}

/// Records the deployment and its audit entry together; returns the deployment's id.
pub async fn record(db: &Db, a: &Applied<'_>, end: &Ending) -> anyhow::Result<i64> {
    let mut tx = db.write.begin().await?;
    let id = deployments::insert(
        &mut tx,
        &NewDeployment {
            design_name: a.design_name,
            design_id: a.design_id,
            revision: a.revision,
            engine_id: a.engine.id,
            engine_name: &a.engine.name,
            plan_id: a.plan_id,
            actor_id: a.actor.id,
            actor_name: a.actor.name.as_deref().unwrap_or("?"),
            started_at: a.started_at,
            plan_json: a.plan_json,
            plan_hash: a.plan_hash,
            fingerprint: &a.plan.fingerprint,
            result: &end.result,
            failed_step: end.failed_step.as_deref(),
            firewall: &end.firewall,
            report_json: &end.report_json,
            request_id: a.request_id,
            override_reason: a.override_reason,
        },
    )
    .await?;
    let overridden = a
        .override_reason
        .map(|r| format!(" (OVERRIDE of the engine's approvals: {r})"))
        .unwrap_or_default();
    let entry = entry_about(
        a,
        "engine-apply",
        format!(
            "applied {} to {}: {}{overridden}",
            what(a),
            a.engine.name,
            end.summary
        ),
    )
    .details(serde_json::json!({
        "deployment": id,
        "plan": a.plan_id,
        "plan_hash": a.plan_hash,
        "engine": a.engine.name,
        "revision": a.revision,
        "result": end.result,
        "failed_step": end.failed_step,
        "firewall": end.firewall,
        "request": a.request_id,
        "override": a.override_reason,
    }));
    audit::append(&mut tx, &db.audit, entry).await?;
    if let Some(result) = end.firewall_result {
        let said = match result {
            "installed" => "installed the firewall of",
            "failed" => "failed to install the firewall of",
            _ => "did not install the firewall of",
        };
        let entry = entry_about(
            a,
            "engine-firewall",
            format!("{said} {} on {}: {}", what(a), a.engine.name, end.firewall),
        )
        .details(serde_json::json!({
            "deployment": id,
            "engine": a.engine.name,
            "revision": a.revision,
            "result": result,
            "firewall": end.firewall,
        }));
        audit::append(&mut tx, &db.audit, entry).await?;
    }
    if let Some(request) = a.request_id {
        crate::requests::conclude(&mut tx, db, a, request, id, &end.result).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The SHA-256 of a plan's JSON.
pub fn plan_hash(plan_json: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(plan_json.as_bytes()))
}
