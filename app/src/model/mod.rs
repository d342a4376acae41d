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
    /// What needs a look where the design is live: drift, an unreachable engine, a verify
    /// whose observations contradict the design.
    pub alerts: Vec<String>,
}

/// One saved version of a design.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub number: i64,
    pub author: String,
    pub created_at: String,
    pub message: String,
    /// What it changed, in one line (`+2 services, 1 flow changed`), once worked out.
    #[serde(default)]
    pub summary: Option<String>,
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

/// The shortest password accepted, in characters; the server checks it, the forms say it.
pub const MIN_PASSWORD_LEN: usize = 12;

/// The largest design document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The largest layout accepted, in bytes.
pub const MAX_LAYOUT_BYTES: usize = 256 * 1024;

pub mod audit;
pub mod counters;
mod engines;
mod requests;
mod review;
mod tokens;
pub use audit::{AUDIT_PAGE, AuditEntry, AuditFilter, AuditPage};
pub use engines::*;
pub use requests::*;
pub use review::*;
pub use tokens::*;
