//! Quarantine and release as jobs on an engine, from the browser and the command line alike:
//! under the engine's lock, the record of what the container was attached to is written to
//! the database with its audit entry before anything is cut, and release restores exactly
//! that record and closes it, audited too.

use app::model::QuarantineRow;

use crate::clock::Clock;
use crate::db::Db;
use crate::engine::{self, DockerEngine, QuarantineRecord};
use crate::engine_lock;
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};
use crate::store::engines::EngineRecord;
use crate::store::quarantines::{self, NewQuarantine, Recorded};

/// The longest reason a quarantine keeps, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// Where a quarantine or release runs, and who asks.
pub struct On<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub engine: &'a EngineRecord,
    pub docker: &'a DockerEngine,
    pub actor: &'a Actor,
}

impl On<'_> {
    fn who(&self) -> &str {
        self.actor.name.as_deref().unwrap_or("?")
    }

    /// Runs `work` under the engine's lock, held as `what`.
    async fn locked<T>(
        &self,
        what: String,
        work: impl Future<Output = anyhow::Result<Result<T, String>>>,
    ) -> anyhow::Result<Result<T, String>> {
        let token = match engine_lock::take(self.db, self.clock, self.engine, &what).await? {
            Ok(token) => token,
            Err(held) => return Ok(Err(held)),
        };
        let out = engine_lock::keep_while(self.db, self.clock, self.engine, &token, work).await;
        engine_lock::release(self.db, self.engine.id, &token).await;
        out
    }
}

fn networks_of(record: &QuarantineRecord) -> Vec<&str> {
    record.networks.iter().map(|n| n.network.as_str()).collect()
}

impl On<'_> {
    /// The audit entry of a quarantine or a release, in the transaction that records it.
    async fn audit(
        &self,
        tx: &mut sqlx::SqliteConnection,
        action: &str,
        summary: String,
        id: i64,
        record: &QuarantineRecord,
        reason: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut entry = NewEntry::new(self.actor, action, summary)
            .object("quarantine", id)
            .details(serde_json::json!({
                "engine": self.engine.name,
                "container": record.container,
                "networks": networks_of(record),
                "reason": reason,
            }));
        entry.target = Some(&self.engine.name);
        audit::append(tx, &self.db.audit, entry).await?;
        Ok(())
    }
}

fn already(container: &str, q: &QuarantineRow) -> String {
    format!(
        "{container} is already quarantined (since {}, by {}: {}); release it first",
        q.at, q.by, q.reason
    )
}

/// Cuts `container` off every network, for `reason`; what it was on, or why not (outer
/// error: ours; inner: the user's to act on).
pub async fn quarantine(
    on: &On<'_>,
    container: &str,
    reason: &str,
) -> anyhow::Result<Result<QuarantineRecord, String>> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(Err(
            "say why the container is quarantined: the reason is kept in the audit log".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Ok(Err(format!(
            "the reason is longer than {MAX_REASON_CHARS} characters: say it in fewer words (details belong in the incident's own record)"
        )));
    }
    let holder = format!("quarantine of {container} by {}", on.who());
    on.locked(holder, async {
        let record = match engine::snapshot(on.docker, container).await {
            Ok(r) => r,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let mut tx = on.db.write.begin().await?;
        let new = NewQuarantine {
            engine_id: on.engine.id,
            engine_name: &on.engine.name,
            reason,
            record: &record,
            by_id: on.actor.id,
            by: on.who(),
        };
        let id = match quarantines::insert(&mut tx, &new).await? {
            Recorded::New(id) => id,
            Recorded::Already(q) => return Ok(Err(already(container, &q))),
        };
        let summary = format!(
            "quarantined {container} on {} (cut from {}): {reason}",
            on.engine.name,
            networks_of(&record).join(", ")
        );
        on.audit(&mut tx, "engine-quarantine", summary, id, &record, Some(reason))
            .await?;
        // The record is kept before anything is cut: release can always restore.
        tx.commit().await?;
        Ok(engine::isolate(on.docker, &record)
            .await
            .map(|()| record)
            .map_err(|e| {
                format!(
                    "cutting {container} off failed partway ({e}); it is recorded as quarantined: release it to restore what was cut"
                )
            }))
    })
    .await
}

/// Reconnects a quarantined container exactly as recorded and closes its quarantine.
pub async fn release(
    on: &On<'_>,
    container: &str,
) -> anyhow::Result<Result<QuarantineRecord, String>> {
    let holder = format!("release of {container} by {}", on.who());
    on.locked(holder, async {
        let mut conn = on.db.write.acquire().await?;
        let Some((id, record)) = quarantines::record_of(&mut conn, on.engine.id, container).await?
        else {
            return Ok(Err(format!(
                "{container} is not quarantined on {}",
                on.engine.name
            )));
        };
        drop(conn);
        if let Err(e) = engine::restore(on.docker, &record).await {
            return Ok(Err(format!(
                "reconnecting {container} failed ({e}); it stays quarantined: try again"
            )));
        }
        let mut tx = on.db.write.begin().await?;
        quarantines::release(&mut tx, id, on.actor.id, on.who()).await?;
        let summary = format!(
            "released {container} on {} (back on {})",
            on.engine.name,
            networks_of(&record).join(", ")
        );
        on.audit(&mut tx, "engine-release", summary, id, &record, None)
            .await?;
        tx.commit().await?;
        Ok(Ok(record))
    })
    .await
}

/// Moves quarantine records that earlier versions kept as files under `data` into the
/// database, for the engine they were made on; each file moved is renamed `*.moved`. Returns
/// what was moved and what could not be read, in words.
pub async fn adopt_files(
    db: &Db,
    data: &std::path::Path,
    engine: &EngineRecord,
) -> anyhow::Result<Vec<String>> {
    let mut said = Vec::new();
    for (path, read) in engine::legacy_records(data) {
        let record = match read {
            Ok(r) => r,
            Err(e) => {
                said.push(format!(
                    "{} does not read ({e}); left as it is",
                    path.display()
                ));
                continue;
            }
        };
        let mut conn = db.write.acquire().await?;
        let new = NewQuarantine {
            engine_id: engine.id,
            engine_name: &engine.name,
            reason: "recorded by an earlier version of Bulkhead (no reason was asked)",
            record: &record,
            by_id: None,
            by: "earlier version",
        };
        quarantines::insert(&mut conn, &new).await?;
        let moved = path.with_extension("json.moved");
        std::fs::rename(&path, &moved)?;
        said.push(format!(
            "{}: moved into the database ({} renamed {})",
            record.container,
            path.display(),
            moved.display()
        ));
    }
    Ok(said)
}
