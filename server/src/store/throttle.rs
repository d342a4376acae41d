//! Sign-in throttling. After 5 failures of one user name from one client address within 15
//! minutes, that pair is locked until the window has passed; after 20 failures from one
//! address whatever the names, the address is. A name alone is never locked, so nobody can
//! lock `admin` out for everyone by failing on purpose from elsewhere.
//!
//! An attempt is recorded as a failure before its password is checked, in the same write
//! transaction as the check of the lock ([`begin_attempt`]), and forgotten when it succeeds:
//! a burst of parallel guesses cannot get more than 5 past the lock.

use anyhow::Context;
use sqlx::SqliteConnection;

/// Failures of one name from one address that lock the pair.
pub const MAX_FAILURES: i64 = 5;
/// Failures from one address, whatever the names, that lock the address.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
/// The window, and how long the lock lasts.
pub const WINDOW_SECS: i64 = 15 * 60;

/// When the `limit`-th most recent failure matching `filter` within the window at `now`
/// exists, the end of the lock it starts (the newest matching failure plus the window).
async fn lock_end(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: &[&str],
    limit: i64,
    now: i64,
) -> anyhow::Result<Option<i64>> {
    let sql = format!(
        "SELECT at FROM login_failures WHERE {filter} AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    let nth = q
        .bind(now - WINDOW_SECS)
        .bind(limit - 1)
        .fetch_optional(&mut *conn)
        .await
        .context("reading sign-in failures")?;
    if nth.is_none() {
        return Ok(None);
    }
    let sql = format!("SELECT MAX(at) FROM login_failures WHERE {filter}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    let newest = q
        .fetch_one(&mut *conn)
        .await
        .context("reading sign-in failures")?;
    Ok(Some(newest + WINDOW_SECS))
}

/// When the lock on this name from this address, or on this address, ends, if one is in
/// force at `now`.
pub async fn locked_until(
    conn: &mut SqliteConnection,
    name: &str,
    address: &str,
    now: i64,
) -> anyhow::Result<Option<i64>> {
    let pair = lock_end(
        conn,
        "name = ? AND address = ?",
        &[name, address],
        MAX_FAILURES,
        now,
    )
    .await?;
    let whole = lock_end(conn, "address = ?", &[address], MAX_ADDRESS_FAILURES, now).await?;
    Ok(pair.max(whole))
}

/// An attempt let through the lock, recorded as a failure until [`forget`] says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt(i64);

/// In one write transaction: refuses the attempt with the lock's end when the pair or the
/// address is locked, else records it as a failure.
pub async fn begin_attempt(
    conn: &mut SqliteConnection,
    name: &str,
    address: &str,
    now: i64,
) -> anyhow::Result<Result<Attempt, i64>> {
    if let Some(until) = locked_until(conn, name, address, now).await? {
        return Ok(Err(until));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO login_failures (at, name, address) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(now)
    .bind(name)
    .bind(address)
    .fetch_one(&mut *conn)
    .await
    .context("recording a sign-in attempt")?;
    sqlx::query("DELETE FROM login_failures WHERE at < ?")
        .bind(now - 24 * 3600)
        .execute(conn)
        .await
        .context("forgetting old sign-in failures")?;
    Ok(Ok(Attempt(id)))
}

/// The attempt succeeded: it is not a failure.
pub async fn forget(conn: &mut SqliteConnection, attempt: Attempt) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE id = ?")
        .bind(attempt.0)
        .execute(conn)
        .await
        .context("forgetting a sign-in attempt")?;
    Ok(())
}

/// Clears every failure of `name` (an admin clearing a lock, or a password reset); returns
/// how many there were.
pub async fn clear_name(conn: &mut SqliteConnection, name: &str) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM login_failures WHERE name = ?")
        .bind(name)
        .execute(conn)
        .await
        .context("clearing sign-in failures")?;
    Ok(done.rows_affected())
}

/// Failures within the window at `now`, by user name (lower case, as names compare).
pub async fn recent_by_name(
    conn: &mut SqliteConnection,
    now: i64,
) -> anyhow::Result<std::collections::HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT lower(name), COUNT(*) FROM login_failures WHERE at > ? GROUP BY lower(name)",
    )
    .bind(now - WINDOW_SECS)
    .fetch_all(conn)
    .await
    .context("counting sign-in failures")?;
    Ok(rows.into_iter().collect())
}
