//! API tokens and webhooks, as the admin pages show them.

use serde::{Deserialize, Serialize};

/// A token, never with its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub user: String,
    pub user_id: i64,
    pub name: String,
    /// Its first characters (`bht_1a2b3c4d`), to tell it apart.
    pub prefix: String,
    pub created_at: String,
    pub created_by: String,
    /// When and by whom it was revoked; `None` while it is in force.
    pub revoked: Option<String>,
    pub last_used: Option<String>,
}

/// A token just made: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub row: TokenRow,
    pub token: String,
}

/// A webhook and its latest deliveries (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    /// The engine whose requests it announces; `None`: every engine's.
    pub engine: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// Newest first, at most ten.
    pub deliveries: Vec<DeliveryRow>,
}

/// One delivery of a webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    /// The event it announces (`request-approve` …, or `test`).
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    /// What the last attempt got (`HTTP 200`, `could not connect` …).
    pub last_result: Option<String>,
    pub at: String,
}
