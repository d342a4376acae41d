//! One job at a time per engine, whoever starts it (the browser, the schedule, the command
//! line): the lock is a row in the database, taken with a holder's description, kept alive
//! while the job runs, and given back at the end; a holder that dies stops renewing it and
//! it expires.

use std::future::Future;
use std::time::Duration;

use crate::clock::{self, Clock};
use crate::db::Db;
use crate::store::engines::{self, EngineRecord, Taken};

/// How often a running job renews its engine lock (well within the lease).
const RENEW_EVERY: Duration = Duration::from_secs(30);

/// Takes `engine`'s lock for `holder` ("apply of three-tier r7 by alice"); the token that
/// renews and releases it, or who holds it, in words.
pub async fn take(
    db: &Db,
    clock: &Clock,
    engine: &EngineRecord,
    holder: &str,
) -> anyhow::Result<Result<String, String>> {
    let mut conn = db.write.acquire().await?;
    Ok(
        match engines::lock(&mut conn, engine.id, holder, clock.unix()).await? {
            Taken::Ours(token) => Ok(token),
            Taken::HeldBy(held) => Err(format!(
                "engine {} is in use: {} (since {}); wait for it to end",
                engine.name,
                held.holder,
                clock::display(&held.acquired_at)
            )),
        },
    )
}

/// Takes `engine`'s lock for `holder` and connects to the engine; gives the lock back when
/// the engine does not answer, saying that nothing was `untouched` ("probed", "removed").
pub async fn take_connected(
    db: &Db,
    clock: &Clock,
    engine: &EngineRecord,
    holder: &str,
    untouched: &str,
) -> anyhow::Result<Result<(String, crate::engine::DockerEngine), String>> {
    let token = match take(db, clock, engine, holder).await? {
        Ok(token) => token,
        Err(held) => return Ok(Err(held)),
    };
    match crate::backend::engine_status::connect(engine).await {
        Ok(docker) => Ok(Ok((token, docker))),
        Err(e) => {
            release(db, engine.id, &token).await;
            Ok(Err(format!(
                "engine {} did not answer ({e}); nothing was {untouched}",
                engine.name
            )))
        }
    }
}

/// Runs `work` while renewing the lock held with `token`.
pub async fn keep_while<F: Future>(
    db: &Db,
    clock: &Clock,
    engine: &EngineRecord,
    token: &str,
    work: F,
) -> F::Output {
    let renewing = async {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            let renewed = async {
                let mut conn = db.write.acquire().await?;
                engines::renew(&mut conn, engine.id, token, clock.unix()).await
            }
            .await;
            match renewed {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    "the lock on engine {} was broken while a job ran",
                    engine.name
                ),
                Err(e) => tracing::warn!("renewing the lock on {} failed: {e:#}", engine.name),
            }
        }
    };
    tokio::select! {
        out = work => out,
        () = renewing => unreachable!("renewing never ends"),
    }
}

/// Gives the engine's lock back (logged, not returned, when that fails: the lease expires).
pub async fn release(db: &Db, engine_id: i64, token: &str) {
    let result = async {
        let mut conn = db.write.acquire().await?;
        engines::unlock(&mut conn, engine_id, token).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!("releasing the lock on engine {engine_id} failed: {e:#}");
    }
}
