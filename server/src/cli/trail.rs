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
use crate::store::engines::{self, EngineRecord, Taken};

/// The data directory's database and the engine as registered there.
pub struct Trail {
    pub db: Db,
    pub dir: PathBuf,
    pub engine: EngineRecord,
    pub actor: Actor,
}

/// The operating system user running the command, as the audit log names it.
fn actor() -> Actor {
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
        if !dir.join("bulkhead.db").exists() {
            return Ok(None);
        }
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
        Ok(Some(Trail {
            db,
            dir: dir.to_owned(),
            engine,
            actor,
        }))
    }

    /// Takes the engine's lock for `what`, or says who holds it.
    pub async fn lock(&self, what: &str) -> Result<String, String> {
        let holder = format!("{what} by {}", self.actor.name.as_deref().unwrap_or("cli"));
        let now = crate::clock::Clock::system().unix();
        let mut conn = self.db.write.acquire().await.map_err(|e| e.to_string())?;
        match engines::lock(&mut conn, self.engine.id, &holder, now)
            .await
            .map_err(|e| format!("{e:#}"))?
        {
            Taken::Ours(token) => Ok(token),
            Taken::HeldBy(held) => Err(format!(
                "engine {} is in use: {} (since {}); wait for it to end",
                self.engine.name,
                held.holder,
                crate::clock::display(&held.acquired_at)
            )),
        }
    }
}
