//! API tokens: made for a user (shown once, kept as a SHA-256), listed, revoked; and the
//! user a presented token stands for.

use anyhow::Context;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, SqliteConnection};

use super::users::{self, UserRecord};
use crate::clock;

/// What every token starts with, so that one found in a log or a file is recognised.
pub const TOKEN_PREFIX: &str = "bht_";

/// A new token: the prefix and 32 random bytes in hex.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The SHA-256 a token is kept as (a token is random, so a fast hash is enough).
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token's row, with its user's name.
#[derive(Clone, Debug, FromRow)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub user: String,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub last_used_at: Option<String>,
}

/// Makes a token for `user_id`; returns its id and the token (to show once).
pub async fn insert(
    conn: &mut SqliteConnection,
    user_id: i64,
    name: &str,
    created_by: &str,
) -> anyhow::Result<(i64, String)> {
    let token = generate();
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, hash, prefix, created_at, created_by) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(digest(&token))
    .bind(&token[..TOKEN_PREFIX.len() + 8])
    .bind(clock::now_text())
    .bind(created_by)
    .fetch_one(conn)
    .await
    .context("making a token")?;
    Ok((id, token))
}

/// Whether `user_id` has a token in force named `name`.
pub async fn name_taken(
    conn: &mut SqliteConnection,
    user_id: i64,
    name: &str,
) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND name = ? AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(name)
    .fetch_one(conn)
    .await
    .context("looking for a token's name")?;
    Ok(n > 0)
}

const SELECT: &str = "SELECT t.id, t.user_id, u.name AS user, t.name, t.prefix, t.created_at, \
     t.created_by, t.revoked_at, t.revoked_by, t.last_used_at \
     FROM api_tokens t JOIN users u ON u.id = t.user_id";

/// Every token, those in force first, newest first.
pub async fn list(conn: &mut SqliteConnection) -> anyhow::Result<Vec<TokenRecord>> {
    sqlx::query_as(&format!(
        "{SELECT} ORDER BY t.revoked_at IS NOT NULL, t.id DESC"
    ))
    .fetch_all(conn)
    .await
    .context("listing tokens")
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<TokenRecord>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("reading a token")
}

/// Revokes a token in force; false when it was revoked already.
pub async fn revoke(conn: &mut SqliteConnection, id: i64, by: &str) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(clock::now_text())
    .bind(by)
    .bind(id)
    .execute(conn)
    .await
    .context("revoking a token")?;
    Ok(done.rows_affected() == 1)
}

/// The user a presented token stands for: a token in force of a user who is not disabled.
/// Notes when it was used, at most once a minute.
pub async fn authenticate(
    pool: &sqlx::SqlitePool,
    write: &sqlx::SqlitePool,
    token: &str,
) -> anyhow::Result<Option<UserRecord>> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let found: Option<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, user_id, last_used_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL",
    )
    .bind(digest(token))
    .fetch_optional(pool)
    .await
    .context("looking up a token")?;
    let Some((id, user_id, last_used)) = found else {
        return Ok(None);
    };
    let mut conn = pool.acquire().await.context("opening a connection")?;
    let user = users::by_id(&mut conn, user_id)
        .await?
        .filter(|u| !u.disabled);
    drop(conn);
    let stale = last_used
        .as_deref()
        .and_then(clock::unix_of)
        .is_none_or(|t| clock::unix_of(&clock::now_text()).unwrap_or(t) - t >= 60);
    if user.is_some() && stale {
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(clock::now_text())
            .bind(id)
            .execute(write)
            .await
            .context("noting a token's use")?;
    }
    Ok(user)
}
