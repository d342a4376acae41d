//! Server functions: each one takes the request, delegates to the backend and maps the result.
//! Endpoints are fixed (`/api/<name>`) so the role matrix test and other clients can name them.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::EngineForm;
use crate::model::{
    AuditPage, ComposeImported, DeploymentRow, DesignDetail, DesignSummary, DriftView,
    EngineContainer, EngineRow, JobView, LiveRow, Me, PlanView, QuarantineRow, RevisionDiff,
    RevisionInfo, Role, UserRow, VerificationView,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::backend::{Request, SharedBackend};
    use crate::error::AppError;
    use leptos::prelude::*;

    /// The backend and the request this server function runs for.
    pub fn ctx() -> Result<(SharedBackend, Request), AppError> {
        let missing = |what: &str| {
            tracing::error!("{what} is missing from the server function's context");
            AppError::Internal
        };
        let backend = use_context::<SharedBackend>().ok_or_else(|| missing("the backend"))?;
        let req = use_context::<Request>().ok_or_else(|| missing("the request"))?;
        Ok((backend, req))
    }

    /// Sets the HTTP status of a failed call so that clients other than the page see it too.
    pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result
            && let Some(res) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(e.status())
        {
            res.set_status(status);
        }
        result
    }
}

#[cfg(feature = "ssr")]
macro_rules! delegate {
    ($method:ident ( $($arg:expr),* )) => {{
        let (backend, req) = ssr::ctx()?;
        ssr::answer(backend.$method(&req, $($arg),*).await)
    }};
}

#[server(prefix = "/api", endpoint = "setup_needed")]
pub async fn setup_needed() -> Result<bool, AppError> {
    let (backend, _) = ssr::ctx()?;
    ssr::answer(backend.setup_needed().await)
}

#[server(prefix = "/api", endpoint = "setup")]
pub async fn setup(token: String, name: String, password: String) -> Result<Me, AppError> {
    delegate!(setup(token, name, password))
}

#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    delegate!(me())
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(name: String, password: String) -> Result<Me, AppError> {
    delegate!(login(name, password))
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    delegate!(logout())
}

#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    delegate!(list_users())
}

#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(name: String, password: String, role: Role) -> Result<UserRow, AppError> {
    delegate!(create_user(name, password, role))
}

#[server(prefix = "/api", endpoint = "set_role")]
pub async fn set_role(user_id: i64, role: Role) -> Result<(), AppError> {
    delegate!(set_role(user_id, role))
}

#[server(prefix = "/api", endpoint = "set_disabled")]
pub async fn set_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    delegate!(set_disabled(user_id, disabled))
}

#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    delegate!(reset_password(user_id, password))
}

#[server(prefix = "/api", endpoint = "clear_sign_in_lock")]
pub async fn clear_sign_in_lock(user_id: i64) -> Result<(), AppError> {
    delegate!(clear_sign_in_lock(user_id))
}

#[server(prefix = "/api", endpoint = "list_designs")]
pub async fn list_designs(include_deleted: bool) -> Result<Vec<DesignSummary>, AppError> {
    delegate!(list_designs(include_deleted))
}

#[server(prefix = "/api", endpoint = "create_design")]
pub async fn create_design(
    name: String,
    template: Option<String>,
) -> Result<DesignSummary, AppError> {
    delegate!(create_design(name, template))
}

#[server(prefix = "/api", endpoint = "rename_design")]
pub async fn rename_design(id: i64, name: String) -> Result<(), AppError> {
    delegate!(rename_design(id, name))
}

#[server(prefix = "/api", endpoint = "delete_design")]
pub async fn delete_design(id: i64) -> Result<(), AppError> {
    delegate!(delete_design(id))
}

#[server(prefix = "/api", endpoint = "restore_design")]
pub async fn restore_design(id: i64) -> Result<(), AppError> {
    delegate!(restore_design(id))
}

#[server(prefix = "/api", endpoint = "get_design")]
pub async fn get_design(id: i64, revision: Option<i64>) -> Result<DesignDetail, AppError> {
    delegate!(get_design(id, revision))
}

