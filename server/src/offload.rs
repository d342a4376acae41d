//! CPU work on untrusted input (reading, checking and compiling designs) runs here: on the
//! blocking pool, never on the async workers that serve every other request, and under a
//! deadline. A design is bounded (`design::limits`, `design::budget`), so the deadline is a
//! second line: past it the request is answered at once, while the work itself finishes on
//! its own thread and is dropped.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

/// How long reading, checking or compiling one design may take.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Why offloaded work gave no result.
#[derive(Debug, thiserror::Error)]
pub enum OffloadError {
    /// The deadline passed first.
    #[error("{what} took longer than {} s and was stopped", .limit.as_secs())]
    TimedOut {
        /// What was being done, e.g. "reading the document".
        what: &'static str,
        /// The deadline.
        limit: Duration,
    },
    /// The work panicked or was cancelled.
    #[error("{what} failed: {source}")]
    Failed {
        /// What was being done.
        what: &'static str,
        /// Why.
        source: tokio::task::JoinError,
    },
}

/// The size of one unit of the gate below.
const UNIT_BYTES: usize = 16 * 1024;

/// Units of the gate: documents totalling one of the largest allowed (1 MiB) are worked on
/// at once. Reading a document makes the YAML reader hold about 50 times its size for a
/// while (its events, then the values), so the gate bounds that memory: many small
/// documents run side by side, one of the largest runs alone, and the rest wait their turn
/// within their deadline.
const UNITS: u32 = (app::model::MAX_DOCUMENT_BYTES / UNIT_BYTES) as u32;

fn slots() -> &'static Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| Arc::new(Semaphore::new(UNITS as usize)))
}

/// The units work on `bytes` of input takes: at least one, at most all.
fn units(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(UNIT_BYTES))
        .unwrap_or(UNITS)
        .clamp(1, UNITS)
}

/// Runs `work` on `bytes` of input on the blocking pool, once the gate lets it in, and
/// waits at most `limit` for it (the wait at the gate included). Its units are held until
/// the work ends, past the deadline too, so abandoned work still counts against the bound.
pub async fn run_within<T: Send + 'static>(
    what: &'static str,
    bytes: usize,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OffloadError> {
    run_in_slot(slots(), units(bytes), what, limit, work).await
}

async fn run_in_slot<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    units: u32,
    what: &'static str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OffloadError> {
    let attempt = async {
        let slot = Arc::clone(slots)
            .acquire_many_owned(units)
            .await
            .expect("the slots are never closed");
        tokio::task::spawn_blocking(move || {
            let value = work();
            drop(slot);
            value
        })
        .await
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(source)) => Err(OffloadError::Failed { what, source }),
        Err(_) => Err(OffloadError::TimedOut { what, limit }),
    }
}

/// Runs `work` on `bytes` of input on the blocking pool under [`DEADLINE`].
pub async fn run<T: Send + 'static>(
    what: &'static str,
    bytes: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OffloadError> {
    run_within(what, bytes, DEADLINE, work).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work runs off the async worker: on a runtime with a single worker, work that waits
    /// for an async task still finishes (run inline, it would wait forever).
    #[tokio::test(flavor = "current_thread")]
    async fn work_leaves_the_async_worker_free() {
        let (tx, rx) = std::sync::mpsc::channel::<u32>();
        let sender = tokio::spawn(async move { tx.send(7).unwrap() });
        let got = run("waiting", 1, move || rx.recv().unwrap()).await.unwrap();
        assert_eq!(got, 7);
        sender.await.unwrap();
    }

    /// With the gate full, more work waits instead of starting, and its deadline counts the
    /// wait; once units are free it runs. A small document takes one unit, the largest all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_waits_for_a_free_slot() {
        assert_eq!(units(0), 1);
        assert_eq!(units(UNIT_BYTES + 1), 2);
        assert_eq!(units(app::model::MAX_DOCUMENT_BYTES), UNITS);
        assert_eq!(units(usize::MAX), UNITS);
        let slots = Arc::new(Semaphore::new(2));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(std::sync::Mutex::new(held));
        let mut holders = Vec::new();
        for _ in 0..2 {
            let (slots, held) = (Arc::clone(&slots), Arc::clone(&held));
            holders.push(tokio::spawn(async move {
                run_in_slot(&slots, 1, "holding", DEADLINE, move || {
                    let _ = held.lock().unwrap().recv_timeout(Duration::from_secs(5));
                })
                .await
            }));
        }
        while slots.available_permits() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&started);
        let waited = run_in_slot(
            &slots,
            1,
            "waiting",
            Duration::from_millis(100),
            move || {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            },
        )
        .await;
        assert!(matches!(waited, Err(OffloadError::TimedOut { .. })));
        assert!(!started.load(std::sync::atomic::Ordering::SeqCst));
        for _ in 0..2 {
            release.send(()).unwrap();
        }
        for h in holders {
            h.await.unwrap().unwrap();
        }
        let after = run_in_slot(&slots, 2, "after", DEADLINE, || 3).await;
        assert_eq!(after.unwrap(), 3);
    }

    /// Past the deadline the caller gets an answer at once, saying what took too long.
    #[tokio::test]
    async fn deadline() {
        let (_keep, rx) = std::sync::mpsc::channel::<()>();
        let e = run_within(
            "checking the design",
            1,
            Duration::from_millis(50),
            move || {
                let _ = rx.recv_timeout(Duration::from_secs(5));
            },
        )
        .await
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("checking the design took longer than"),
            "{e}"
        );
    }
}
