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

/// Where the audit log is forwarded, and how far it has got (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwarderRow {
    pub id: i64,
    /// `syslog-udp`, `syslog-tcp`, `file` or `http`.
    pub kind: String,
    /// `host:port`, an absolute path, or a URL.
    pub target: String,
    pub created_at: String,
    pub created_by: String,
    /// Entries delivered since it was added.
    pub delivered: i64,
    /// Entries still to send.
    pub behind: i64,
    pub last_ok_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Attempts that failed in a row (the next waits longer: 1 s doubling to 5 min).
    pub failures: i64,
}

/// The forwarding destinations' kinds, as the form offers them: (kind, label, example).
pub const FORWARD_KINDS: [(&str, &str, &str); 4] = [
    ("syslog-udp", "syslog (RFC 5424) over UDP", "127.0.0.1:514"),
    (
        "syslog-tcp",
        "syslog (RFC 5424) over TCP",
        "logs.example.org:601",
    ),
    ("file", "JSON Lines file", "/var/log/bulkhead/audit.jsonl"),
    (
        "http",
        "JSON Lines to HTTP (POST)",
        "https://logs.example.org/bulkhead",
    ),
];
