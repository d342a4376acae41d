//! Page-level redirects, decided on the server for every page load: a new install goes to
//! setup, a visitor who is not signed in goes to sign-in. The server functions check roles
//! again on every call; this only spares people pages they cannot use.

use super::error::HttpError;
use crate::backend::Service;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::sync::Arc;

enum Page {
    Setup,
    Login,
    Protected,
    Other,
}

fn classify(path: &str) -> Page {
    match path {
        "/setup" => Page::Setup,
        "/login" => Page::Login,
        "/" | "/designs" | "/audit" | "/requests" | "/engines" => Page::Protected,
        // A job's event stream answers for itself (401), it is no page.
        p if p.starts_with("/jobs/") && p.ends_with("/events") => Page::Other,
        // So does the audit export (a download, not a page).
        "/audit/export" => Page::Other,
        p if [
            "/designs/",
            "/admin/",
            "/requests/",
            "/engines/",
            "/jobs/",
            "/verifications/",
            "/audit/",
        ]
        .iter()
        .any(|prefix| p.starts_with(prefix)) =>
        {
            Page::Protected
        }
        _ => Page::Other,
    }
}

pub async fn pages(State(service): State<Arc<Service>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let page = classify(req.uri().path());
    if matches!(page, Page::Other) {
        return next.run(req).await;
    }
    let needs_setup = match service.needs_setup().await {
        Ok(n) => n,
        Err(e) => {
            return HttpError::Unavailable {
                message: "Bulkhead cannot reach its database right now; try again shortly, and tell an admin if it persists.".into(),
                cause: e.context("checking for setup"),
            }
            .into_response();
        }
    };
    let (parts, body) = req.into_parts();
    let signed_in = match service.current(&parts).await {
        Ok(u) => u.is_some(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let req = Request::from_parts(parts, body);
    match page {
        Page::Setup if !needs_setup => Redirect::to("/login").into_response(),
        Page::Setup => next.run(req).await,
        _ if needs_setup => Redirect::to("/setup").into_response(),
        Page::Login if signed_in => Redirect::to("/designs").into_response(),
        Page::Protected if !signed_in => {
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let target = if path == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", encode(&path))
            };
            Redirect::to(&target).into_response()
        }
        Page::Protected if req.uri().path() == "/" => Redirect::to("/designs").into_response(),
        _ => next.run(req).await,
    }
}

/// Escapes a path for the `next` query parameter: everything but unreserved characters and
/// `/`.
fn encode(s: &str) -> String {
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    utf8_percent_encode(s, KEEP).to_string()
}
