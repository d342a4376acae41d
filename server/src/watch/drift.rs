//! Drift of one applied design on one engine: the live engine against the revision last
//! applied there through Bulkhead. Each check is kept as the pair's state; the audit log
//! hears only of changes of state (the apply itself left it in sync).

use app::model::{DriftState, DriftView};

use crate::db::Db;
use crate::store::audit::{self, NewEntry};
use crate::store::engines::EngineRecord;
use crate::store::{Actor, live};

/// Checks `design_id` on `engine`, records the state and audits a change of it. The view,
/// or why there is nothing to compare (never applied there, the baseline no longer checks).
pub async fn check_pair(
    db: &Db,
    actor: &Actor,
    design_id: i64,
    engine: &EngineRecord,
) -> anyhow::Result<Result<DriftView, String>> {
    let (row, valid) = match super::live_revision(
        db,
        design_id,
        engine,
        "there is no baseline to compare with; plan and apply it first",
    )
    .await?
    {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    let (state, differences) = match observe(&valid, engine).await {
        Ok(differences) if differences.is_empty() => (DriftState::InSync, differences),
        Ok(differences) => (DriftState::Drifting, differences),
        Err(error) => (DriftState::Unreachable, vec![error]),
    };
    let mut tx = db.write.begin().await?;
    let before = live::record_drift(
        &mut tx,
        design_id,
        engine.id,
        row.revision,
        state,
        &differences,
    )
    .await?;
    // An apply leaves the design in sync: that is the state before the first check.
    if before.unwrap_or(DriftState::InSync) != state {
        let what = format!("{} r{} on {}", row.design, row.revision, engine.name);
        let summary = match state {
            DriftState::InSync => format!("{what} is in sync again"),
            DriftState::Drifting => format!(
                "{what} is drifting ({} difference(s)): {}",
                differences.len(),
                differences.join("; ")
            ),
            DriftState::Unreachable => {
                format!(
                    "{what}: the engine could not be read ({})",
                    differences.join("; ")
                )
            }
        };
        let mut entry = NewEntry::new(actor, "engine-drift", summary)
            .design(design_id)
            .details(serde_json::json!({
                "engine": engine.name,
                "revision": row.revision,
                "state": state.as_str(),
                "before": before.map(DriftState::as_str),
                "differences": differences,
            }));
        entry.target = Some(&engine.name);
        audit::append(&mut tx, &db.audit, entry).await?;
    }
    tx.commit().await?;
    Ok(Ok(DriftView {
        engine: engine.name.clone(),
        revision: row.revision,
        applied_by: row.applied_by,
        applied_at: row.applied_at,
        checked_at: crate::clock::display(&crate::clock::now_text()),
        state,
        differences,
    }))
}

/// The differences between the engine and the design, in words; or why it could not be read.
async fn observe(
    valid: &design::ValidDesign,
    engine: &EngineRecord,
) -> Result<Vec<String>, String> {
    let docker = crate::backend::engine_status::connect(engine)
        .await
        .map_err(|e| format!("engine {} did not answer ({e})", engine.name))?;
    let report = crate::engine::drift(valid, &docker)
        .await
        .map_err(|e| format!("reading engine {} failed: {e}", engine.name))?;
    let mut differences: Vec<String> = report
        .differences
        .iter()
        .map(|x| format!("{}: {}", x.object, x.what))
        .collect();
    differences.extend(
        report
            .conflicts
            .iter()
            .map(|c| format!("{} {}: {}", c.object, c.name, c.reason)),
    );
    Ok(differences)
}

/// Checks every design live on every registered engine (one after another), recording
/// each state; errors of one pair are logged and the others still checked.
pub async fn check_all(db: &Db) -> anyhow::Result<()> {
    let actor = super::schedule();
    let engines = crate::store::engines::list(&db.read).await?;
    for row in live::list(&db.read, None, None).await? {
        let Some(engine) = engines.iter().find(|e| e.id == row.engine_id) else {
            continue;
        };
        match check_pair(db, &actor, row.design_id, engine).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::info!("drift of {} on {}: {e}", row.design, engine.name),
            Err(e) => tracing::warn!(
                "checking drift of {} on {} failed: {e:#}",
                row.design,
                engine.name
            ),
        }
    }
    Ok(())
}
