//! The watch over what Bulkhead applied: drift of every live design, checked on demand and
//! in the background (every 10 minutes by default), and verify, run on demand and, when
//! asked for, on a schedule (one engine at a time, each design when its last report is older
//! than the interval). What the background finds is recorded as done by `schedule`.

pub mod drift;
pub mod verify;

use std::sync::Arc;
use std::time::Duration;

use crate::backend::Service;
use crate::db::Db;
use crate::store::engines::EngineRecord;
use crate::store::{Actor, designs, live};

/// The actor of what the background does, as the audit log names it.
pub fn schedule() -> Actor {
    Actor {
        id: None,
        name: Some("schedule".into()),
        address: None,
    }
}

/// The revision of `design_id` live on `engine`, read and checked: its live row and the
/// design; or, in words, why there is none to work on (`not_live` ends the sentence "this
/// design is not live on E through Bulkhead: …", or the revision no longer checks). The outer
/// error is ours.
pub async fn live_revision(
    db: &Db,
    design_id: i64,
    engine: &EngineRecord,
    not_live: &str,
) -> anyhow::Result<Result<(app::model::LiveRow, design::ValidDesign), String>> {
    let Some(row) = live::list(&db.read, Some(design_id), Some(engine.id))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(Err(format!(
            "this design is not live on {} through Bulkhead: {not_live}",
            engine.name
        )));
    };
    let mut conn = db.read.acquire().await?;
    let Some(rev) = designs::revision(&mut conn, design_id, row.revision).await? else {
        anyhow::bail!("revision {} of design {design_id} is missing", row.revision);
    };
    drop(conn);
    Ok(match crate::documents::checked(rev.document).await? {
        Ok((valid, _)) => Ok((row, valid)),
        Err(e) => Err(format!(
            "revision {} of {} no longer checks ({e}); fix the design and apply it again",
            row.revision, row.design
        )),
    })
}

/// Runs `round` every `every` for as long as the service lives (the first round at once).
fn every<F, Fut>(service: &Arc<Service>, every: Duration, what: &'static str, round: F)
where
    F: Fn(Arc<Service>) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let weak = Arc::downgrade(service);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(service) = weak.upgrade() else {
                return;
            };
            if let Err(e) = round(service).await {
                tracing::warn!("{what} failed: {e:#}");
            }
        }
    });
}

/// Starts the background checks the configuration asks for, and the hourly refresh of the
/// database's planner statistics.
pub fn start(service: &Arc<Service>) {
    every(
        service,
        Duration::from_secs(3600),
        "refreshing the planner statistics",
        |s| async move { s.db.optimize().await },
    );
    if let Some(interval) = service.config.engine_check_interval {
        every(service, interval, "checking the engines", |s| async move {
            crate::backend::engine_status::check_all(&s).await
        });
        // The firewall's counters at the same pace, for the rates.
        every(
            service,
            interval,
            "reading the firewall counters",
            |s| async move { crate::counters::read_all(&s).await },
        );
    }
    if let Some(interval) = service.config.drift_check_interval {
        every(service, interval, "checking drift", |s| async move {
            drift::check_all(&s.db).await
        });
    }
    if let Some(keep) = service.config.audit_retention {
        every(
            service,
            Duration::from_secs(24 * 3600),
            "archiving old audit entries",
            move |s| async move { archive_older_than(&s, keep).await },
        );
    }
    if let Some(interval) = service.config.verify_interval {
        every(
            service,
            interval,
            "the scheduled verify",
            move |s| async move { verify::verify_due(&s.db, &s.config.clock, &s.jobs, interval).await },
        );
    }
}

/// Moves the audit entries older than `keep` to an archive file (retention).
async fn archive_older_than(service: &Service, keep: Duration) -> anyhow::Result<()> {
    let cutoff = time::OffsetDateTime::now_utc() - keep;
    let before = cutoff
        .replace_nanosecond(0)
        .unwrap_or(cutoff)
        .format(&time::format_description::well_known::Rfc3339)?;
    let archived = crate::store::audit::archive::archive(
        &service.db,
        &service.config.data_dir,
        &before,
        &schedule(),
    )
    .await?;
    if let Some(a) = archived {
        tracing::info!(
            "archived {} audit entries ({} to {}) to {}",
            a.entries,
            a.first,
            a.through,
            a.file.display()
        );
    }
    Ok(())
}
