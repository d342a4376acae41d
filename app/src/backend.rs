//! The port the server functions call through: the `server` crate implements it and provides
//! it as context, so this crate never depends on the database or the session store.

use crate::error::AppError;
use crate::model::{
    AuditFilter, AuditPage, ComposeImported, CreatedToken, DeploymentRow, DesignDetail,
    DesignSummary, DriftView, EngineContainer, EngineForm, EngineRow, ForwarderRow, JobView,
    LiveRow, Me, PlanView, QuarantineRow, RequestRow, RequestView, RevisionDiff, RevisionInfo,
    Role, TokenRow, UserRow, Verdict, VerificationView, WebhookRow,
};
use design::RawDesign;
use http::request::Parts;
use std::sync::Arc;

/// The request a server function runs for: its headers, extensions (session, peer address).
pub type Request = Parts;

#[async_trait::async_trait]
pub trait Backend: ChangeRequests + Integrations + Send + Sync + 'static {
    async fn setup_needed(&self) -> Result<bool, AppError>;
    /// Creates the first admin; `token` is the one the server printed when it started.
    async fn setup(
        &self,
        req: &Request,
        token: String,
        name: String,
        password: String,
    ) -> Result<Me, AppError>;

    async fn me(&self, req: &Request) -> Result<Option<Me>, AppError>;
    async fn login(&self, req: &Request, name: String, password: String) -> Result<Me, AppError>;
    async fn logout(&self, req: &Request) -> Result<(), AppError>;

    async fn list_users(&self, req: &Request) -> Result<Vec<UserRow>, AppError>;
    async fn create_user(
        &self,
        req: &Request,
        name: String,
        password: String,
        role: Role,
    ) -> Result<UserRow, AppError>;
    async fn set_role(&self, req: &Request, user_id: i64, role: Role) -> Result<(), AppError>;
    async fn set_disabled(
        &self,
        req: &Request,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), AppError>;
    async fn reset_password(
        &self,
        req: &Request,
        user_id: i64,
        password: String,
    ) -> Result<(), AppError>;
    /// Clears a user's failed sign-ins, ending any lock on their name.
    async fn clear_sign_in_lock(&self, req: &Request, user_id: i64) -> Result<(), AppError>;

    async fn list_designs(
        &self,
        req: &Request,
        include_deleted: bool,
    ) -> Result<Vec<DesignSummary>, AppError>;
    async fn create_design(
        &self,
        req: &Request,
        name: String,
        template: Option<String>,
    ) -> Result<DesignSummary, AppError>;
    async fn rename_design(&self, req: &Request, id: i64, name: String) -> Result<(), AppError>;
    async fn delete_design(&self, req: &Request, id: i64) -> Result<(), AppError>;
    async fn restore_design(&self, req: &Request, id: i64) -> Result<(), AppError>;
    async fn get_design(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
    ) -> Result<DesignDetail, AppError>;
    async fn save_design(
        &self,
        req: &Request,
        id: i64,
        base: i64,
        document: String,
        message: String,
        layout: Option<String>,
    ) -> Result<RevisionInfo, AppError>;

    /// Reads a design document (YAML or JSON) for the designer's YAML tab.
    async fn read_document(&self, req: &Request, text: String) -> Result<RawDesign, AppError>;
    /// Writes a model (sent as JSON) as the canonical YAML that saving stores.
    async fn write_document(&self, req: &Request, model: String) -> Result<String, AppError>;
    /// What saving `model` (sent as JSON) would change on top of the design's newest
    /// revision, as `bulkhead diff` words it (the designer's "see changes" on a conflict).
    async fn changes_on_latest(
        &self,
        req: &Request,
        id: i64,
        model: String,
    ) -> Result<String, AppError>;
    /// Reads a Compose file into a design named `name`.
    async fn import_compose(
        &self,
        req: &Request,
        text: String,
        name: String,
    ) -> Result<ComposeImported, AppError>;

    /// A page of the audit log as `filter` views it (viewer: design and engine entries,
    /// without client addresses; admin: everything).
    async fn audit(&self, req: &Request, filter: AuditFilter) -> Result<AuditPage, AppError>;
    /// One audit entry in full, when the reader may see it.
    async fn audit_entry(
        &self,
        req: &Request,
        id: i64,
    ) -> Result<crate::model::audit::AuditDetail, AppError>;

    /// The registered engines with their last known state (viewer); TLS files to admins.
    async fn list_engines(&self, req: &Request) -> Result<Vec<EngineRow>, AppError>;
    /// Registers an engine (admin), after checking that it answers.
    async fn add_engine(&self, req: &Request, engine: EngineForm) -> Result<EngineRow, AppError>;
    /// Changes an engine's registration (admin).
    async fn update_engine(
        &self,
        req: &Request,
        id: i64,
        engine: EngineForm,
    ) -> Result<EngineRow, AppError>;
    /// Forgets an engine (admin); what runs there is left as it is.
    async fn remove_engine(&self, req: &Request, id: i64) -> Result<(), AppError>;
    /// Checks an engine now (viewer) and returns it with what it answered.
    async fn check_engine(&self, req: &Request, id: i64) -> Result<EngineRow, AppError>;
    /// Breaks the lock a job holds on an engine (admin), for a holder that died.
    async fn break_engine_lock(&self, req: &Request, id: i64) -> Result<(), AppError>;
    /// What applying a revision of a design (the head when `None`) to an engine would
    /// change (editor); the plan is stored with the engine's fingerprint.
    async fn plan_design(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
        engine_id: i64,
    ) -> Result<PlanView, AppError>;
    /// Carries out a stored plan as a job on the server (approver); refused while the engine
    /// is locked by another job, or when the engine changed since the plan.
    async fn apply_plan(&self, req: &Request, plan_id: i64) -> Result<JobView, AppError>;
    /// A job where it stands (viewer).
    async fn get_job(&self, req: &Request, id: u64) -> Result<JobView, AppError>;
    /// A design on an engine against the revision last applied there (viewer).
    async fn check_drift(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<DriftView, AppError>;
    /// What the firewall of a design live on an engine has done since the apply (viewer).
    async fn firewall_counters(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<crate::model::counters::FirewallCounters, AppError>;
    /// The newest applies of a design and/or on an engine (viewer).
    async fn list_deployments(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
    ) -> Result<Vec<DeploymentRow>, AppError>;
    /// Revision `to` of a design against revision `against` (the one before by default), or
    /// against what is live on `engine` (viewer).
    async fn diff_revisions(
        &self,
        req: &Request,
        id: i64,
        to: i64,
        against: Option<i64>,
        engine: Option<i64>,
    ) -> Result<RevisionDiff, AppError>;
    /// Restores an old revision as a new one (editor).
    async fn restore_revision(
        &self,
        req: &Request,
        id: i64,
        revision: i64,
    ) -> Result<RevisionInfo, AppError>;
    /// What is live where (the revision last applied, its drift and verify state), of a
    /// design and/or on an engine (viewer).
    async fn list_live(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
    ) -> Result<Vec<LiveRow>, AppError>;
    /// Starts verifying the revision live on an engine, as a job (editor).
    async fn verify_live(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<JobView, AppError>;
    /// Starts removing what Bulkhead created for the revision live on an engine, as a job
    /// (approver).
    async fn destroy_live(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<JobView, AppError>;
    /// A stored verify report (viewer).
    async fn get_verification(&self, req: &Request, id: i64) -> Result<VerificationView, AppError>;
    /// The containers Bulkhead created on an engine, with their quarantines (viewer).
    async fn engine_containers(
        &self,
        req: &Request,
        engine: i64,
    ) -> Result<Vec<EngineContainer>, AppError>;
    /// The quarantines of an engine, those in force first (viewer).
    async fn list_quarantines(
        &self,
        req: &Request,
        engine: i64,
    ) -> Result<Vec<QuarantineRow>, AppError>;
    /// Cuts a container off every network, for a reason (approver).
    async fn quarantine_container(
        &self,
        req: &Request,
        engine: i64,
        container: String,
        reason: String,
    ) -> Result<(), AppError>;
    /// Reconnects a quarantined container exactly as it was (approver).
    async fn release_container(
        &self,
        req: &Request,
        engine: i64,
        container: String,
    ) -> Result<(), AppError>;
    /// Reads a live engine into a new design (editor).
    async fn import_engine(
        &self,
        req: &Request,
        engine: i64,
        name: String,
    ) -> Result<DesignSummary, AppError>;
}

/// Change requests: a revision proposed for an engine, reviewed, discussed and applied.
#[async_trait::async_trait]
pub trait ChangeRequests: Send + Sync + 'static {
    /// Requests newest first, of a design and/or an engine; only those in progress when
    /// `active` (viewer).
    async fn list_requests(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
        active: bool,
    ) -> Result<Vec<RequestRow>, AppError>;
    /// A request in full (viewer).
    async fn get_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError>;
    /// Proposes a revision (the newest by default) for an engine, and plans it (editor).
    #[allow(clippy::too_many_arguments)]
    async fn open_request(
        &self,
        req: &Request,
        design: i64,
        revision: Option<i64>,
        engine: i64,
        title: String,
        description: String,
    ) -> Result<RequestView, AppError>;
    /// Pushes a revision to a request: its reviews are dismissed (editor).
    async fn push_request(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
    ) -> Result<RequestView, AppError>;
    /// Plans the request again against the engine as it is now (editor).
    async fn replan_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError>;
    /// Comments, optionally on `zone:NAME`, `service:NAME` or `flow:N` (viewer).
    async fn comment_request(
        &self,
        req: &Request,
        id: i64,
        body: String,
        anchor: Option<String>,
    ) -> Result<RequestView, AppError>;
    /// Approves, requests changes or rejects the revision and plan seen (approver, never
    /// one who opened the request or wrote or pushed a revision in it).
    #[allow(clippy::too_many_arguments)]
    async fn review_request(
        &self,
        req: &Request,
        id: i64,
        verdict: Verdict,
        revision: i64,
        plan_hash: String,
        message: String,
    ) -> Result<RequestView, AppError>;
    /// Withdraws a request (its author, or an admin).
    async fn withdraw_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError>;
    /// Applies an approved request's plan as a job (approver); past missing approvals only
    /// with an admin's written reason.
    async fn apply_request(
        &self,
        req: &Request,
        id: i64,
        override_reason: Option<String>,
    ) -> Result<JobView, AppError>;
}

/// What other systems use (admins): API tokens for scripts and CI, webhooks for chats.
#[async_trait::async_trait]
pub trait Integrations: Send + Sync + 'static {
    async fn list_tokens(&self, req: &Request) -> Result<Vec<TokenRow>, AppError>;
    /// Makes a token for a user; its secret is in the answer and nowhere else.
    async fn create_token(
        &self,
        req: &Request,
        user_id: i64,
        name: String,
    ) -> Result<CreatedToken, AppError>;
    async fn revoke_token(&self, req: &Request, id: i64) -> Result<(), AppError>;
    async fn list_webhooks(&self, req: &Request) -> Result<Vec<WebhookRow>, AppError>;
    /// Registers a URL for the requests of one engine, or of every engine.
    async fn add_webhook(
        &self,
        req: &Request,
        url: String,
        engine: Option<i64>,
    ) -> Result<WebhookRow, AppError>;
    async fn remove_webhook(&self, req: &Request, id: i64) -> Result<(), AppError>;
    /// Queues a test message to a webhook; its delivery shows in the list.
    async fn test_webhook(&self, req: &Request, id: i64) -> Result<(), AppError>;
    /// Where the audit log is forwarded, with each destination's delivery status.
    async fn list_forwarders(&self, req: &Request) -> Result<Vec<ForwarderRow>, AppError>;
    /// Forwards every entry from now on to a destination of `kind` (`syslog-udp`,
    /// `syslog-tcp`, `file`, `http`) at `target`.
    async fn add_forwarder(
        &self,
        req: &Request,
        kind: String,
        target: String,
    ) -> Result<ForwarderRow, AppError>;
    async fn remove_forwarder(&self, req: &Request, id: i64) -> Result<(), AppError>;
    /// Sends a test message now; says what happened, or why it failed.
    async fn test_forwarder(&self, req: &Request, id: i64) -> Result<String, AppError>;
}

/// What the server provides as context to every render and server function.
pub type SharedBackend = Arc<dyn Backend>;
