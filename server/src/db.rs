//! The SQLite database: one pool for reads, one single-connection pool for writes so that
//! write transactions (and the audit chain) are serialised without busy errors.

use crate::store::audit::{Anchor, AnchorError};
use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The migrations in `./migrations`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The database file in a data directory.
pub const DB_FILE: &str = "bulkhead.db";

#[derive(Clone, Debug)]
pub struct Db {
    pub read: SqlitePool,
    pub write: SqlitePool,
    /// The audit log's key and checkpoints, kept outside the database.
    pub audit: Arc<Anchor>,
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
    #[error("{0}")]
    Audit(#[from] AnchorError),
    #[error("reading the audit log: {0:#}")]
    AuditLog(anyhow::Error),
}

impl Db {
    /// Opens (creating if needed) `bulkhead.db` in `data_dir`, runs the migrations, and loads
    /// (or, the first time, makes) the audit key beside it. Every transaction is committed
    /// with `synchronous=FULL`: an audit entry or a revision that was answered as saved
    /// survives a power cut (BENCHMARKS.md has the cost).
    pub async fn open(data_dir: &Path) -> Result<Db, DbError> {
        Self::open_with(data_dir, SqliteSynchronous::Full).await
    }

    /// [`Db::open`] with another `synchronous` setting, for the benchmark that measures what
    /// `FULL` costs.
    pub async fn open_with(data_dir: &Path, synchronous: SqliteSynchronous) -> Result<Db, DbError> {
        let path = data_dir.join(DB_FILE);
        let open_err = |source| DbError::Open {
            path: path.display().to_string(),
            source,
        };
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(open_err)?;
        MIGRATOR.run(&write).await?;
        // The query planner's statistics, gathered where missing or stale (bounded work: a
        // sample of each index), so that the audit view picks its most selective index.
        sqlx::query("PRAGMA optimize=0x10002")
            .execute(&write)
            .await
            .map_err(open_err)?;
        let newest = {
            let mut conn = write.acquire().await.map_err(open_err)?;
            crate::store::audit::newest(&mut conn)
                .await
                .map_err(DbError::AuditLog)?
        };
        let dir = data_dir.to_path_buf();
        let audit = tokio::task::spawn_blocking(move || Anchor::open(&dir, newest))
            .await
            .map_err(|e| DbError::AuditLog(e.into()))??;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(open_err)?;
        Ok(Db {
            read,
            write,
            audit: Arc::new(audit),
        })
    }

    /// Refreshes the query planner's statistics where they went stale (run now and then).
    pub async fn optimize(&self) -> anyhow::Result<()> {
        sqlx::query("PRAGMA optimize")
            .execute(&self.write)
            .await
            .context("refreshing the query planner's statistics")?;
        Ok(())
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
