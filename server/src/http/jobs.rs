//! `GET /jobs/{id}/events`: a job's steps as server-sent events, for the page that follows an
//! apply. Each step is an event whose id is its number, so a browser that reconnects (with
//! `Last-Event-ID`) gets only what it missed; a page that opens late first gets every step
//! so far. The stream ends with an `end` event carrying the whole job.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt, stream};

use super::error::HttpError;
use crate::backend::Service;
use crate::jobs::Job;

struct Follow {
    job: Arc<Job>,
    changes: tokio::sync::watch::Receiver<u64>,
    /// The newest step number sent.
    last: u64,
    ended: bool,
}

fn json_event(name: &str, id: Option<u64>, value: &impl serde::Serialize) -> Event {
    let event = Event::default()
        .event(name)
        .data(serde_json::to_string(value).unwrap_or_else(|e| {
            tracing::error!("a job event could not be written as JSON: {e}");
            "null".into()
        }));
    match id {
        Some(id) => event.id(id.to_string()),
        None => event,
    }
}

pub async fn events(
    Extension(service): Extension<Arc<Service>>,
    Path(id): Path<u64>,
    req: Request,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, HttpError> {
    let (parts, _) = req.into_parts();
    service
        .current(&parts)
        .await?
        .ok_or_else(|| HttpError::refused(StatusCode::UNAUTHORIZED, "Sign in to follow jobs."))?;
    let job = service.jobs.get(id).ok_or_else(|| {
        HttpError::refused(StatusCode::NOT_FOUND, format!("There is no job {id}."))
    })?;
    let last = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let follow = Follow {
        changes: job.follow(),
        job,
        last,
        ended: false,
    };
    let events = stream::unfold(follow, |mut f| async move {
        loop {
            if f.ended {
                return None;
            }
            let view = f.job.view();
            let new: Vec<Result<Event, Infallible>> = view
                .steps
                .iter()
                .filter(|s| s.seq > f.last)
                .map(|s| Ok(json_event("step", Some(s.seq), s)))
                .collect();
            if let Some(newest) = view.steps.iter().map(|s| s.seq).max()
                && !new.is_empty()
            {
                f.last = f.last.max(newest);
                return Some((stream::iter(new), f));
            }
            if view.result != "running" {
                f.ended = true;
                return Some((stream::iter(vec![Ok(json_event("end", None, &view))]), f));
            }
            if f.changes.changed().await.is_err() {
                return None;
            }
        }
    })
    .flatten();
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
