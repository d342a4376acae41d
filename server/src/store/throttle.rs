//! Sign-in throttling: after 5 failures for one user name or one client address within
//! 15 minutes, further attempts are refused until that window has passed.

use anyhow::Context;
use sqlx::{SqliteConnection, SqlitePool};

/// Failures that lock a name or an address.
pub const MAX_FAILURES: i64 = 5;
/// The window, and how long the lock lasts.
pub const WINDOW_SECS: i64 = 15 * 60;

/// When the lock on this name or address ends, if one is in force at `now`.
pub async fn locked_until(
    pool: &SqlitePool,
    name: &str,
    address: &str,
    now: i64,
) -> anyhow::Result<Option<i64>> {
    let since = now - WINDOW_SECS;
    let mut until = None;
    for (column, value) in [("name", name), ("address", address)] {
        // The MAX_FAILURES-th most recent failure in the window starts the lock.
        let sql = format!(
            "SELECT at FROM login_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
        );
        let nth: Option<i64> = sqlx::query_scalar(&sql)
            .bind(value)
            .bind(since)
            .bind(MAX_FAILURES - 1)
            .fetch_optional(pool)
            .await
            .context("reading sign-in failures")?;
        if let Some(at) = nth {
            let newest: i64 = sqlx::query_scalar(&format!(
                "SELECT MAX(at) FROM login_failures WHERE {column} = ?"
            ))
            .bind(value)
            .fetch_one(pool)
            .await
            .context("reading sign-in failures")?;
            let end = newest.max(at) + WINDOW_SECS;
            until = Some(until.map_or(end, |u: i64| u.max(end)));
        }
    }
    Ok(until)
}

pub async fn record_failure(
    conn: &mut SqliteConnection,
    name: &str,
    address: &str,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO login_failures (at, name, address) VALUES (?, ?, ?)")
        .bind(now)
        .bind(name)
        .bind(address)
        .execute(&mut *conn)
        .await
        .context("recording a sign-in failure")?;
    sqlx::query("DELETE FROM login_failures WHERE at < ?")
        .bind(now - 24 * 3600)
        .execute(conn)
        .await
        .context("forgetting old sign-in failures")?;
    Ok(())
}
