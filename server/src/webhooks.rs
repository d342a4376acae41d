//! Webhooks: change-request events announced to URLs an admin registered (every engine's,
//! or one engine's), as JSON with a Slack-compatible `text`. Announcing only queues a
//! delivery; a background task posts the due ones together, retries a failure with backoff
//! (1, 2, 4, 8 s) and records each result, so a dead webhook never holds up a review, nor
//! another webhook.

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use anyhow::Context;
use sqlx::FromRow;
use tokio::sync::Notify;

use crate::backend::Service;
use crate::clock;
use crate::db::Db;

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// How long one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The queue's wake-up call and what links point at.
#[derive(Debug, Default)]
pub struct Webhooks {
    wake: Notify,
    /// The server's address as browsers reach it, for links in the messages.
    base: OnceLock<String>,
}

/// A change-request event to announce.
#[derive(Debug)]
pub struct Event<'a> {
    /// The audit action (`request-approve` …).
    pub event: &'a str,
    pub request: i64,
    pub engine_id: Option<i64>,
    pub title: &'a str,
    pub design: &'a str,
    pub revision: i64,
    pub engine: &'a str,
    pub state: &'a str,
    pub actor: &'a str,
    /// What happened, in one sentence (the audit summary).
    pub summary: &'a str,
}

impl Webhooks {
    pub fn set_base(&self, base: String) {
        let _ = self.base.set(base);
    }

    /// A request's page.
    pub fn link(&self, request: i64) -> String {
        format!(
            "{}/requests/{request}",
            self.base.get().map_or("", String::as_str)
        )
    }

    fn payload(&self, e: &Event<'_>) -> serde_json::Value {
        let link = self.link(e.request);
        serde_json::json!({
            "event": e.event,
            "request": {
                "id": e.request,
                "title": e.title,
                "design": e.design,
                "revision": e.revision,
                "engine": e.engine,
                "state": e.state,
            },
            "actor": e.actor,
            "link": link,
            "text": format!(
                "Bulkhead: {} — <{link}|#{} {}>",
                slack_escaped(e.summary),
                e.request,
                slack_escaped(e.title)
            ),
        })
    }

    /// Queues the event for every webhook that wants it; never fails the caller (a problem
    /// is logged).
    pub async fn announce(&self, db: &Db, clock: &clock::Clock, e: Event<'_>) {
        let payload = self.payload(&e).to_string();
        let queued = sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, request_id, payload, state, next_at, created_at) \
             SELECT id, ?, ?, ?, 'pending', ?, ? FROM webhooks WHERE engine_id IS NULL OR engine_id = ?",
        )
        .bind(e.event)
        .bind(e.request)
        .bind(&payload)
        .bind(clock.unix())
        .bind(clock::now_text())
        .bind(e.engine_id)
        .execute(&db.write)
        .await;
        match queued {
            Ok(done) if done.rows_affected() > 0 => self.wake.notify_one(),
            Ok(_) => {}
            Err(e) => tracing::warn!("queueing webhook deliveries failed: {e}"),
        }
    }

    /// Announces an event of change request `id`, as it stands now.
    pub async fn announce_request(
        &self,
        db: &Db,
        clock: &clock::Clock,
        id: i64,
        action: &str,
        actor: &str,
        summary: &str,
    ) {
        let record = match db.read.acquire().await {
            Ok(mut conn) => crate::store::requests::get(&mut conn, id).await,
            Err(e) => Err(e.into()),
        };
        let record = match record {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("announcing change request {id} failed: {e:#}");
                return;
            }
        };
        let event = Event {
            event: action,
            request: id,
            engine_id: record.engine_id,
            title: &record.title,
            design: &record.design,
            revision: record.revision,
            engine: &record.engine_name,
            state: &record.state,
            actor,
            summary,
        };
        self.announce(db, clock, event).await;
    }

    /// Queues a test message to one webhook.
    pub async fn test(
        &self,
        db: &Db,
        clock: &clock::Clock,
        webhook: i64,
        by: &str,
    ) -> anyhow::Result<()> {
        let text = format!("Bulkhead: a test message sent by {by}; this webhook works.");
        let payload = serde_json::json!({ "event": "test", "actor": by, "text": text }).to_string();
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, next_at, created_at) \
             VALUES (?, 'test', ?, 'pending', ?, ?)",
        )
        .bind(webhook)
        .bind(payload)
        .bind(clock.unix())
        .bind(clock::now_text())
        .execute(&db.write)
        .await
        .context("queueing a test message")?;
        self.wake.notify_one();
        Ok(())
    }
}

