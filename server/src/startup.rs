//! Building the application from its configuration: open the data directory and database,
//! bind the port, assemble the router. Tests call this with port 0.

use crate::backend::Service;
use crate::config::Config;
use crate::db::{Db, DbError};
use crate::front_end::FrontEnd;
use crate::store::audit;
use crate::{http, password};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::SqliteStore;

/// Why Bulkhead could not start: each says what to fix, on one line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "the data directory {path} is not usable ({source}); create it, make it writable, or choose another with --data / BULKHEAD_DATA"
    )]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(
        "cannot prepare the session store: {0}; the database may be damaged — restore a backup or choose another --data directory"
    )]
    Sessions(String),
    #[error(
        "cannot listen on {addr} ({source}); another program may use that port — stop it or choose another with --addr / BULKHEAD_ADDR"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Audit entries between two checkpoints at most (when added faster than one a minute).
const CHECKPOINT_EVERY: i64 = 100;

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    router: axum::Router,
    service: Arc<Service>,
    front_end: FrontEnd,
}

fn check_data_dir(dir: &Path) -> Result<(), StartError> {
    let err = |source| StartError::DataDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(".bulkhead-write-test");
    std::fs::write(&probe, b"ok").map_err(err)?;
    std::fs::remove_file(&probe).map_err(err)?;
    Ok(())
}

impl Application {
    pub async fn build(config: Config) -> Result<Application, StartError> {
        check_data_dir(&config.data_dir)?;
        let db = Db::open(&config.data_dir).await?;
        let store = SqliteStore::new(db.write.clone());
        store
            .migrate()
            .await
            .map_err(|e| StartError::Sessions(e.to_string()))?;
        tokio::spawn(
            store
                .clone()
                .continuously_delete_expired(tokio::time::Duration::from_secs(60)),
        );
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let front_end = FrontEnd::inspect(&config.site_root);
        let options = LeptosOptions::builder()
            .output_name("bulkhead")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let origins = config.allowed_origins(addr);
        let service = Arc::new(Service::new(db, Arc::new(config)));
        tokio::task::spawn_blocking(password::warm_up);
        // The audit log's newest entry is checkpointed (signed, outside the database) once
        // 100 entries have been added, or a minute after the last checkpoint when any were.
        let checkpoints = Arc::downgrade(&service);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            let (mut last, mut since) = (0i64, 0u32);
            loop {
                tick.tick().await;
                let Some(service) = checkpoints.upgrade() else {
                    return;
                };
                since += 1;
                let newest = match audit::newest_committed(&service.db).await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!("reading the audit log for a checkpoint failed: {e:#}");
                        continue;
                    }
                };
                if newest >= last + CHECKPOINT_EVERY || (newest > last && since >= 12) {
                    match audit::checkpoint_since(&service.db, last).await {
                        Ok(id) => (last, since) = (id, 0),
                        Err(e) => tracing::warn!("writing an audit checkpoint failed: {e:#}"),
                    }
                }
            }
        });
        // Counts of sign-ins refused during a lock are logged once the lock has ended.
        let refusals = Arc::downgrade(&service);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(service) = refusals.upgrade() else {
                    return;
                };
                let now = service.config.clock.unix();
                if let Err(e) = service.refusals.flush(&service.db, now).await {
                    tracing::warn!("logging refused sign-ins failed: {e:#}");
                }
            }
        });
        // The local Docker engine is registered at the very first start, when it answers.
        if let Err(e) = crate::local_engine::at_first_start(&service).await {
            tracing::warn!("registering the local Docker engine failed: {e:#}");
        }
        match crate::requests::recover_interrupted(&service.db).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                "{n} change request(s) were being applied when the server stopped: marked apply-failed"
            ),
            Err(e) => tracing::warn!("recovering interrupted applies failed: {e:#}"),
        }
        if let Err(e) = crate::local_engine::adopt_quarantine_files(&service).await {
            tracing::warn!("taking over earlier quarantine records failed: {e:#}");
        }
        // Engines, drift and (when asked for) verify are checked now and then, so the pages
        // show how things are without waiting for a click.
        crate::watch::start(&service);
        // Every audit entry, on to the destinations an admin set up.
        crate::forward::start(&service);
        crate::webhooks::start(
            &service,
            origins
                .first()
                .cloned()
                .unwrap_or_else(|| format!("http://{addr}")),
        );
        let router = http::router(service.clone(), options, store, origins);
        Ok(Application {
            listener,
            addr,
            router,
            service,
            front_end,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The front end found in the site directory.
    pub fn front_end(&self) -> &FrontEnd {
        &self.front_end
    }

    /// The token first-run setup asks for, while no user exists; print it for the operator.
    pub async fn setup_token(&self) -> anyhow::Result<Option<String>> {
        Ok(self
            .service
            .needs_setup()
            .await?
            .then(|| self.service.setup_token.reveal().to_owned()))
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn service(&self) -> Arc<Service> {
        self.service.clone()
    }

    /// Serves until Ctrl-C or SIGTERM, then checkpoints the audit log's newest entry.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        if let Err(e) = audit::checkpoint_since(&self.service.db, 0).await {
            tracing::warn!("writing the audit checkpoint at shutdown failed: {e:#}");
        }
        served
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
