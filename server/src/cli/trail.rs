//! The trail the engine commands leave in Bulkhead's data directory (`--data`), so that what
//! the command line does shows where the web shows it: the engine it used as registered
//! there (`local` is registered for the default socket when missing), the engine's lock for
//! the length of the job (shared with the web server), and the deployment with its audit
//! entry, done by `cli:<operating system user>`.

use std::path::{Path, PathBuf};

use crate::db::Db;
use crate::engine::DockerEngine;
use crate::engine_endpoint::LOCAL_SOCKET;
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};
use crate::store::engines::{self, EngineRecord};
use crate::store::live;

/// The data directory's database and the engine as registered there.
pub struct Trail {
    pub db: Db,
    pub dir: PathBuf,
    pub engine: EngineRecord,
    pub actor: Actor,
}

/// The operating system user running the command, as the audit log names it.
pub fn actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| format!("uid {}", rustix::process::getuid().as_raw()));
    Actor {
        id: None,
        name: Some(format!("cli:{user}")),
        address: None,
    }
}

impl Trail {
    /// Opens the trail in `dir`: `None` when it holds no Bulkhead database (the command then
    /// works unrecorded, and says so); an error when the engine used is not registered there
    /// (and is not the default socket, which is registered as `local`).
    pub async fn open(dir: &Path, docker: &DockerEngine) -> Result<Option<Trail>, String> {
        if !dir.join(crate::db::DB_FILE).exists() {
            return Ok(None);
        }
        Self::create(dir, docker).await.map(Some)
    }

    /// Opens the trail in `dir`, creating Bulkhead's database there when there is none (for
    /// the commands that cannot work unrecorded: a quarantine must be kept for its release).
    pub async fn create(dir: &Path, docker: &DockerEngine) -> Result<Trail, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let db = Db::open(dir)
            .await
            .map_err(|e| format!("opening Bulkhead's database in {}: {e}", dir.display()))?;
        let actor = actor();
        let host = docker.info().host.clone();
        let found = engines::list(&db.read)
            .await
            .map_err(|e| format!("{e:#}"))?
            .into_iter()
            .find(|e| e.endpoint == host);
        let engine = match found {
            Some(engine) => engine,
            None if host == LOCAL_SOCKET => crate::local_engine::register(
                &db,
                &actor,
                "This host's Docker engine, registered by the command line.",
                "from the command line",
            )
            .await
            .map_err(|e| format!("registering the local engine: {e:#}"))?
            .ok_or_else(|| {
                format!(
                    "an engine named local is registered at another endpoint in {}; rename it on the engines page",
                    dir.display()
                )
            })?,
            None => {
                return Err(format!(
                    "the engine at {host} is not registered in {}: an admin registers it on the engines page, so that its jobs are locked and recorded",
                    dir.display()
                ));
            }
        };
        Ok(Trail {
            db,
            dir: dir.to_owned(),
            engine,
            actor,
        })
    }

    /// Takes the engine's lock for `operation` of `design`, or says who holds it (and
    /// records the refusal).
    pub async fn lock(&self, operation: &str, design: &str) -> Result<String, String> {
        let holder = format!(
            "{operation} of {design} (command line) by {}",
            self.actor.name.as_deref().unwrap_or("cli")
        );
        let taken = crate::engine_lock::take(
            &self.db,
            &crate::clock::Clock::system(),
            &self.engine,
            &holder,
        )
        .await
        .map_err(|e| format!("{e:#}"))
        .and_then(|r| r);
        if let Err(why) = &taken {
            self.refused(operation, design, why).await;
        }
        taken
    }

    /// The engine's approvals on the command line: none asked, or an override with its
    /// written reason (recorded); else the apply belongs in a change request (and the
    /// refusal is recorded).
    pub async fn gate<'a>(
        &self,
        design: &str,
        given: Option<&'a str>,
    ) -> Result<Option<&'a str>, String> {
        let gated = match (self.engine.approvals_required, given) {
            (0, _) => Ok(None),
            (_, Some(reason)) => crate::requests::override_reason(reason).map(Some),
            (n, None) => Err(format!(
                "engine {} asks for {n} approval(s) before an apply: propose the design in a change request in the web app (or with bulkhead request open) and apply it there once approved, or pass --override REASON, which is recorded as an override",
                self.engine.name
            )),
        };
        if let Err(why) = &gated {
            self.refused("apply", design, why).await;
        }
        gated
    }

    /// Records that the command line was refused `operation` of `design` on the engine, as
    /// the server records its refusals (`engine-refused`); a refusal that cannot be
    /// recorded is said on standard error.
    async fn refused(&self, operation: &str, design: &str, why: &str) {
        let design_id = match self.db.read.acquire().await {
            Ok(mut conn) => crate::store::designs::live_by_name(&mut conn, design)
                .await
                .ok()
                .flatten(),
            Err(_) => None,
        };
        let mut entry = NewEntry::new(
            &self.actor,
            "engine-refused",
            format!(
                "{operation} of {design} on {} refused (command line): {why}",
                self.engine.name
            ),
        )
        .details(serde_json::json!({
            "operation": operation,
            "engine": self.engine.name,
            "reason": why,
            "from": "command line",
        }));
        entry = match design_id {
            Some(id) => entry.design(id),
            None => entry.object("engine", self.engine.id),
        };
        entry.target = Some(&self.engine.name);
        if let Err(e) = audit::append_alone(&self.db, entry).await {
            eprintln!("bulkhead: recording the refusal in the audit log failed: {e:#}");
        }
    }
}

