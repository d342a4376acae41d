//! A finding the team has reviewed and accepts, with the reason a review reads.

use serde::Serialize;

use super::FindingCode;

/// The longest reason an `accept:` entry may give, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// The Compose label that lists a service's or a zone's accepted findings (each reason in
/// `io.bulkhead.accept.<code>`).
pub const ACCEPT_LABEL: &str = "io.bulkhead.accept";

/// One checked `accept:` entry of a service or a zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// The finding accepted.
    pub code: FindingCode,
    /// Why; an error accepted without one stays an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Applies an `accept:` list to the findings it covers: each becomes a note, marked accepted,
/// with the reason in its message; an error listed without a reason stays an error and says
/// what is missing.
pub(crate) fn accepting(accept: &[Accepted]) -> impl Fn(&mut crate::findings::Finding) + '_ {
    move |f| {
        let Some(a) = accept.iter().find(|a| a.code == f.code) else {
            return;
        };
        if a.reason.is_none() && f.code.severity() == crate::diagnostic::Severity::Error {
            f.message.push_str(&format!(
                " (listed under accept: without a reason, which an error needs before apply and export go ahead: write {{code: {}, reason: \"…\"}})",
                f.code
            ));
            return;
        }
        f.accepted = true;
        f.severity = crate::diagnostic::Severity::Note;
        f.reason = a.reason.clone();
        match &a.reason {
            Some(reason) => f.message.push_str(&format!(" (accepted: {reason})")),
            None => f.message.push_str(" (accepted)"),
        }
    }
}
