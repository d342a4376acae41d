//! `bulkhead audit verify`: check the audit log's keyed hash chain and its signed checkpoints;
//! `bulkhead audit export`: the log for an auditor, as JSON Lines or CSV;
//! `bulkhead audit archive`: retention, the older entries moved to a compressed file.

use super::{DataArg, fail};
use crate::db::Db;
use crate::store::audit::{self, Verdict};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Check that no audit entry was changed, removed or inserted.
    Verify {
        #[command(flatten)]
        data: DataArg,
    },
    /// Write the audit log to standard output, oldest first, with each entry's hash (check a
    /// JSON Lines export offline with scripts/verify-audit-export.py).
    Export {
        /// jsonl (a header line, then one entry a line) or csv.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: audit::export::Format,
        /// Only entries from this day (2026-12-01) or time (2026-12-01T08:00:00Z) on.
        #[arg(long, value_parser = parse_since)]
        since: Option<String>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Move the entries stamped before a day or time (all but the newest entry) to a
    /// compressed file in DATA/audit-archive; the chain stays checkable across it.
    Archive {
        /// Entries stamped before this day (2026-01-01) or time (2026-01-01T00:00:00Z).
        #[arg(long, value_parser = parse_since)]
        before: String,
        #[command(flatten)]
        data: DataArg,
    },
}

/// A day or an RFC 3339 time, as the text the log's times compare with.
fn parse_since(text: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if time::Date::parse(text, &day).is_ok() {
        return Ok(text.to_owned());
    }
    time::OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .unwrap_or_else(|_| text.to_owned())
        })
        .map_err(|_| {
            format!("{text:?} is neither a day (2026-12-01) nor a time (2026-12-01T08:00:00Z)")
        })
}

async fn open(data: &DataArg) -> Result<Db, ExitCode> {
    if !data.dir.join("bulkhead.db").is_file() {
        return Err(fail(format!(
            "there is no Bulkhead database in {}; pass the right --data directory",
            data.dir.display()
        )));
    }
    Db::open(&data.dir).await.map_err(fail)
}

pub async fn run(cmd: AuditCommand) -> ExitCode {
    let data = match cmd {
        AuditCommand::Verify { data } => data,
        AuditCommand::Archive { before, data } => {
            let db = match open(&data).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let actor = super::trail::actor();
            return match audit::archive::archive(&db, &data.dir, &before, &actor).await {
                Ok(Some(a)) => {
                    if let Err(e) = audit::checkpoint_since(&db, 0).await {
                        return fail(format!("{e:#}"));
                    }
                    println!(
                        "archived {} audit entries ({} to {}) to {}",
                        a.entries,
                        a.first,
                        a.through,
                        a.file.display()
                    );
                    ExitCode::SUCCESS
                }
                Ok(None) => {
                    println!(
                        "nothing to archive: no entry but the newest is stamped before {before}"
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("{e:#}")),
            };
        }
        AuditCommand::Export {
            format,
            since,
            data,
        } => {
            let db = match open(&data).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            return match audit::export::export(&db, format, since.as_deref(), &mut out).await {
                Ok(count) => {
                    eprintln!("exported {count} audit entries");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("{e:#}")),
            };
        }
    };
    let db = match open(&data).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    match audit::verify(&db).await {
        Ok(Verdict::Intact {
            entries,
            checkpoint,
        }) => {
            println!(
                "audit log intact: {entries} entries, every keyed hash matches, and the newest signed checkpoint (entry {checkpoint}) matches the log"
            );
            ExitCode::SUCCESS
        }
        Ok(Verdict::Broken { id: 0, reason }) => {
            println!("audit log BROKEN: {reason}");
            ExitCode::FAILURE
        }
        Ok(Verdict::Broken { id, reason }) => {
            println!("audit log BROKEN at entry {id}: {reason}");
            ExitCode::FAILURE
        }
        Err(e) => fail(format!("{e:#}")),
    }
}