/// `bulkhead drift --engine NAME --data DIR`: every design live on a registered engine
/// against the revision last applied there, recorded like the server's checks; exit 1 when
/// one drifts or cannot be read, 2 when the command cannot run.
pub async fn drift_on(name: &str, dir: &Path) -> std::process::ExitCode {
    use std::process::ExitCode;
    if !dir.join(crate::db::DB_FILE).exists() {
        return crate::cli::fail(format!(
            "no Bulkhead database in {}: --engine compares with what was applied through Bulkhead; pass --data DIR, or a design file instead",
            dir.display()
        ));
    }
    let db = match Db::open(dir).await {
        Ok(db) => db,
        Err(e) => {
            return crate::cli::fail(format!(
                "opening Bulkhead's database in {}: {e}",
                dir.display()
            ));
        }
    };
    let engines = match engines::list(&db.read).await {
        Ok(list) => list,
        Err(e) => return crate::cli::fail(format!("{e:#}")),
    };
    let Some(engine) = engines
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
    else {
        return crate::cli::fail(format!(
            "no engine named {name} is registered in {}; the engines page lists them",
            dir.display()
        ));
    };
    let rows = match live::list(&db.read, None, Some(engine.id)).await {
        Ok(rows) => rows,
        Err(e) => return crate::cli::fail(format!("{e:#}")),
    };
    if rows.is_empty() {
        println!("nothing is live on {} through Bulkhead", engine.name);
        return ExitCode::SUCCESS;
    }
    let actor = actor();
    let mut clean = true;
    for row in rows {
        match crate::watch::drift::check_pair(&db, &actor, row.design_id, &engine).await {
            Ok(Ok(view)) => {
                let state = view.state.as_str();
                println!(
                    "{} r{} on {}: {state} ({} difference(s))",
                    row.design,
                    view.revision,
                    engine.name,
                    view.differences.len()
                );
                for d in &view.differences {
                    println!("  {d}");
                }
                clean &= view.state == app::model::DriftState::InSync;
            }
            Ok(Err(why)) => {
                println!("{}: {why}", row.design);
                clean = false;
            }
            Err(e) => return crate::cli::fail(format!("{e:#}")),
        }
    }
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
