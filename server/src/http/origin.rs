//! Cross-site request refusal: a request that may change state (any method but GET, HEAD and
//! OPTIONS) must come from one of the server's own origins.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn same_origin(
    State(origins): State<Arc<Vec<String>>>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match verdict(&origins, &req) {
        Ok(()) => next.run(req).await,
        Err(why) => {
            tracing::warn!(method = %req.method(), path = req.uri().path(), why, "refused a cross-site request");
            (
                StatusCode::FORBIDDEN,
                format!("Refused: {why}. Use Bulkhead from its own pages.\n"),
            )
                .into_response()
        }
    }
}

fn verdict(origins: &[String], req: &Request) -> Result<(), &'static str> {
    let headers = req.headers();
    // A call with an API token carries no cookie the browser would add on its own: another
    // site cannot make one (a page cannot set this header across origins without a CORS
    // answer, which this server never gives), so it needs no origin.
    if crate::backend::bearer(headers).is_some() && !headers.contains_key(header::COOKIE) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return Err("the request came from another site");
        }
    }
    let origin = headers
        .get(header::ORIGIN)
        .ok_or("the request has no Origin header")?
        .to_str()
        .map_err(|_| "the Origin header is not readable")?
        .trim_end_matches('/')
        .to_ascii_lowercase();
    if origins.contains(&origin) {
        Ok(())
    } else {
        Err("the request came from another origin")
    }
}
