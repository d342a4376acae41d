//! Webhooks as registered, and their latest deliveries.

use anyhow::Context;
use app::model::{DeliveryRow, WebhookRow};
use sqlx::{FromRow, SqliteConnection};

use crate::clock;

#[derive(FromRow)]
struct Hook {
    id: i64,
    url: String,
    engine: Option<String>,
    created_at: String,
    created_by: String,
}

#[derive(FromRow)]
struct Delivery {
    id: i64,
    event: String,
    state: String,
    attempts: i64,
    last_result: Option<String>,
    created_at: String,
}

/// Every webhook with its ten newest deliveries.
pub async fn list(conn: &mut SqliteConnection) -> anyhow::Result<Vec<WebhookRow>> {
    let hooks: Vec<Hook> = sqlx::query_as(
        "SELECT w.id, w.url, e.name AS engine, w.created_at, w.created_by FROM webhooks w \
         LEFT JOIN engines e ON e.id = w.engine_id ORDER BY w.id",
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing webhooks")?;
    let mut rows = Vec::with_capacity(hooks.len());
    for h in hooks {
        let deliveries: Vec<Delivery> = sqlx::query_as(
            "SELECT id, event, state, attempts, last_result, created_at FROM webhook_deliveries \
             WHERE webhook_id = ? ORDER BY id DESC LIMIT 10",
        )
        .bind(h.id)
        .fetch_all(&mut *conn)
        .await
        .context("reading a webhook's deliveries")?;
        rows.push(WebhookRow {
            id: h.id,
            url: h.url,
            engine: h.engine,
            created_at: clock::display(&h.created_at),
            created_by: h.created_by,
            deliveries: deliveries
                .into_iter()
                .map(|d| DeliveryRow {
                    id: d.id,
                    event: d.event,
                    state: d.state,
                    attempts: d.attempts,
                    last_result: d.last_result,
                    at: clock::display(&d.created_at),
                })
                .collect(),
        });
    }
    Ok(rows)
}

pub async fn insert(
    conn: &mut SqliteConnection,
    url: &str,
    engine_id: Option<i64>,
    by: &str,
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO webhooks (url, engine_id, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(url)
    .bind(engine_id)
    .bind(clock::now_text())
    .bind(by)
    .fetch_one(conn)
    .await
    .context("registering a webhook")
}

/// Removes a webhook and its deliveries; its URL when there was one.
pub async fn delete(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM webhooks WHERE id = ? RETURNING url")
        .bind(id)
        .fetch_optional(conn)
        .await
        .context("removing a webhook")
}

pub async fn exists(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await
        .context("looking for a webhook")?;
    Ok(n > 0)
}
