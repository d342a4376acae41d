//! API tokens as the users page shows them.

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
