//! The server functions of change requests, and of the API tokens scripts use for them.

use super::*;
use crate::model::{RequestRow, RequestView, Verdict};

#[server(prefix = "/api", endpoint = "list_requests")]
pub async fn list_requests(
    design: Option<i64>,
    engine: Option<i64>,
    active: Option<bool>,
) -> Result<Vec<RequestRow>, AppError> {
    let active = active.unwrap_or(false);
    delegate!(list_requests(design, engine, active))
}

#[server(prefix = "/api", endpoint = "get_request")]
pub async fn get_request(id: i64) -> Result<RequestView, AppError> {
    delegate!(get_request(id))
}

#[server(prefix = "/api", endpoint = "open_request")]
pub async fn open_request(
    design: i64,
    revision: Option<i64>,
    engine: i64,
    title: String,
    description: Option<String>,
) -> Result<RequestView, AppError> {
    let description = description.unwrap_or_default();
    delegate!(open_request(design, revision, engine, title, description))
}

#[server(prefix = "/api", endpoint = "push_request")]
pub async fn push_request(id: i64, revision: Option<i64>) -> Result<RequestView, AppError> {
    delegate!(push_request(id, revision))
}

#[server(prefix = "/api", endpoint = "replan_request")]
pub async fn replan_request(id: i64) -> Result<RequestView, AppError> {
    delegate!(replan_request(id))
}

#[server(prefix = "/api", endpoint = "comment_request")]
pub async fn comment_request(
    id: i64,
    body: String,
    anchor: Option<String>,
) -> Result<RequestView, AppError> {
    delegate!(comment_request(id, body, anchor))
}

#[server(prefix = "/api", endpoint = "review_request")]
pub async fn review_request(
    id: i64,
    verdict: Verdict,
    revision: i64,
    plan_hash: String,
    message: Option<String>,
) -> Result<RequestView, AppError> {
    let message = message.unwrap_or_default();
    delegate!(review_request(id, verdict, revision, plan_hash, message))
}

#[server(prefix = "/api", endpoint = "withdraw_request")]
pub async fn withdraw_request(id: i64) -> Result<RequestView, AppError> {
    delegate!(withdraw_request(id))
}

#[server(prefix = "/api", endpoint = "apply_request")]
pub async fn apply_request(id: i64, override_reason: Option<String>) -> Result<JobView, AppError> {
    delegate!(apply_request(id, override_reason))
}

#[server(prefix = "/api", endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<crate::model::TokenRow>, AppError> {
    delegate!(list_tokens())
}

#[server(prefix = "/api", endpoint = "create_token")]
pub async fn create_token(
    user_id: i64,
    name: String,
) -> Result<crate::model::CreatedToken, AppError> {
    delegate!(create_token(user_id, name))
}

#[server(prefix = "/api", endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    delegate!(revoke_token(id))
}

#[server(prefix = "/api", endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<crate::model::WebhookRow>, AppError> {
    delegate!(list_webhooks())
}

#[server(prefix = "/api", endpoint = "add_webhook")]
pub async fn add_webhook(
    url: String,
    engine: Option<i64>,
) -> Result<crate::model::WebhookRow, AppError> {
    delegate!(add_webhook(url, engine))
}

#[server(prefix = "/api", endpoint = "remove_webhook")]
pub async fn remove_webhook(id: i64) -> Result<(), AppError> {
    delegate!(remove_webhook(id))
}

#[server(prefix = "/api", endpoint = "test_webhook")]
pub async fn test_webhook(id: i64) -> Result<(), AppError> {
    delegate!(test_webhook(id))
}
