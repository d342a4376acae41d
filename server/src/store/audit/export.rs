//! The audit log exported for an auditor: every entry from a point in time on, as JSON Lines
//! (a first line naming the format and the first keyed entry, then one entry a line, each
//! with every column its hash covers and the hash itself, so the chain can be checked
//! offline: `scripts/verify-audit-export.py`) or as CSV. Entries are read one at a time from
//! the database and written as they come: memory stays flat whatever the log's size.

use std::io::Write;

use anyhow::Context;
use futures_util::TryStreamExt;

use super::Row;
use crate::db::Db;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines: a header line, then one entry a line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

const COLUMNS: [&str; 14] = [
    "id",
    "at",
    "actor_id",
    "actor_name",
    "address",
    "action",
    "object_kind",
    "object_id",
    "design_id",
    "target",
    "summary",
    "details",
    "prev_hash",
    "hash",
];

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_line(r: &Row) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(csv_field).unwrap_or_default();
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    [
        r.id.to_string(),
        csv_field(&r.at),
        num(r.actor_id),
        opt(&r.actor_name),
        opt(&r.address),
        csv_field(&r.action),
        opt(&r.object_kind),
        opt(&r.object_id),
        num(r.design_id),
        opt(&r.target),
        csv_field(&r.summary),
        csv_field(&r.details),
        r.prev_hash.clone(),
        r.hash.clone(),
    ]
    .join(",")
}

fn json_line(r: &Row) -> String {
    serde_json::json!({
        "id": r.id,
        "at": r.at,
        "actor_id": r.actor_id,
        "actor_name": r.actor_name,
        "address": r.address,
        "action": r.action,
        "object_kind": r.object_kind,
        "object_id": r.object_id,
        "design_id": r.design_id,
        "target": r.target,
        "summary": r.summary,
        "details": r.details,
        "prev_hash": r.prev_hash,
        "hash": r.hash,
    })
    .to_string()
}

/// Writes every entry stamped at or after `since` (an RFC 3339 time as the log writes them;
/// `None`: all), oldest first; returns how many.
pub async fn export(
    db: &Db,
    format: Format,
    since: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    match format {
        Format::Jsonl => writeln!(
            out,
            "{}",
            serde_json::json!({
                "bulkhead_audit_export": 1,
                "keyed_since": db.audit.keyed_since(),
                "since": since,
            })
        ),
        Format::Csv => writeln!(out, "{}", COLUMNS.join(",")),
    }
    .context("writing the export")?;
    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT * FROM audit_log WHERE (?1 IS NULL OR at >= ?1) ORDER BY id",
    )
    .bind(since)
    .fetch(&db.read);
    let mut count = 0u64;
    while let Some(r) = rows.try_next().await.context("reading the audit log")? {
        let line = match format {
            Format::Jsonl => json_line(&r),
            Format::Csv => csv_line(&r),
        };
        writeln!(out, "{line}").context("writing the export")?;
        count += 1;
    }
    out.flush().context("writing the export")?;
    Ok(count)
}
