//! Retention: entries older than a point in time move out of the database into a compressed
//! JSON Lines file (`audit-archive/audit-FIRST-THROUGH.jsonl.gz` in the data directory), and
//! the chain stays verifiable across the boundary. The file's first line carries the anchor
//! (the hash its first entry links to), its last line the count and the last hash; the
//! database keeps a sealed record (the audit key's MAC) of the newest entry archived, which the
//! first entry kept links to. The newest entry is never archived, so the log never empties.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::export::{Format, line};
use super::{GENESIS, NewEntry, Row, Scope, append};
use crate::db::Db;
use crate::store::Actor;

/// Where archives go, under the data directory.
pub const ARCHIVE_DIR: &str = "audit-archive";

/// Entries read from the database at a time while archiving.
const CHUNK: i64 = 1000;

/// The newest archive's record: the entries up to `through` are in `file`; `last_hash` is
/// entry `through`'s hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Boundary {
    pub through: i64,
    pub last_hash: String,
    pub file: String,
    seal: String,
}

/// The text an archive record's seal covers.
fn sealed_text(through: i64, last_hash: &str) -> String {
    format!("bulkhead audit archive through {through} last {last_hash}")
}

/// The newest archive record, if entries were ever archived; an error when its seal does not
/// hold (the record was written without the audit key).
pub async fn boundary(db: &Db) -> anyhow::Result<Option<Boundary>> {
    let b: Option<Boundary> = sqlx::query_as(
        "SELECT through, last_hash, file, seal FROM audit_archives ORDER BY through DESC LIMIT 1",
    )
    .fetch_optional(&db.read)
    .await
    .context("reading the audit archives")?;
    if let Some(b) = &b
        && db.audit.mac(&sealed_text(b.through, &b.last_hash)) != b.seal
    {
        anyhow::bail!(
            "the record of the archive through entry {} is not sealed with the audit key (it was forged or changed)",
            b.through
        );
    }
    Ok(b)
}

/// What an archive run did.
#[derive(Debug, PartialEq, Eq)]
pub struct Archived {
    pub first: i64,
    pub through: i64,
    pub entries: u64,
    pub file: PathBuf,
}

/// Moves every entry stamped before `before` (a time as the log writes them), but the newest
/// entry and those a forwarding destination has still to send, to a new archive file under
/// `data_dir`, records it and removes those entries, with an `audit-archive` entry by
/// `actor`. `None` when there is nothing to archive.
pub async fn archive(
    db: &Db,
    data_dir: &Path,
    before: &str,
    actor: &Actor,
) -> anyhow::Result<Option<Archived>> {
    let previous = boundary(db).await?;
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&db.read)
        .await
        .context("reading the audit log")?;
    let older: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM audit_log WHERE at < ? AND id < ?")
            .bind(before)
            .bind(newest.unwrap_or(0))
            .fetch_one(&db.read)
            .await
            .context("reading the audit log")?;
    let Some(older) = older else {
        return Ok(None);
    };
    // Nor an entry a forwarding destination has still to send: it would never get it.
    let behind: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT kind, target, delivered_id FROM audit_forwarders WHERE delivered_id < ? ORDER BY delivered_id",
    )
    .bind(older)
    .fetch_all(&db.read)
    .await
    .context("reading the audit forwarding destinations")?;
    let through = behind.first().map_or(older, |b| b.2);
    if through < older {
        let names: Vec<String> = behind
            .iter()
            .map(|(kind, target, _)| match kind.as_str() {
                "http" => "an HTTP endpoint".to_owned(),
                _ => format!("{kind} {target}"),
            })
            .collect();
        let said = format!(
            "entries {} to {older} are kept until forwarding sends them, to {}: fix or remove the destination on the forwarding page (/admin/forwarding)",
            through + 1,
            names.join(", ")
        );
        if through < previous.as_ref().map_or(1, |b| b.through + 1) {
            anyhow::bail!("nothing archived: {said}");
        }
        tracing::warn!("archiving less than asked: {said}");
    }
    let first = previous.as_ref().map_or(1, |b| b.through + 1);
    let anchor = previous
        .as_ref()
        .map_or(GENESIS.to_owned(), |b| b.last_hash.clone());
    let dir = data_dir.join(ARCHIVE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = format!("audit-{first}-{through}.jsonl.gz");
    let path = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    // Entries up to `through` never change (the log is append-only): written first, then
    // removed in one transaction with the record that lets them go.
    let (entries, last_hash) = write_file(db, &partial, first, through, &anchor).await?;
    std::fs::rename(&partial, &path).with_context(|| format!("naming {}", path.display()))?;

    let mut tx = db.write.begin().await.context("starting a transaction")?;
    // Another archive run (the daily one, the command line) may have gone first.
    let newest_archived: Option<i64> =
        sqlx::query_scalar("SELECT MAX(through) FROM audit_archives")
            .fetch_one(&mut *tx)
            .await
            .context("reading the audit archives")?;
    if newest_archived != previous.as_ref().map(|b| b.through) {
        drop(tx);
        let _ = std::fs::remove_file(&path);
        anyhow::bail!(
            "another archive of the audit log ran at the same time; nothing was moved, run it again"
        );
    }
    sqlx::query(
        "INSERT INTO audit_archives (through, last_hash, entries, file, archived_at, seal) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(through)
    .bind(&last_hash)
    .bind(entries as i64)
    .bind(&name)
    .bind(crate::clock::now_text())
    .bind(db.audit.mac(&sealed_text(through, &last_hash)))
    .execute(&mut *tx)
    .await
    .context("recording the archive")?;
    sqlx::query("DELETE FROM audit_log WHERE id <= ?")
        .bind(through)
        .execute(&mut *tx)
        .await
        .context("removing the archived entries")?;
    let entry = NewEntry::new(
        actor,
        "audit-archive",
        format!("archived audit entries {first} to {through} (before {before}) to {name}"),
    )
    .details(serde_json::json!({
        "first": first,
        "through": through,
        "entries": entries,
        "last_hash": last_hash,
        "file": name,
    }));
    append(&mut tx, &db.audit, entry).await?;
    tx.commit().await.context("committing the archive")?;
    Ok(Some(Archived {
        first,
        through,
        entries,
        file: path,
    }))
}

/// Writes entries `first..=through` to `path`, compressed, header and closing line included;
/// returns how many and the last one's hash.
async fn write_file(
    db: &Db,
    path: &Path,
    first: i64,
    through: i64,
    anchor: &str,
) -> anyhow::Result<(u64, String)> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = GzEncoder::new(std::io::BufWriter::new(file), Compression::default());
    let header = serde_json::json!({
        "bulkhead_audit_archive": 1,
        "keyed_since": db.audit.keyed_since(),
        "first": first,
        "through": through,
        "anchor": anchor,
    });
    writeln!(out, "{header}")?;
    let (mut count, mut last_hash, mut after) = (0u64, anchor.to_owned(), first - 1);
    loop {
        let rows: Vec<Row> =
            sqlx::query_as("SELECT * FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?")
                .bind(after)
                .bind(through)
                .bind(CHUNK)
                .fetch_all(&db.read)
                .await
                .context("reading the entries to archive")?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in &rows {
            writeln!(out, "{}", line(Format::Jsonl, r, Scope::Everything))?;
            count += 1;
        }
        last_hash = last.hash.clone();
    }
    let end = serde_json::json!({ "end": true, "entries": count, "last_hash": last_hash });
    writeln!(out, "{end}")?;
    let file = out
        .finish()?
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?;
    file.sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok((count, last_hash))
}