#[server(prefix = "/api", endpoint = "save_design")]
pub async fn save_design(
    id: i64,
    base: i64,
    document: String,
    message: String,
    layout: Option<String>,
) -> Result<RevisionInfo, AppError> {
    delegate!(save_design(id, base, document, message, layout))
}

/// Reads a design document (YAML or JSON): the designer's YAML tab, which has no YAML reader
/// of its own in the browser.
#[server(prefix = "/api", endpoint = "read_document")]
pub async fn read_document(text: String) -> Result<design::RawDesign, AppError> {
    delegate!(read_document(text))
}

/// What saving the model (sent as JSON) would change on top of the newest revision, in words:
/// the diff runs on the server, so the designer's download carries no diff code.
#[server(prefix = "/api", endpoint = "changes_on_latest")]
pub async fn changes_on_latest(id: i64, model: String) -> Result<String, AppError> {
    delegate!(changes_on_latest(id, model))
}

/// Writes a model, sent as JSON, as the canonical YAML that saving stores.
#[server(prefix = "/api", endpoint = "write_document")]
pub async fn write_document(model: String) -> Result<String, AppError> {
    delegate!(write_document(model))
}

/// Reads a Compose file into a design named `name`.
#[server(prefix = "/api", endpoint = "import_compose")]
pub async fn import_compose(text: String, name: String) -> Result<ComposeImported, AppError> {
    delegate!(import_compose(text, name))
}

/// The engines page's calls (registering an engine takes many fields, each its own form
/// field, so the lint on argument counts is off here).
#[allow(clippy::too_many_arguments)]
mod engine_calls {
    use super::*;

    #[server(prefix = "/api", endpoint = "list_engines")]
    pub async fn list_engines() -> Result<Vec<EngineRow>, AppError> {
        delegate!(list_engines())
    }

    /// The fields of an engine's registration, as the form sends them.
    #[cfg(feature = "ssr")]
    fn engine_form(
        name: String,
        endpoint: String,
        tls_ca: Option<String>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        note: Option<String>,
        approvals_required: Option<u8>,
    ) -> EngineForm {
        EngineForm {
            name,
            endpoint,
            tls_ca: tls_ca.unwrap_or_default(),
            tls_cert: tls_cert.unwrap_or_default(),
            tls_key: tls_key.unwrap_or_default(),
            note: note.unwrap_or_default(),
            approvals_required: approvals_required.unwrap_or(1),
        }
    }

    #[server(prefix = "/api", endpoint = "add_engine")]
    pub async fn add_engine(
        name: String,
        endpoint: String,
        tls_ca: Option<String>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        note: Option<String>,
        approvals_required: Option<u8>,
    ) -> Result<EngineRow, AppError> {
        let form = engine_form(
            name,
            endpoint,
            tls_ca,
            tls_cert,
            tls_key,
            note,
            approvals_required,
        );
        delegate!(add_engine(form))
    }

    #[server(prefix = "/api", endpoint = "update_engine")]
    pub async fn update_engine(
        id: i64,
        name: String,
        endpoint: String,
        tls_ca: Option<String>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        note: Option<String>,
        approvals_required: Option<u8>,
    ) -> Result<EngineRow, AppError> {
        let form = engine_form(
            name,
            endpoint,
            tls_ca,
            tls_cert,
            tls_key,
            note,
            approvals_required,
        );
        delegate!(update_engine(id, form))
    }

    #[server(prefix = "/api", endpoint = "remove_engine")]
    pub async fn remove_engine(id: i64) -> Result<(), AppError> {
        delegate!(remove_engine(id))
    }

    #[server(prefix = "/api", endpoint = "check_engine")]
    pub async fn check_engine(id: i64) -> Result<EngineRow, AppError> {
        delegate!(check_engine(id))
    }

    #[server(prefix = "/api", endpoint = "break_engine_lock")]
    pub async fn break_engine_lock(id: i64) -> Result<(), AppError> {
        delegate!(break_engine_lock(id))
    }
}

