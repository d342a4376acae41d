//! The data the pages and the server exchange.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a user may do. Each role includes everything the roles before it may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Approver,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the four.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: use one of viewer, editor, approver, admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// How the database's text column becomes a role: a name that is not a role is an error,
/// never a quiet demotion.
impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// A row of the admin page's user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    /// Failed sign-ins as this user within the throttle window (from any address).
    pub recent_failures: i64,
}

/// A row of the designs list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignSummary {
    pub id: i64,
    pub name: String,
    pub revision: i64,
    pub updated_at: String,
    pub updated_by: String,
    pub deleted: bool,
}

/// One saved version of a design.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub number: i64,
    pub author: String,
    pub created_at: String,
    pub message: String,
}

/// A design with the document of one of its revisions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DesignDetail {
    pub id: i64,
    pub name: String,
    pub deleted: bool,
    /// The newest revision's number: the base the next save must name.
    pub head: i64,
    /// The revision whose document is shown.
    pub revision: RevisionInfo,
    pub document: String,
    /// The document read by the server (the browser build has no YAML reader); when it does
    /// not parse, a design with just the name, and `model_error` says why.
    pub model: design::RawDesign,
    pub model_error: Option<String>,
    /// Every revision, newest first.
    pub history: Vec<RevisionInfo>,
    /// Where the designer draws the zones (JSON), kept beside the revision.
    pub layout: String,
}

/// A Compose file read into a design, with what could not be carried over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComposeImported {
    pub model: design::RawDesign,
    /// `path: message` for each thing the import could not carry over.
    pub notes: Vec<String>,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub design_id: Option<i64>,
    pub summary: String,
}

/// What the audit page asks for. Empty fields mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub action: Option<String>,
    pub design: Option<i64>,
    /// Only entries older than this id (for paging).
    pub before: Option<i64>,
}

/// A page of the audit log, with what the filters can choose from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub users: Vec<String>,
    pub actions: Vec<String>,
    pub designs: Vec<(i64, String)>,
    pub more: bool,
}

/// The page size of the audit log.
pub const AUDIT_PAGE: i64 = 100;

/// The shortest password accepted, in characters; the server checks it, the forms say it.
pub const MIN_PASSWORD_LEN: usize = 12;

/// The largest design document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The largest layout accepted, in bytes.
pub const MAX_LAYOUT_BYTES: usize = 256 * 1024;

/// The TLS files an engine is reached with: paths on the server. Admins only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineTls {
    pub ca: String,
    pub cert: String,
    pub key: String,
}

/// Who holds an engine's lock, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineLockView {
    /// "apply of three-tier r7 by alice".
    pub holder: String,
    pub since: String,
}

/// A design found on an engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineDesign {
    pub name: String,
    pub networks: usize,
    pub containers: usize,
    pub running: usize,
    /// Its firewall: "in place", "missing", "not jumped to", or why it cannot be told.
    pub firewall: String,
    /// True when the firewall is in place.
    pub firewall_in_place: bool,
}

/// What an engine answered when it was last checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineStatus {
    pub checked_at: String,
    /// Why it could not be reached or read; `None` when it answered.
    pub error: Option<String>,
    pub engine_version: String,
    pub api_version: String,
    /// `iptables` or `nftables`.
    pub firewall_backend: String,
    /// Whether Bulkhead can change that engine's host firewall, and why not.
    pub can_change_firewall: bool,
    pub firewall_note: Option<String>,
    /// Networks and containers carrying Bulkhead's label.
    pub networks: usize,
    pub containers: usize,
    pub designs: Vec<EngineDesign>,
}

/// A registered Docker engine, as the engines page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineRow {
    pub id: i64,
    pub name: String,
    /// `unix:///var/run/docker.sock`, `tcp://host:port`, `https://host:port`.
    pub endpoint: String,
    /// True when reached over TLS.
    pub uses_tls: bool,
    /// The TLS files: sent to admins only.
    pub tls: Option<EngineTls>,
    pub note: String,
    /// Whether applying there needs an approved change.
    pub requires_approval: bool,
    pub created_at: String,
    /// Who registered it (`Bulkhead` for the local engine found at first start).
    pub created_by: String,
    /// The job that holds the engine now, if one does.
    pub lock: Option<EngineLockView>,
    /// The last check, if there was one.
    pub status: Option<EngineStatus>,
}

/// What an admin registers an engine with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineForm {
    pub name: String,
    pub endpoint: String,
    /// TLS files (paths on the server): all three, or none.
    #[serde(default)]
    pub tls_ca: String,
    #[serde(default)]
    pub tls_cert: String,
    #[serde(default)]
    pub tls_key: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub requires_approval: bool,
}

/// One change of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    /// The object it concerns.
    pub target: String,
    /// Why, in words.
    pub reason: String,
}

/// A plan's changes of one kind (create, recreate, connect, disconnect, remove, start,
/// firewall).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGroup {
    pub kind: String,
    pub lines: Vec<PlanLine>,
}

/// What applying a revision to an engine would change, as the plan page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    /// The stored plan.
    pub id: i64,
    pub design: String,
    pub revision: i64,
    pub engine: String,
    /// SHA-256 of the plan, and the fingerprint of the engine state it was made against.
    pub hash: String,
    pub fingerprint: String,
    /// Objects with Bulkhead's names that Bulkhead does not own: they block apply.
    pub conflicts: Vec<String>,
    /// Error findings not accepted with a reason: they block apply too.
    pub blocked: Vec<String>,
    /// The changes, by kind, in the order apply makes them.
    pub groups: Vec<PlanGroup>,
    /// How many changes in all (firewall aside).
    pub changes: usize,
    /// What apply does with the design's firewall.
    pub firewall: String,
    /// Notes that change nothing.
    pub notes: Vec<String>,
}

/// One step of a job, as the job page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStep {
    /// Its number in the job's stream (the SSE event id).
    pub seq: u64,
    /// `create network e2e_public-dmz`, or `firewall`.
    pub what: String,
    /// `running`, `done` or `failed: …`.
    pub state: String,
}

/// A job on an engine (an apply), where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: u64,
    /// "apply of three-tier r7 by alice".
    pub title: String,
    pub design_id: i64,
    pub engine: String,
    pub started_at: String,
    /// Every step so far, latest state of each.
    pub steps: Vec<JobStep>,
    /// How many changes the plan has.
    pub total: usize,
    /// `running`, `applied`, `failed` or `cancelled`.
    pub result: String,
    /// The closing summary, once it ended.
    pub summary: Option<String>,
    /// The deployment recorded when it ended.
    pub deployment: Option<i64>,
}

/// One apply, as the history shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentRow {
    pub id: i64,
    pub design_name: String,
    /// The stored design and revision applied (none for a file applied from the command
    /// line).
    pub design_id: Option<i64>,
    pub revision: Option<i64>,
    pub engine_id: i64,
    pub engine: String,
    /// A user's name, or `cli:<user>`.
    pub actor: String,
    pub finished_at: String,
    /// `applied`, `failed` or `cancelled`.
    pub result: String,
    pub failed_step: Option<String>,
    /// The firewall after apply, in words.
    pub firewall: String,
}

/// A design on an engine against the revision last applied there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftView {
    pub engine: String,
    /// The baseline: the revision last applied there, by whom, when.
    pub revision: i64,
    pub applied_by: String,
    pub applied_at: String,
    pub checked_at: String,
    /// True when the engine holds exactly what the baseline says, firewall included.
    pub in_sync: bool,
    /// Each difference, in words (`object: what`).
    pub differences: Vec<String>,
}
