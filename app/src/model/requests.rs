//! What change requests exchange with the server: a revision of a design proposed for an
//! engine, its plan there, the reviews that approve it and the discussion around it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::{FindingRow, PlanView, RevisionDiff};

/// The most approvals an engine can ask for.
pub const MAX_APPROVALS: u8 = 2;

/// An engine's approval policy, in words.
pub fn approvals_words(n: u8) -> String {
    match n {
        0 => "applying here needs no approval".into(),
        1 => "applying here needs an approved change request".into(),
        n => format!("applying here needs a change request approved by {n} reviewers"),
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestState {
    Open,
    Approved,
    ChangesRequested,
    Rejected,
    Withdrawn,
    /// Its apply job is running.
    Applying,
    Applied,
    ApplyFailed,
}

impl RequestState {
    pub const ALL: [RequestState; 8] = [
        RequestState::Open,
        RequestState::Approved,
        RequestState::ChangesRequested,
        RequestState::Rejected,
        RequestState::Withdrawn,
        RequestState::Applying,
        RequestState::Applied,
        RequestState::ApplyFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::Approved => "approved",
            RequestState::ChangesRequested => "changes-requested",
            RequestState::Rejected => "rejected",
            RequestState::Withdrawn => "withdrawn",
            RequestState::Applying => "applying",
            RequestState::Applied => "applied",
            RequestState::ApplyFailed => "apply-failed",
        }
    }

    /// In words, for the page.
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::Approved => "approved",
            RequestState::ChangesRequested => "changes requested",
            RequestState::Rejected => "rejected",
            RequestState::Withdrawn => "withdrawn",
            RequestState::Applying => "being applied",
            RequestState::Applied => "applied",
            RequestState::ApplyFailed => "apply failed",
        }
    }

    /// Still in progress: revisions can be pushed, reviews given, the plan refreshed.
    pub fn active(self) -> bool {
        matches!(
            self,
            RequestState::Open
                | RequestState::Approved
                | RequestState::ChangesRequested
                | RequestState::ApplyFailed
        )
    }
}

impl fmt::Display for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state name that is not one of the seven.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown request state `{0}`")]
pub struct UnknownState(pub String);

impl FromStr for RequestState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// What a reviewer says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Changes,
    Reject,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Approve, Verdict::Changes, Verdict::Reject];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Changes => "changes",
            Verdict::Reject => "reject",
        }
    }

    /// In words: "approved", "requested changes", "rejected".
    pub fn past(self) -> &'static str {
        match self {
            Verdict::Approve => "approved",
            Verdict::Changes => "requested changes",
            Verdict::Reject => "rejected",
        }
    }
}

impl FromStr for Verdict {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown verdict `{s}`: use approve, changes or reject"))
    }
}

/// A request in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub title: String,
    pub design: String,
    pub design_id: i64,
    pub engine: String,
    pub engine_id: Option<i64>,
    pub author: String,
    pub revision: i64,
    pub state: RequestState,
    /// Approvals standing for the current revision and plan, and how many the engine needs.
    pub approvals: usize,
    pub approvals_required: u8,
    pub created_at: String,
    pub updated_at: String,
}

/// A request in full, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub row: RequestRow,
    pub description: String,
    /// Every revision proposed, oldest first, with who pushed it.
    pub revisions: Vec<PushedRevision>,
    /// The plan of the current revision on the engine, as computed last.
    pub plan: Option<PlanView>,
    /// Why the newest attempt to plan failed, when it did (the last plan is kept).
    pub plan_error: Option<String>,
    /// Every review, newest last; dismissed ones say why.
    pub reviews: Vec<ReviewRow>,
    pub comments: Vec<CommentRow>,
    /// What of the proposed revision a comment can be about.
    pub anchors: Vec<Anchor>,
    /// The proposed revision against what is live on the engine (structure, reachability,
    /// findings, YAML), or why it could not be compared. Only the request's page asks for
    /// it; the answers to actions leave it out.
    pub diff: Option<RevisionDiff>,
    pub diff_error: Option<String>,
    /// Every finding of the proposed revision, errors first (on the request's page only).
    pub findings: Vec<FindingRow>,
    /// The apply that carried it out, with its result, and the override when there was one.
    pub deployment: Option<RequestDeployment>,
    /// What the asking user may do here, so the page offers only that (the server checks
    /// every call again).
    pub can: RequestPowers,
}

/// A revision pushed to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedRevision {
    pub revision: i64,
    pub author: String,
    pub message: String,
    pub pushed_by: String,
    pub pushed_at: String,
}

/// A review given on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub reviewer: String,
    pub verdict: Verdict,
    pub revision: i64,
    pub plan_hash: String,
    pub message: String,
    pub at: String,
    /// Why it no longer counts, when it was dismissed.
    pub dismissed: Option<String>,
}

/// A comment in a request's discussion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRow {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub revision: i64,
    pub anchor: Option<Anchor>,
    pub at: String,
}

/// What a comment is about: a zone, a service or a flow of the revision it was written on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// `zone`, `service` or `flow`.
    pub kind: String,
    /// The zone's or service's name, or the flow's index in the revision.
    pub key: String,
    /// How it reads: `zone dmz`, `flow web -> db tcp/5432`.
    pub label: String,
}

impl Anchor {
    /// The designer's `select` query value for it: `zone:dmz`, `service:web`, `flow:2`.
    pub fn select(&self) -> String {
        format!("{}:{}", self.kind, self.key)
    }
}

/// The apply of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDeployment {
    pub id: i64,
    pub result: String,
    pub by: String,
    pub at: String,
    /// The admin's written reason, when the apply went past missing approvals.
    pub override_reason: Option<String>,
    /// The newest verify of that apply, if one ran: (id, passed, summary).
    pub verification: Option<(i64, bool, String)>,
}

/// What the asking user may do on a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPowers {
    pub comment: bool,
    pub push: bool,
    pub replan: bool,
    pub withdraw: bool,
    pub review: bool,
    pub apply: bool,
    /// Apply is possible only past missing approvals, with a written reason (admins).
    pub override_needed: bool,
    pub verify: bool,
}
