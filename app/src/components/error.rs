//! How errors are shown in a page.

use crate::error::AppError;
use leptos::prelude::*;

/// A banner for the error of the last action, if any.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p class="banner banner-error" role="alert" data-error=error_kind(&e)>
                    {e.to_string()}
                </p>
            }
        })
    }
}

/// A stable name for the kind of error, for styling and tests.
pub fn error_kind(e: &AppError) -> &'static str {
    match e {
        AppError::NotSignedIn => "not-signed-in",
        AppError::Forbidden { .. } => "forbidden",
        AppError::NotPermitted { .. } => "not-permitted",
        AppError::BadCredentials => "bad-credentials",
        AppError::Throttled { .. } => "throttled",
        AppError::Invalid { .. } => "invalid",
        AppError::Conflict { .. } => "conflict",
        AppError::NotFound { .. } => "not-found",
        AppError::BadRequest { .. } => "bad-request",
        AppError::Busy { .. } => "busy",
        AppError::TooLarge { .. } => "too-large",
        AppError::Internal => "internal",
    }
}

/// The error of an action's last result, as a signal.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}
