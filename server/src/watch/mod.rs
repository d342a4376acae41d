//! The watch over what Bulkhead applied: drift of every live design, checked on demand and
//! in the background (every 10 minutes by default), and verify, run on demand and, when
//! asked for, on a schedule (one engine at a time, each design when its last report is older
//! than the interval). What the background finds is recorded as done by `schedule`.

pub mod drift;
pub mod verify;

use std::sync::Arc;
use std::time::Duration;

use crate::backend::Service;
use crate::store::Actor;

/// The actor of what the background does, as the audit log names it.
pub fn schedule() -> Actor {
    Actor {
        id: None,
        name: Some("schedule".into()),
        address: None,
    }
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

/// Starts the background checks the configuration asks for.
pub fn start(service: &Arc<Service>) {
    if let Some(interval) = service.config.engine_check_interval {
        every(service, interval, "checking the engines", |s| async move {
            crate::backend::engine_status::check_all(&s).await
        });
    }
    if let Some(interval) = service.config.drift_check_interval {
        every(service, interval, "checking drift", |s| async move {
            drift::check_all(&s.db).await
        });
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
