//! The one error type of the server functions: every variant says what to do next.

use crate::model::Role;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("You are not signed in, or your session has ended. Sign in again.")]
    NotSignedIn,
    #[error("This needs the {needed} role; ask an admin if you should have it.")]
    Forbidden { needed: Role },
    /// Refused to this user whatever their role (separation of duties, someone else's
    /// request).
    #[error("{message}")]
    NotPermitted { message: String },
    #[error("Sign-in failed: the user name or password is wrong, or the account is disabled.")]
    BadCredentials,
    #[error("{message}")]
    Throttled { message: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    Conflict { message: String },
    #[error("{what} was not found; it may have been deleted.")]
    NotFound { what: String },
    #[error("The request was refused: {message}")]
    BadRequest { message: String },
    #[error("{message}")]
    Busy { message: String },
    #[error("The request is too large: {message}")]
    TooLarge { message: String },
    #[error(
        "Something went wrong on the server; it has been logged. Try again, and tell an admin if it persists."
    )]
    Internal,
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status that goes with the error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::BadCredentials => 401,
            AppError::Forbidden { .. } | AppError::NotPermitted { .. } => 403,
            AppError::Throttled { .. } => 429,
            AppError::Invalid { .. } | AppError::BadRequest { .. } => 400,
            AppError::Conflict { .. } => 409,
            AppError::Busy { .. } => 503,
            AppError::TooLarge { .. } => 413,
            AppError::NotFound { .. } => 404,
            AppError::Internal => 500,
        }
    }

    /// The field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = framework_error(value);
        // On the server this runs inside the request when the arguments cannot be read:
        // the client's error, so it answers 400, not the 500 server functions fail with.
        #[cfg(feature = "ssr")]
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(error.status())
        {
            res.set_status(status);
        }
        error
    }
}

/// What the server function framework reports (arguments it cannot read, a server it cannot
/// reach) as one of ours.
fn framework_error(value: ServerFnErrorErr) -> AppError {
    // The body limit (4 MiB) stops reading the request, whatever variant carries it.
    if value.to_string().contains("length limit") {
        return AppError::TooLarge {
            message: "it is over 4 MiB; a design is at most 1 MiB, so split it".into(),
        };
    }
    match value {
        ServerFnErrorErr::Deserialization(m) => AppError::BadRequest {
            message: format!("the request could not be read ({m}); reload the page and try again"),
        },
        ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => AppError::BadRequest {
            message: format!("the form could not be read ({m}); reload the page and try again"),
        },
        ServerFnErrorErr::Request(m) => AppError::BadRequest {
            message: format!("the server could not be reached ({m}); check your connection"),
        },
        other => {
            leptos::logging::error!("server function failed: {other}");
            AppError::Internal
        }
    }
}
