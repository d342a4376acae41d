//! The server functions of the audit view. The page and other clients send a view's filter
//! as the same named fields the page's address carries (`from`, `to`, `user`, `group`,
//! `action`, `design`, `engine`, `result`, `q`, `before`); the server reads them as the page
//! does and refuses what cannot be meant.

// One argument per filter field, in the functions `#[server]` generates too.
#![allow(clippy::too_many_arguments)]

use super::*;
use crate::model::audit::AuditDetail;

/// A page of the log, newest first.
#[server(prefix = "/api", endpoint = "audit")]
pub async fn audit(
    from: Option<String>,
    to: Option<String>,
    user: Option<String>,
    group: Option<String>,
    action: Option<String>,
    design: Option<String>,
    engine: Option<String>,
    result: Option<String>,
    q: Option<String>,
    before: Option<String>,
) -> Result<AuditPage, AppError> {
    let fields = [
        ("from", from),
        ("to", to),
        ("user", user),
        ("group", group),
        ("action", action),
        ("design", design),
        ("engine", engine),
        ("result", result),
        ("q", q),
        ("before", before),
    ];
    let read = crate::model::AuditFilter::from_pairs(
        fields
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))),
    );
    match read {
        Ok(filter) => delegate!(audit(filter)),
        Err(message) => ssr::answer(Err(AppError::BadRequest { message })),
    }
}

/// One entry in full, with its neighbours and its place in the chain.
#[server(prefix = "/api", endpoint = "audit_entry")]
pub async fn audit_entry(id: i64) -> Result<AuditDetail, AppError> {
    delegate!(audit_entry(id))
}

/// Where the audit log is forwarded (admins).
#[server(prefix = "/api", endpoint = "list_forwarders")]
pub async fn list_forwarders() -> Result<Vec<crate::model::ForwarderRow>, AppError> {
    delegate!(list_forwarders())
}

#[server(prefix = "/api", endpoint = "add_forwarder")]
pub async fn add_forwarder(
    kind: String,
    target: String,
) -> Result<crate::model::ForwarderRow, AppError> {
    delegate!(add_forwarder(kind, target))
}

#[server(prefix = "/api", endpoint = "remove_forwarder")]
pub async fn remove_forwarder(id: i64) -> Result<(), AppError> {
    delegate!(remove_forwarder(id))
}

#[server(prefix = "/api", endpoint = "test_forwarder")]
pub async fn test_forwarder(id: i64) -> Result<String, AppError> {
    delegate!(test_forwarder(id))
}
