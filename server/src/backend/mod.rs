//! The server side of every server function: checks who is asking and what they may do,
//! then changes the database together with its audit entry. The `Backend` port is
//! implemented here by delegation; each concern has its file.

mod access;
mod accounts;
mod apply;
mod auth;
mod checks;
mod designs;
mod documents;
mod drift;
pub mod engine_status;
pub mod engines;
mod forwarding;
mod history;
mod operations;
mod plans;
mod port;
mod port_requests;
mod proposals;
mod refusals;
mod refused_ops;
mod requests;
mod reviews;
mod tokens;
pub use tokens::token_name;
pub(crate) use tokens::webhook_url;

use crate::config::Config;
use crate::db::Db;
use crate::session;
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};
use crate::store::users::{self, UserRecord};
use app::backend::Request;
use app::error::AppError;
use app::model::{Me, Role};
use axum::extract::ConnectInfo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_sessions::Session;

/// The application's state behind the server functions and the HTTP middleware.
#[derive(Debug)]
pub struct Service {
    pub db: Db,
    pub config: Arc<Config>,
    /// Set once a user exists: from then on the setup page is gone for good.
    setup_done: AtomicBool,
    /// What first-run setup asks for; printed at start while no user exists.
    pub setup_token: crate::setup_token::SetupToken,
    /// Sign-ins refused by a lock, logged once per lock with their count.
    pub refusals: refusals::Refusals,
    /// What each engine answered when it was last checked.
    pub engine_statuses: engine_status::EngineStatuses,
    /// Jobs on engines since the server started.
    pub jobs: crate::jobs::Jobs,
    /// Where change-request events are announced.
    pub webhooks: Arc<crate::webhooks::Webhooks>,
    /// HTTP requests counted and timed for `GET /metrics`.
    pub metrics: crate::metrics::Http,
    /// The last firewall counters read of each deployment, for the rates.
    pub counters: crate::counters::Memory,
}

/// A write transaction: a change and its audit entry commit together or not at all.
type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

/// Logs an unexpected error in full, once, and answers with an opaque one.
fn internal(e: impl Into<anyhow::Error>) -> AppError {
    let e = e.into();
    tracing::error!(error = format!("{e:#}"), "request failed");
    AppError::Internal
}

/// A password hash or check that could not run: busy is the client's to retry (503), any
/// other failure is ours.
fn hashing(e: crate::password::HashError) -> AppError {
    match e {
        crate::password::HashError::Busy => AppError::Busy {
            message: "The server is busy checking other passwords; try again in a moment.".into(),
        },
        crate::password::HashError::Failed(e) => internal(e),
    }
}

/// Work that was offloaded and gave no result: past the deadline the client may retry (503),
/// a failure is ours.
fn offloaded(e: crate::offload::OffloadError) -> AppError {
    match e {
        crate::offload::OffloadError::TimedOut { .. } => AppError::Busy {
            message: format!(
                "{e}: the server is busy or the design is very large; try again, or split the design"
            ),
        },
        failed @ crate::offload::OffloadError::Failed { .. } => internal(failed),
    }
}

/// Records `entry` in `tx` and commits: the change made in `tx` and its audit entry land
/// together.
async fn audited(db: &Db, mut tx: Tx, entry: NewEntry<'_>) -> Result<(), AppError> {
    audit::append(&mut tx, &db.audit, entry)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

fn me(u: &UserRecord) -> Me {
    Me {
        id: u.id,
        name: u.name.clone(),
        role: u.role,
    }
}

/// The client's address for the audit log and the throttle: the peer, or behind a trusted
/// proxy the address it forwards (see [`crate::Config::client_address`]).
pub fn client_address(config: &crate::Config, req: &Request) -> String {
    let Some(peer) = req.extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".into();
    };
    let forwarded = req
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    config.client_address(peer.0.ip(), forwarded).to_string()
}

/// The API token of a request (`Authorization: Bearer …`), if it carries one.
pub fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn session_of(req: &Request) -> Result<&Session, AppError> {
    req.extensions.get::<Session>().ok_or_else(|| {
        internal(anyhow::anyhow!(
            "the session layer is missing from the request"
        ))
    })
}

impl Service {
    pub fn new(db: Db, config: Arc<Config>) -> Self {
        Service {
            db,
            config,
            setup_done: AtomicBool::new(false),
            setup_token: crate::setup_token::SetupToken::generate(),
            refusals: refusals::Refusals::default(),
            engine_statuses: engine_status::EngineStatuses::default(),
            jobs: crate::jobs::Jobs::default(),
            webhooks: Arc::default(),
            metrics: crate::metrics::Http::default(),
            counters: crate::counters::Memory::default(),
        }
    }

    /// Whether the first admin still has to be created.
    pub async fn needs_setup(&self) -> anyhow::Result<bool> {
        if self.setup_done.load(Ordering::Acquire) {
            return Ok(false);
        }
        let mut conn = self.db.read.acquire().await?;
        let exists = users::any_exists(&mut conn).await?;
        if exists {
            self.setup_done.store(true, Ordering::Release);
        }
        Ok(!exists)
    }

    /// The signed-in user of a request, if any: the user of its API token on the JSON API
    /// and the audit export (a token opens no page), else of its session.
    pub async fn current(&self, req: &Request) -> Result<Option<UserRecord>, AppError> {
        if let Some(token) = bearer(&req.headers) {
            let path = req.uri.path();
            if !path.starts_with("/api/") && path != "/audit/export" {
                return Ok(None);
            }
            return crate::store::tokens::authenticate(&self.db.read, &self.db.write, token)
                .await
                .map_err(internal);
        }
        let s = session_of(req)?;
        session::user(&self.db, &self.config, s)
            .await
            .map_err(internal)
    }

    /// The signed-in user, who must have at least `min`; and the actor for the audit log.
    async fn require(&self, req: &Request, min: Role) -> Result<(UserRecord, Actor), AppError> {
        let user = self.current(req).await?.ok_or(AppError::NotSignedIn)?;
        if user.role < min {
            return Err(AppError::Forbidden { needed: min });
        }
        let actor = Actor {
            id: Some(user.id),
            name: Some(user.name.clone()),
            address: Some(client_address(&self.config, req)),
        };
        Ok((user, actor))
    }

    async fn write_tx(&self) -> Result<Tx, AppError> {
        self.db.write.begin().await.map_err(internal)
    }
}