pub use engine_calls::*;

#[server(prefix = "/api", endpoint = "plan_design")]
pub async fn plan_design(
    id: i64,
    revision: Option<i64>,
    engine_id: i64,
) -> Result<PlanView, AppError> {
    delegate!(plan_design(id, revision, engine_id))
}

#[server(prefix = "/api", endpoint = "apply_plan")]
pub async fn apply_plan(plan_id: i64) -> Result<JobView, AppError> {
    delegate!(apply_plan(plan_id))
}

#[server(prefix = "/api", endpoint = "get_job")]
pub async fn get_job(id: u64) -> Result<JobView, AppError> {
    delegate!(get_job(id))
}

#[server(prefix = "/api", endpoint = "list_deployments")]
pub async fn list_deployments(
    design: Option<i64>,
    engine: Option<i64>,
) -> Result<Vec<DeploymentRow>, AppError> {
    delegate!(list_deployments(design, engine))
}

#[server(prefix = "/api", endpoint = "check_drift")]
pub async fn check_drift(design: i64, engine: i64) -> Result<DriftView, AppError> {
    delegate!(check_drift(design, engine))
}

#[server(prefix = "/api", endpoint = "firewall_counters")]
pub async fn firewall_counters(
    design: i64,
    engine: i64,
) -> Result<crate::model::counters::FirewallCounters, AppError> {
    delegate!(firewall_counters(design, engine))
}

#[server(prefix = "/api", endpoint = "list_live")]
pub async fn list_live(design: Option<i64>, engine: Option<i64>) -> Result<Vec<LiveRow>, AppError> {
    delegate!(list_live(design, engine))
}

#[server(prefix = "/api", endpoint = "verify_live")]
pub async fn verify_live(design: i64, engine: i64) -> Result<JobView, AppError> {
    delegate!(verify_live(design, engine))
}

#[server(prefix = "/api", endpoint = "destroy_live")]
pub async fn destroy_live(design: i64, engine: i64) -> Result<JobView, AppError> {
    delegate!(destroy_live(design, engine))
}

#[server(prefix = "/api", endpoint = "get_verification")]
pub async fn get_verification(id: i64) -> Result<VerificationView, AppError> {
    delegate!(get_verification(id))
}

#[server(prefix = "/api", endpoint = "engine_containers")]
pub async fn engine_containers(engine: i64) -> Result<Vec<EngineContainer>, AppError> {
    delegate!(engine_containers(engine))
}

#[server(prefix = "/api", endpoint = "list_quarantines")]
pub async fn list_quarantines(engine: i64) -> Result<Vec<QuarantineRow>, AppError> {
    delegate!(list_quarantines(engine))
}

#[server(prefix = "/api", endpoint = "quarantine_container")]
pub async fn quarantine_container(
    engine: i64,
    container: String,
    reason: String,
) -> Result<(), AppError> {
    delegate!(quarantine_container(engine, container, reason))
}

#[server(prefix = "/api", endpoint = "release_container")]
pub async fn release_container(engine: i64, container: String) -> Result<(), AppError> {
    delegate!(release_container(engine, container))
}

#[server(prefix = "/api", endpoint = "import_engine")]
pub async fn import_engine(engine: i64, name: String) -> Result<DesignSummary, AppError> {
    delegate!(import_engine(engine, name))
}

#[server(prefix = "/api", endpoint = "diff_revisions")]
pub async fn diff_revisions(
    id: i64,
    to: i64,
    against: Option<i64>,
    engine: Option<i64>,
) -> Result<RevisionDiff, AppError> {
    delegate!(diff_revisions(id, to, against, engine))
}

#[server(prefix = "/api", endpoint = "restore_revision")]
pub async fn restore_revision(id: i64, revision: i64) -> Result<RevisionInfo, AppError> {
    delegate!(restore_revision(id, revision))
}

mod audit;
mod requests;
pub use audit::*;
pub use requests::*;
