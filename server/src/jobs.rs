//! Jobs on engines (applies) run on the server, not inside the request that started them:
//! each keeps every step it reports, numbered, so a page that opens late (a reload, a second
//! browser) gets the job where it stands and then follows it live (server-sent events with
//! `Last-Event-ID`). Finished jobs stay readable here until the server stops; what lasts is
//! the deployment record and the audit entry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::model::{JobStep, JobView};
use tokio::sync::watch;

/// One job and its steps.
#[derive(Debug)]
pub struct Job {
    view: Mutex<JobView>,
    /// Bumped at every change, for followers to wake on.
    changed: watch::Sender<u64>,
}

impl Job {
    /// The job as it stands.
    pub fn view(&self) -> JobView {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JobView> {
        // A panic while the view was held leaves it as it was: still the best account.
        self.view
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records the state of a step (a new step, or a new state of one seen before).
    pub fn step(&self, what: &str, state: &str) {
        let seq = {
            let mut view = self.lock();
            let seq = view.steps.iter().map(|s| s.seq).max().unwrap_or(0) + 1;
            view.steps.retain(|s| s.what != what);
            view.steps.push(JobStep {
                seq,
                what: what.to_owned(),
                state: state.to_owned(),
            });
            seq
        };
        self.changed.send_replace(seq);
    }

    /// Ends the job.
    pub fn finish(&self, result: &str, summary: String, deployment: Option<i64>) {
        let seq = {
            let mut view = self.lock();
            view.result = result.to_owned();
            view.summary = Some(summary);
            view.deployment = deployment;
            view.steps.iter().map(|s| s.seq).max().unwrap_or(0) + 1
        };
        self.changed.send_replace(seq);
    }

    /// True once the job has ended.
    pub fn ended(&self) -> bool {
        self.lock().result != "running"
    }

    /// Wakes when the job changes.
    pub fn follow(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

/// Every job since the server started.
#[derive(Debug, Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

impl Jobs {
    /// Starts a job's record (the work itself is the caller's to spawn).
    pub fn start(&self, title: String, design_id: i64, engine: String, total: usize) -> Arc<Job> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            view: Mutex::new(JobView {
                id,
                title,
                design_id,
                engine,
                started_at: crate::clock::display(&crate::clock::now_text()),
                steps: Vec::new(),
                total,
                result: "running".into(),
                summary: None,
                deployment: None,
            }),
            changed: watch::channel(0).0,
        });
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id, job.clone());
        job
    }

    /// The job with this id.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps are numbered in order; a step seen again keeps one line with its newest state
    /// and number; the end is announced to followers.
    #[tokio::test]
    async fn steps_and_the_end() {
        let jobs = Jobs::default();
        let job = jobs.start("apply of x r1 by a".into(), 1, "local".into(), 2);
        let mut follower = job.follow();
        job.step("create network x_a", "running");
        job.step("create network x_a", "done");
        job.step("create container x-web-1", "running");
        let view = jobs.get(job.view().id).unwrap().view();
        let steps: Vec<(u64, &str, &str)> = view
            .steps
            .iter()
            .map(|s| (s.seq, s.what.as_str(), s.state.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                (2, "create network x_a", "done"),
                (3, "create container x-web-1", "running")
            ]
        );
        assert!(!job.ended());
        job.finish("applied", "2 changes".into(), Some(7));
        follower.changed().await.unwrap();
        assert_eq!(*follower.borrow(), 4);
        assert!(job.ended());
        assert_eq!(job.view().deployment, Some(7));
    }
}