/// Text as Slack's markup takes it literally (`&`, `<`, `>` escaped): a title cannot ping a
/// channel or hide a link.
fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[derive(FromRow)]
struct Due {
    id: i64,
    url: String,
    payload: String,
    attempts: i64,
}

/// Posts the deliveries that are due, and records each result.
async fn deliver_due(service: &Service, http: &reqwest::Client) -> anyhow::Result<()> {
    let now = service.config.clock.unix();
    let due: Vec<Due> = sqlx::query_as(
        "SELECT d.id, w.url, d.payload, d.attempts FROM webhook_deliveries d \
         JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.id LIMIT 20",
    )
    .bind(now)
    .fetch_all(&service.db.read)
    .await
    .context("reading the deliveries due")?;
    // All at once: a webhook that does not answer holds up no other.
    let attempts = due.into_iter().map(|d| async move {
        let sent = http
            .post(&d.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(d.payload.clone())
            .send()
            .await;
        let outcome = match sent {
            Ok(r) if r.status().is_success() => (true, format!("HTTP {}", r.status().as_u16())),
            Ok(r) => (false, format!("HTTP {}", r.status().as_u16())),
            Err(e) if e.is_timeout() => (false, format!("no answer within {}s", TIMEOUT.as_secs())),
            Err(e) if e.is_connect() => (false, "could not connect".to_owned()),
            // Without the URL: a webhook's URL is often its secret.
            Err(e) => (false, e.without_url().to_string()),
        };
        (d, outcome)
    });
    for (d, (ok, result)) in futures_util::future::join_all(attempts).await {
        let attempts = d.attempts + 1;
        let state = match (ok, attempts >= MAX_ATTEMPTS) {
            (true, _) => "delivered",
            (false, true) => "failed",
            (false, false) => "pending",
        };
        // 1, 2, 4, 8 s between attempts.
        let next = service.config.clock.unix() + (1i64 << (attempts - 1).min(10));
        let recorded = sqlx::query(
            "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_at = ?, last_result = ?, \
             delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?",
        )
        .bind(state)
        .bind(attempts)
        .bind(next)
        .bind(&result)
        .bind(ok)
        .bind(clock::now_text())
        .bind(d.id)
        .execute(&service.db.write)
        .await
        .context("recording a delivery");
        // One delivery not recorded does not keep the others' results from being kept.
        if let Err(e) = recorded {
            tracing::warn!("recording webhook delivery {} failed: {e:#}", d.id);
            continue;
        }
        if state == "failed" {
            tracing::warn!(
                "webhook delivery {} given up after {attempts} attempts: {result}",
                d.id
            );
        }
    }
    Ok(())
}

/// Starts the background task that delivers; it ends with the service.
pub fn start(service: &Arc<Service>, base: String) {
    service.webhooks.set_base(base);
    let weak: Weak<Service> = Arc::downgrade(service);
    let hooks = Arc::clone(&service.webhooks);
    tokio::spawn(async move {
        // No redirects: a webhook's host cannot bounce the post elsewhere.
        let http = match reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("webhooks are off: no HTTP client ({e})");
                return;
            }
        };
        loop {
            let Some(service) = weak.upgrade() else {
                return;
            };
            if let Err(e) = deliver_due(&service, &http).await {
                tracing::warn!("delivering webhooks failed: {e:#}");
            }
            drop(service);
            let _ = tokio::time::timeout(Duration::from_secs(1), hooks.wake.notified()).await;
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn slack_markup_is_taken_literally() {
        assert_eq!(
            super::slack_escaped("<!channel> & <https://x|y>"),
            "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
        );
    }
}
