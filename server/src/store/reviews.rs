//! A change request's reviews (each only ever dismissed, once) and its discussion (never
//! changed).

use anyhow::Context;
use app::model::Verdict;
use sqlx::{FromRow, SqliteConnection};

use crate::clock;

/// A review, with its reviewer's name.
#[derive(Clone, Debug, FromRow)]
pub struct ReviewRecord {
    pub id: i64,
    pub reviewer_id: i64,
    pub reviewer: String,
    pub verdict: String,
    pub revision: i64,
    pub plan_hash: String,
    pub message: String,
    pub created_at: String,
    pub dismissed_at: Option<String>,
    pub dismissed_reason: Option<String>,
}

impl ReviewRecord {
    pub fn verdict(&self) -> anyhow::Result<Verdict> {
        self.verdict
            .parse()
            .map_err(|e: String| anyhow::anyhow!("review {}: {e}", self.id))
    }

    /// Whether it is an approval that still stands for `revision` and `plan_hash`.
    pub fn approves(&self, revision: i64, plan_hash: Option<&str>) -> bool {
        self.verdict == Verdict::Approve.as_str()
            && self.dismissed_at.is_none()
            && self.revision == revision
            && Some(self.plan_hash.as_str()) == plan_hash
    }
}

pub async fn reviews(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Vec<ReviewRecord>> {
    sqlx::query_as(
        "SELECT v.id, v.reviewer_id, u.name AS reviewer, v.verdict, v.revision, v.plan_hash, \
         v.message, v.created_at, v.dismissed_at, v.dismissed_reason \
         FROM request_reviews v JOIN users u ON u.id = v.reviewer_id \
         WHERE v.request_id = ? ORDER BY v.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .context("reading a request's reviews")
}

/// A review to record.
#[derive(Debug)]
pub struct NewReview<'a> {
    pub request_id: i64,
    pub reviewer_id: i64,
    pub verdict: Verdict,
    pub revision: i64,
    pub plan_hash: &'a str,
    pub message: &'a str,
}

pub async fn add_review(conn: &mut SqliteConnection, r: &NewReview<'_>) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO request_reviews (request_id, reviewer_id, verdict, revision, plan_hash, \
         message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(r.request_id)
    .bind(r.reviewer_id)
    .bind(r.verdict.as_str())
    .bind(r.revision)
    .bind(r.plan_hash)
    .bind(r.message)
    .bind(clock::now_text())
    .fetch_one(conn)
    .await
    .context("recording a review")
}

/// Which standing reviews to dismiss.
#[derive(Debug, Clone, Copy)]
pub enum Dismiss {
    /// Every one (a new revision was pushed).
    All,
    /// The approvals (the plan they saw changed).
    Approvals,
    /// One reviewer's (their newer review replaces it).
    Of(i64),
}

/// Dismisses standing reviews of the request with the reason; returns the reviewers whose
/// reviews were dismissed.
pub async fn dismiss_reviews(
    conn: &mut SqliteConnection,
    id: i64,
    which: Dismiss,
    reason: &str,
) -> anyhow::Result<Vec<String>> {
    let (verdict, reviewer) = match which {
        Dismiss::All => (None, None),
        Dismiss::Approvals => (Some(Verdict::Approve.as_str()), None),
        Dismiss::Of(reviewer) => (None, Some(reviewer)),
    };
    sqlx::query_scalar(
        "UPDATE request_reviews SET dismissed_at = ?, dismissed_reason = ? \
         WHERE request_id = ? AND dismissed_at IS NULL AND (?4 IS NULL OR reviewer_id = ?4) \
         AND (?5 IS NULL OR verdict = ?5) \
         RETURNING (SELECT name FROM users WHERE users.id = reviewer_id)",
    )
    .bind(clock::now_text())
    .bind(reason)
    .bind(id)
    .bind(reviewer)
    .bind(verdict)
    .fetch_all(conn)
    .await
    .context("dismissing reviews")
}

/// A comment, with its author's name.
#[derive(Clone, Debug, FromRow)]
pub struct CommentRecord {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub revision: i64,
    pub anchor_kind: Option<String>,
    pub anchor: Option<String>,
    pub anchor_label: Option<String>,
    pub created_at: String,
}

pub async fn comments(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Vec<CommentRecord>> {
    sqlx::query_as(
        "SELECT c.id, u.name AS author, c.body, c.revision, c.anchor_kind, c.anchor, \
         c.anchor_label, c.created_at FROM request_comments c JOIN users u ON u.id = c.author_id \
         WHERE c.request_id = ? ORDER BY c.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .context("reading a request's discussion")
}

/// A comment to record; the anchor as (kind, key, label).
#[derive(Debug)]
pub struct NewComment<'a> {
    pub request_id: i64,
    pub author_id: i64,
    pub body: &'a str,
    pub revision: i64,
    pub anchor: Option<(&'a str, &'a str, &'a str)>,
}

pub async fn add_comment(conn: &mut SqliteConnection, c: &NewComment<'_>) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO request_comments (request_id, author_id, body, revision, anchor_kind, \
         anchor, anchor_label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(c.request_id)
    .bind(c.author_id)
    .bind(c.body)
    .bind(c.revision)
    .bind(c.anchor.map(|a| a.0))
    .bind(c.anchor.map(|a| a.1))
    .bind(c.anchor.map(|a| a.2))
    .bind(clock::now_text())
    .fetch_one(conn)
    .await
    .context("recording a comment")
}
