//! `bulkhead audit verify`: check the audit log's keyed hash chain and its signed checkpoints.

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
}

pub async fn run(cmd: AuditCommand) -> ExitCode {
    let AuditCommand::Verify { data } = cmd;
    if !data.dir.join("bulkhead.db").is_file() {
        return fail(format!(
            "there is no Bulkhead database in {}; pass the right --data directory",
            data.dir.display()
        ));
    }
    let db = match Db::open(&data.dir).await {
        Ok(db) => db,
        Err(e) => return fail(e),
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
