//! Jobs on engines (applies, verifies) run on the server, not inside the request that started them:
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

    /// Ends an apply, with the deployment it recorded; steps still queued were not attempted.
    pub fn finish(&self, result: &str, summary: String, deployment: Option<i64>) {
        self.end(result, summary, |view| view.deployment = deployment);
    }

    /// Ends a verify, with the report it recorded.
    pub fn finish_verify(&self, result: &str, summary: String, verification: i64) {
        self.end(result, summary, |view| {
            view.verification = Some(verification)
        });
    }

    fn end(&self, result: &str, summary: String, recorded: impl FnOnce(&mut JobView)) {
        let seq = {
            let mut view = self.lock();
            view.result = result.to_owned();
            view.summary = Some(summary);
            recorded(&mut view);
            let mut seq = view.steps.iter().map(|s| s.seq).max().unwrap_or(0);
            let mut unattempted: Vec<JobStep> = Vec::new();
            view.steps.retain(|s| {
                let queued = s.state == "queued";
                if queued {
                    unattempted.push(s.clone());
                }
                !queued
            });
            for mut s in unattempted {
                seq += 1;
                s.seq = seq;
                s.state = "not attempted".into();
                view.steps.push(s);
            }
            seq + 1
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

/// Ended jobs kept readable (the oldest go first); a job that runs is always kept.
const KEEP_ENDED: usize = 200;

/// Every running job, and the newest ended ones.
#[derive(Debug, Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
}

impl Jobs {
    /// Starts a job's record, `apply` or `verify` (the work itself is the caller's to spawn).
    pub fn start(
        &self,
        kind: &str,
        title: String,
        design_id: i64,
        engine: String,
        total: usize,
    ) -> Arc<Job> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            view: Mutex::new(JobView {
                id,
                kind: kind.to_owned(),
                title,
                design_id,
                engine,
                started_at: crate::clock::display(&crate::clock::now_text()),
                steps: Vec::new(),
                total,
                result: "running".into(),
                summary: None,
                deployment: None,
                verification: None,
            }),
            changed: watch::channel(0).0,
        });
        let mut jobs = self
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut ended: Vec<u64> = jobs
            .iter()
            .filter(|(_, j)| j.ended())
            .map(|(id, _)| *id)
            .collect();
        if ended.len() >= KEEP_ENDED {
            ended.sort_unstable();
            for old in &ended[..=ended.len() - KEEP_ENDED] {
                jobs.remove(old);
            }
        }
        jobs.insert(id, job.clone());
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
        let job = jobs.start("apply", "apply of x r1 by a".into(), 1, "local".into(), 2);
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
        job.step("start x-web-1", "queued");
        job.finish("failed", "1 change done".into(), Some(7));
        follower.changed().await.unwrap();
        assert_eq!(*follower.borrow(), 6);
        assert!(job.ended());
        let view = job.view();
        assert_eq!(view.deployment, Some(7));
        let last = view.steps.last().unwrap();
        assert_eq!((last.seq, last.state.as_str()), (5, "not attempted"));
    }

    /// Ended jobs are forgotten oldest first past the limit; running ones stay.
    #[test]
    fn ended_jobs_are_bounded() {
        let jobs = Jobs::default();
        let running = jobs.start("apply", "running".into(), 1, "local".into(), 0);
        for _ in 0..KEEP_ENDED + 5 {
            let j = jobs.start("apply", "ended".into(), 1, "local".into(), 0);
            j.finish("applied", String::new(), None);
        }
        jobs.start("apply", "newest".into(), 1, "local".into(), 0);
        assert!(jobs.get(running.view().id).is_some());
        assert!(jobs.get(2).is_none(), "the oldest ended job is forgotten");
        let kept = jobs
            .jobs
            .lock()
            .unwrap()
            .values()
            .filter(|j| j.ended())
            .count();
        assert!(kept <= KEEP_ENDED, "{kept}");
    }
}
