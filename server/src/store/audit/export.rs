//! The audit log exported for an auditor: every entry from a point in time on, as JSON Lines
//! (a first line naming the format and the first keyed entry, then one entry a line, each
//! with every column its hash covers and the hash itself, so the chain can be checked
//! offline: `scripts/verify-audit-export.py`) or as CSV. Entries are read one at a time from
//! the database and written as they come: memory stays flat whatever the log's size.

use std::io::Write;

use anyhow::Context;
use futures_util::TryStreamExt;

use super::filter::Criteria;
use super::{Row, Scope};
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

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). A text
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) starts with `'` instead:
/// summaries hold what users wrote. (The JSON Lines export is the one to check hashes with.)
fn csv_field(text: &str) -> String {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_line(r: &Row, scope: Scope) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(csv_field).unwrap_or_default();
    let address = match scope {
        Scope::Everything => opt(&r.address),
        Scope::DesignsAndEngines => String::new(),
    };
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    [
        r.id.to_string(),
        csv_field(&r.at),
        num(r.actor_id),
        opt(&r.actor_name),
        address,
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

pub(super) fn json_line(r: &Row, scope: Scope) -> String {
    let address = match scope {
        Scope::Everything => r.address.as_deref(),
        Scope::DesignsAndEngines => None,
    };
    serde_json::json!({
        "id": r.id,
        "at": r.at,
        "actor_id": r.actor_id,
        "actor_name": r.actor_name,
        "address": address,
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

/// The first line of an export: JSON Lines name the format, the first keyed entry, the view
/// exported and what was withheld from it; CSV names its columns.
pub fn header(format: Format, keyed_since: i64, view: serde_json::Value, scope: Scope) -> String {
    match format {
        Format::Jsonl => {
            let withheld: &[&str] = match scope {
                Scope::Everything => &[],
                Scope::DesignsAndEngines => &["address"],
            };
            serde_json::json!({
                "bulkhead_audit_export": 1,
                "keyed_since": keyed_since,
                "view": view,
                "withheld": withheld,
            })
            .to_string()
        }
        Format::Csv => COLUMNS.join(","),
    }
}

/// One entry as a line of `format` (without its line break).
pub(super) fn line(format: Format, r: &Row, scope: Scope) -> String {
    match format {
        Format::Jsonl => json_line(r, scope),
        Format::Csv => csv_line(r, scope),
    }
}

/// Writes every entry stamped at or after `since` (an RFC 3339 time as the log writes them;
/// `None`: all), oldest first; returns how many.
pub async fn export(
    db: &Db,
    format: Format,
    since: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let view = serde_json::json!({ "since": since });
    writeln!(
        out,
        "{}",
        header(format, db.audit.keyed_since(), view, Scope::Everything)
    )
    .context("writing the export")?;
    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT * FROM audit_log WHERE (?1 IS NULL OR at >= ?1) ORDER BY id",
    )
    .bind(since)
    .fetch(&db.read);
    let (mut count, mut last_hash) = (0u64, None);
    while let Some(r) = rows.try_next().await.context("reading the audit log")? {
        writeln!(out, "{}", line(format, &r, Scope::Everything)).context("writing the export")?;
        count += 1;
        last_hash = Some(r.hash);
    }
    if format == Format::Jsonl {
        writeln!(out, "{}", end_line(count, last_hash.as_deref())).context("writing the export")?;
    }
    out.flush().context("writing the export")?;
    Ok(count)
}

/// The last line of a JSON Lines export: how many entries it holds and the last one's hash,
/// so that an export cut short shows.
fn end_line(count: u64, last_hash: Option<&str>) -> String {
    serde_json::json!({ "end": true, "entries": count, "last_hash": last_hash }).to_string()
}

/// Entries read at a time by a streamed export: the database connection is given back
/// between chunks, so a slow reader holds none.
const CHUNK: i64 = 1000;

/// How long a streamed export waits for its reader to take a line before it gives up.
const STALLED: std::time::Duration = std::time::Duration::from_secs(120);

/// Sends the lines of the entries `criteria` selects, oldest first, header first (and, in
/// JSON Lines, a closing line), each with its line break, to `out` as they are read; stops
/// when the receiver goes away or stalls. Memory stays flat: the channel holds a few lines,
/// the database is read a chunk at a time.
pub async fn stream(
    db: Db,
    format: Format,
    criteria: Criteria,
    out: tokio::sync::mpsc::Sender<Result<String, std::io::Error>>,
) {
    let scope = criteria.scope();
    let view = serde_json::to_value(
        criteria
            .filter()
            .pairs()
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
    .unwrap_or_default();
    let send = |line: Result<String, std::io::Error>| {
        let out = out.clone();
        async move {
            matches!(
                tokio::time::timeout(STALLED, out.send(line)).await,
                Ok(Ok(()))
            )
        }
    };
    if !send(Ok(
        header(format, db.audit.keyed_since(), view, scope) + "\n"
    ))
    .await
    {
        return;
    }
    let (mut count, mut last): (u64, Option<Row>) = (0, None);
    loop {
        let after = last.as_ref().map(|r| r.id);
        let rows: Vec<Row> = match criteria
            .select(false, after, Some(CHUNK))
            .build_query_as()
            .fetch_all(&db.read)
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!("audit export stopped: {e}");
                send(Err(std::io::Error::other("reading the audit log failed"))).await;
                return;
            }
        };
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            if !send(Ok(line(format, r, scope) + "\n")).await {
                return;
            }
            count += 1;
        }
        last = rows.into_iter().last();
    }
    if format == Format::Jsonl {
        send(Ok(
            end_line(count, last.as_ref().map(|r| r.hash.as_str())) + "\n"
        ))
        .await;
    }
}
