//! What the backend checks of its input before it touches the database: names, passwords,
//! sizes, layouts and messages. Each refusal names the field and says what to do.

use super::hashing;
use crate::documents;
use crate::password;
use crate::user_name::UserName;
use app::error::AppError;
use app::model::{MAX_DOCUMENT_BYTES, MAX_LAYOUT_BYTES};
use design::model::DesignName;
use secrecy::SecretString;

pub(super) fn design_name(field: &str, value: &str) -> Result<DesignName, AppError> {
    DesignName::parse(value).map_err(|e| AppError::invalid(field, format!("`{value}` {e}")))
}

pub(super) fn user_name(field: &str, value: &str) -> Result<UserName, AppError> {
    UserName::parse(value).map_err(|e| AppError::invalid(field, format!("`{value}` {e}")))
}

/// A new password checked against the rules and hashed (off the async threads).
pub(super) async fn new_password_hash(field: &str, value: String) -> Result<String, AppError> {
    password::check_new(&value).map_err(|m| AppError::invalid(field, m))?;
    password::hash(SecretString::from(value))
        .await
        .map_err(hashing)
}

/// Documents and Compose files are bounded like saved documents.
pub(super) fn size(field: &str, text: &str) -> Result<(), AppError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            field,
            format!(
                "{} bytes, over the limit of {MAX_DOCUMENT_BYTES} (1 MiB): split it into smaller designs",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// A document to store: bounded, readable, within the limits, named by the rule.
pub(super) fn document(document: &str) -> Result<documents::Inspected, AppError> {
    size("document", document)?;
    let inspected = documents::inspect(document).map_err(|m| AppError::invalid("document", m))?;
    design_name("name", &inspected.name)?;
    Ok(inspected)
}

/// A layout is JSON kept beside the revision; it is bounded and must be an object.
pub(super) fn layout(layout: Option<String>) -> Result<Option<String>, AppError> {
    let Some(layout) = layout.filter(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    if layout.len() > MAX_LAYOUT_BYTES {
        return Err(AppError::invalid("layout", "the layout is over 256 KiB"));
    }
    match serde_json::from_str::<serde_json::Value>(&layout) {
        Ok(serde_json::Value::Object(_)) => Ok(Some(layout)),
        _ => Err(AppError::invalid(
            "layout",
            "the layout must be a JSON object; reload the page",
        )),
    }
}

/// A revision message: trimmed, at most 500 characters.
pub(super) fn message(message: &str) -> Result<String, AppError> {
    let message = message.trim();
    if message.chars().count() > 500 {
        return Err(AppError::invalid(
            "message",
            "keep the message under 500 characters",
        ));
    }
    Ok(message.to_string())
}
