//! CPU work on untrusted input (reading, checking and compiling designs) runs here: on the
//! blocking pool, never on the async workers that serve every other request, and under a
//! deadline. A design is bounded (`design::limits`, `design::budget`), so the deadline is a
//! second line: past it the request is answered at once, while the work itself finishes on
//! its own thread and is dropped.

use std::time::Duration;

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

/// Runs `work` on the blocking pool and waits at most `limit` for it.
pub async fn run_within<T: Send + 'static>(
    what: &'static str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OffloadError> {
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(source)) => Err(OffloadError::Failed { what, source }),
        Err(_) => Err(OffloadError::TimedOut { what, limit }),
    }
}

/// Runs `work` on the blocking pool under [`DEADLINE`].
pub async fn run<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OffloadError> {
    run_within(what, DEADLINE, work).await
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
        let got = run("waiting", move || rx.recv().unwrap()).await.unwrap();
        assert_eq!(got, 7);
        sender.await.unwrap();
    }

    /// Past the deadline the caller gets an answer at once, saying what took too long.
    #[tokio::test]
    async fn deadline() {
        let (_keep, rx) = std::sync::mpsc::channel::<()>();
        let e = run_within(
            "checking the design",
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
