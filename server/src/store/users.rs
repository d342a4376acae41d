//! Users: names, password hashes, roles, and the epoch that ends their sessions.

use crate::clock;
use anyhow::Context;
use app::model::{Role, UserRow};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(Clone, FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    /// Read through `Role::try_from`: a name the column should never hold is an error.
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub disabled: bool,
    pub session_epoch: i64,
    pub created_at: String,
}

/// Never shows the password hash.
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("password_hash", &"<redacted>")
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field("session_epoch", &self.session_epoch)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl UserRecord {
    pub fn row(&self) -> UserRow {
        UserRow {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            disabled: self.disabled,
            created_at: clock::display(&self.created_at),
            recent_failures: 0,
        }
    }
}

pub async fn any_exists(conn: &mut SqliteConnection) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
        .context("counting users")?;
    Ok(n > 0)
}

pub async fn by_name(pool: &SqlitePool, name: &str) -> anyhow::Result<Option<UserRecord>> {
    sqlx::query_as("SELECT * FROM users WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await
        .context("looking up a user by name")
}

pub async fn by_id(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<UserRecord>> {
    sqlx::query_as("SELECT * FROM users WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("looking up a user")
}

pub async fn list(pool: &SqlitePool) -> anyhow::Result<Vec<UserRecord>> {
    sqlx::query_as("SELECT * FROM users ORDER BY name")
        .fetch_all(pool)
        .await
        .context("listing users")
}

/// Inserts a user; `None` when the name is taken (names are case-insensitive).
pub async fn insert(
    conn: &mut SqliteConnection,
    name: &str,
    password_hash: &str,
    role: Role,
) -> anyhow::Result<Option<UserRecord>> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
        .context("checking the user name")?;
    if taken.is_some() {
        return Ok(None);
    }
    let user = sqlx::query_as(
        "INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING *",
    )
    .bind(name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(clock::now_text())
    .fetch_one(conn)
    .await
    .context("inserting a user")?;
    Ok(Some(user))
}

/// The changes that end a user's sessions.
pub enum Change<'a> {
    Role(Role),
    Disabled(bool),
    PasswordHash(&'a str),
}

/// Applies a change and bumps the user's session epoch, ending every session of theirs.
pub async fn change(
    conn: &mut SqliteConnection,
    id: i64,
    change: Change<'_>,
) -> anyhow::Result<()> {
    let q = match change {
        Change::Role(r) => {
            sqlx::query("UPDATE users SET role = ?, session_epoch = session_epoch + 1 WHERE id = ?")
                .bind(r.as_str())
        }
        Change::Disabled(d) => sqlx::query(
            "UPDATE users SET disabled = ?, session_epoch = session_epoch + 1 WHERE id = ?",
        )
        .bind(d),
        Change::PasswordHash(h) => sqlx::query(
            "UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?",
        )
        .bind(h),
    };
    q.bind(id).execute(conn).await.context("updating a user")?;
    Ok(())
}

/// How many enabled admins there are (the last one cannot be demoted or disabled).
pub async fn active_admins(conn: &mut SqliteConnection) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(conn)
        .await
        .context("counting admins")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A user's Debug never shows the password hash (logs and panics print Debug).
    #[test]
    fn debug_redacts_the_hash() {
        let u = UserRecord {
            id: 1,
            name: "root".into(),
            password_hash: "$argon2id$v=19$secret-material".into(),
            role: Role::Admin,
            disabled: false,
            session_epoch: 0,
            created_at: String::new(),
        };
        let shown = format!("{u:?}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
