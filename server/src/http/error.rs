//! The one way a plain HTTP route (not a server function) fails: a refusal the client can act
//! on, with its status and a message saying what to do; or something that went wrong on our
//! side, logged once with its cause and answered with an opaque 500.

use app::error::AppError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why a request failed.
#[derive(Debug)]
pub enum HttpError {
    /// The client's request cannot be served as asked.
    Refused(StatusCode, String),
    /// Our failure, with its cause.
    Internal(anyhow::Error),
    /// The request cannot be served now (the database does not answer, the work took too
    /// long): the cause is logged, the message answered with 503 so that a retry or a load
    /// balancer can tell it from a bug.
    Unavailable {
        /// What the client is told.
        message: String,
        /// What is logged.
        cause: anyhow::Error,
    },
    /// Our failure, already logged where it happened (an [`AppError::Internal`]).
    Logged,
}

impl HttpError {
    /// A refusal with this status and message.
    pub fn refused(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Refused(status, message.into())
    }
}

impl From<anyhow::Error> for HttpError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl From<sqlx::Error> for HttpError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal => Self::Logged,
            other => Self::Refused(
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::BAD_REQUEST),
                other.to_string(),
            ),
        }
    }
}

fn text(status: StatusCode, message: String) -> Response {
    let mut message = message;
    if !message.ends_with('\n') {
        message.push('\n');
    }
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let opaque = || {
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the server; it has been logged. Try again, and tell an admin if it persists.".into(),
            )
        };
        match self {
            Self::Refused(status, message) => text(status, message),
            Self::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "request failed");
                opaque()
            }
            Self::Logged => opaque(),
            Self::Unavailable { message, cause } => {
                tracing::error!(
                    error = format!("{cause:#}"),
                    "request could not be served now"
                );
                text(StatusCode::SERVICE_UNAVAILABLE, message)
            }
        }
    }
}
