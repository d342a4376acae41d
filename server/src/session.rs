//! What a session holds, and how it is checked on every request: the user must still exist
//! and be enabled, the session must carry the user's current epoch, and neither the idle nor
//! the absolute timeout may have passed.

use crate::config::Config;
use crate::db::Db;
use crate::store::users::{self, UserRecord};
use anyhow::Context;
use tower_sessions::Session;

const USER: &str = "uid";
const EPOCH: &str = "epoch";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";

/// How stale `seen_at` may get before it is written again (bounds session writes).
const TOUCH_EVERY_SECS: i64 = 60;

/// Starts a session for `user` at `now` (seconds since the epoch) under a new id, so a
/// planted id is worthless.
pub async fn begin(session: &Session, user: &UserRecord, now: i64) -> anyhow::Result<()> {
    session
        .cycle_id()
        .await
        .context("renewing the session id")?;
    session.clear().await;
    session
        .insert(USER, user.id)
        .await
        .context("writing the session")?;
    session
        .insert(EPOCH, user.session_epoch)
        .await
        .context("writing the session")?;
    session
        .insert(SIGNED_IN_AT, now)
        .await
        .context("writing the session")?;
    session
        .insert(SEEN_AT, now)
        .await
        .context("writing the session")?;
    Ok(())
}

/// Ends the session and deletes it on the server.
pub async fn end(session: &Session) -> anyhow::Result<()> {
    session.flush().await.context("deleting the session")
}

/// The user this session belongs to, if it is still valid; ends it otherwise.
pub async fn user(
    db: &Db,
    config: &Config,
    session: &Session,
) -> anyhow::Result<Option<UserRecord>> {
    let Some(uid) = session
        .get::<i64>(USER)
        .await
        .context("reading the session")?
    else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(EPOCH)
        .await
        .context("reading the session")?;
    let signed_in = session
        .get::<i64>(SIGNED_IN_AT)
        .await
        .context("reading the session")?
        .unwrap_or(0);
    let seen = session
        .get::<i64>(SEEN_AT)
        .await
        .context("reading the session")?
        .unwrap_or(0);
    let now = config.clock.unix();
    let mut conn = db
        .read
        .acquire()
        .await
        .context("opening a database connection")?;
    let user = users::by_id(&mut conn, uid).await?;
    let valid = match &user {
        Some(u) => {
            !u.disabled
                && Some(u.session_epoch) == epoch
                && now - signed_in < config.absolute_timeout.as_secs() as i64
                && now - seen < config.idle_timeout.as_secs() as i64
        }
        None => false,
    };
    if !valid {
        end(session).await?;
        return Ok(None);
    }
    if now - seen >= TOUCH_EVERY_SECS {
        // Modifying the session makes the layer save it, which also renews its expiry.
        session
            .insert(SEEN_AT, now)
            .await
            .context("writing the session")?;
    }
    Ok(user)
}
