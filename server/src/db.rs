//! The SQLite database: one pool for reads, one single-connection pool for writes so that
//! write transactions (and the audit chain) are serialised without busy errors.

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The migrations in `./migrations`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Clone, Debug)]
pub struct Db {
    pub read: SqlitePool,
    pub write: SqlitePool,
}

/// Why the database could not be opened, in words that say what to fix.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "cannot open the database {path}: {source}; check that the data directory exists and is writable"
    )]
    Open { path: String, source: sqlx::Error },
    #[error(
        "database migration failed: {0}; the database may be from a newer Bulkhead, or damaged — restore a backup or point --data at another directory"
    )]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating if needed) `bulkhead.db` in `data_dir` and runs the migrations.
    pub async fn open(data_dir: &Path) -> Result<Db, DbError> {
        let path = data_dir.join("bulkhead.db");
        let open_err = |source| DbError::Open {
            path: path.display().to_string(),
            source,
        };
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(open_err)?;
        MIGRATOR.run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(open_err)?;
        Ok(Db { read, write })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .context("querying the database")?;
        Ok(())
    }
}
