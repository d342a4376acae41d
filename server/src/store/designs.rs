//! Designs and their revisions. A revision is never changed: every save appends one.

use crate::clock;
use anyhow::Context;
use app::model::{DesignSummary, RevisionInfo};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, Debug, FromRow)]
pub struct DesignRecord {
    pub id: i64,
    pub name: String,
    pub head: i64,
    pub deleted_at: Option<String>,
}

#[derive(Clone, Debug, FromRow)]
pub struct RevisionRecord {
    pub number: i64,
    pub document: String,
    pub layout: String,
    pub author: String,
    pub created_at: String,
    pub message: String,
    /// What it changed, when the query reads it.
    #[sqlx(default)]
    pub summary: Option<String>,
}

impl RevisionRecord {
    pub fn info(&self) -> RevisionInfo {
        RevisionInfo {
            number: self.number,
            author: self.author.clone(),
            created_at: clock::display(&self.created_at),
            message: self.message.clone(),
            summary: self.summary.clone(),
        }
    }
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    head: i64,
    deleted: bool,
    created_at: String,
    author: String,
}

pub async fn list(pool: &SqlitePool, include_deleted: bool) -> anyhow::Result<Vec<DesignSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT d.id, d.name, d.head, d.deleted_at IS NOT NULL AS deleted, r.created_at, u.name AS author \
         FROM designs d JOIN revisions r ON r.design_id = d.id AND r.number = d.head \
         JOIN users u ON u.id = r.author_id \
         WHERE ?1 OR d.deleted_at IS NULL ORDER BY d.name",
    )
    .bind(include_deleted)
    .fetch_all(pool)
    .await
    .context("listing designs")?;
    Ok(rows
        .into_iter()
        .map(|r| DesignSummary {
            id: r.id,
            name: r.name,
            revision: r.head,
            updated_at: clock::display(&r.created_at),
            updated_by: r.author,
            deleted: r.deleted,
            alerts: Vec::new(),
        })
        .collect())
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<DesignRecord>> {
    sqlx::query_as("SELECT id, name, head, deleted_at FROM designs WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("reading a design")
}

/// Whether a live design other than `except` has this name.
pub async fn name_taken(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<i64>,
) -> anyhow::Result<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM designs WHERE name = ? AND deleted_at IS NULL AND id IS NOT ?",
    )
    .bind(name)
    .bind(except)
    .fetch_optional(conn)
    .await
    .context("checking the design name")?;
    Ok(id.is_some())
}

pub async fn revision(
    conn: &mut SqliteConnection,
    id: i64,
    number: i64,
) -> anyhow::Result<Option<RevisionRecord>> {
    sqlx::query_as(
        "SELECT r.number, r.document, r.layout, u.name AS author, r.created_at, r.message \
         FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.design_id = ? AND r.number = ?",
    )
    .bind(id)
    .bind(number)
    .fetch_optional(conn)
    .await
    .context("reading a revision")
}

/// Revisions newest first; those after `after` only, when given.
pub async fn history(
    conn: &mut SqliteConnection,
    id: i64,
    after: Option<i64>,
) -> anyhow::Result<Vec<RevisionInfo>> {
    let rows: Vec<RevisionRecord> = sqlx::query_as(
        "SELECT r.number, '' AS document, '' AS layout, u.name AS author, r.created_at, r.message, \
         s.summary FROM revisions r JOIN users u ON u.id = r.author_id \
         LEFT JOIN revision_summaries s ON s.design_id = r.design_id AND s.number = r.number \
         WHERE r.design_id = ? AND r.number > ? ORDER BY r.number DESC",
    )
    .bind(id)
    .bind(after.unwrap_or(0))
    .fetch_all(conn)
    .await
    .context("reading the history")?;
    Ok(rows.iter().map(RevisionRecord::info).collect())
}

/// Creates a design with its first revision.
pub async fn create(
    conn: &mut SqliteConnection,
    name: &str,
    document: &str,
    author: i64,
    message: &str,
) -> anyhow::Result<i64> {
    let now = clock::now_text();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO designs (name, head, created_at, created_by) VALUES (?, 1, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(&now)
    .bind(author)
    .fetch_one(&mut *conn)
    .await
    .context("inserting a design")?;
    insert_revision(conn, id, 1, document, "{}", author, message).await?;
    Ok(id)
}

async fn insert_revision(
    conn: &mut SqliteConnection,
    id: i64,
    number: i64,
    document: &str,
    layout: &str,
    author: i64,
    message: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO revisions (design_id, number, document, layout, author_id, created_at, message) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(number)
    .bind(document)
    .bind(layout)
    .bind(author)
    .bind(clock::now_text())
    .bind(message)
    .execute(conn)
    .await
    .context("inserting a revision")?;
    Ok(())
}

/// Appends revision `head + 1` and moves the head (and the name, which the document carries).
pub async fn append_revision(
    conn: &mut SqliteConnection,
    d: &DesignRecord,
    name: &str,
    document: &str,
    layout: &str,
    author: i64,
    message: &str,
) -> anyhow::Result<i64> {
    let number = d.head + 1;
    insert_revision(conn, d.id, number, document, layout, author, message).await?;
    sqlx::query("UPDATE designs SET head = ?, name = ? WHERE id = ?")
        .bind(number)
        .bind(name)
        .bind(d.id)
        .execute(conn)
        .await
        .context("moving the design's head")?;
    Ok(number)
}

pub async fn set_deleted(
    conn: &mut SqliteConnection,
    id: i64,
    by: Option<i64>,
) -> anyhow::Result<()> {
    let at = by.map(|_| clock::now_text());
    sqlx::query("UPDATE designs SET deleted_at = ?, deleted_by = ? WHERE id = ?")
        .bind(at)
        .bind(by)
        .bind(id)
        .execute(conn)
        .await
        .context("marking a design deleted")?;
    Ok(())
}

/// The live design called `name`, if there is one.
pub async fn live_by_name(conn: &mut SqliteConnection, name: &str) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM designs WHERE name = ? AND deleted_at IS NULL")
        .bind(name)
        .fetch_optional(conn)
        .await
        .context("finding a design by name")
}

/// The revisions of a design whose summary is not worked out yet, each with its document
/// and the one before it (`None` for the first), oldest first, at most `limit`.
pub async fn unsummarised(
    conn: &mut SqliteConnection,
    id: i64,
    limit: i64,
) -> anyhow::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT r.number, r.document, p.document FROM revisions r \
         LEFT JOIN revisions p ON p.design_id = r.design_id AND p.number = r.number - 1 \
         LEFT JOIN revision_summaries s ON s.design_id = r.design_id AND s.number = r.number \
         WHERE r.design_id = ? AND s.summary IS NULL ORDER BY r.number LIMIT ?",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await
    .context("reading revisions without a summary")
}

/// Keeps worked-out summaries (a summary once kept is never replaced).
pub async fn keep_summaries(
    conn: &mut SqliteConnection,
    id: i64,
    summaries: &[(i64, String)],
) -> anyhow::Result<()> {
    for (number, summary) in summaries {
        sqlx::query(
            "INSERT OR IGNORE INTO revision_summaries (design_id, number, summary) VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(number)
        .bind(summary)
        .execute(&mut *conn)
        .await
        .context("keeping a revision's summary")?;
    }
    Ok(())
}

/// The authors of the revisions numbered after `after`, up to `upto`.
pub async fn authors_between(
    conn: &mut SqliteConnection,
    id: i64,
    after: i64,
    upto: i64,
) -> anyhow::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT DISTINCT author_id FROM revisions WHERE design_id = ? AND number > ? AND number <= ?",
    )
    .bind(id)
    .bind(after)
    .bind(upto)
    .fetch_all(conn)
    .await
    .context("reading who wrote a change")
}
