//! What the history page exchanges with the server: the differences between two revisions
//! of a design, or between a revision and what is live on an engine.

use serde::{Deserialize, Serialize};

use super::ReachDelta;

/// Two states of a design compared: structure, reachability, findings and the YAML text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDiff {
    /// What is compared with: `revision 3`, `revision 2, live on local`, or `nothing (… not
    /// live on local)`.
    pub from: String,
    /// The revision compared.
    pub to: i64,
    /// Field by field: zones, services, flows, host policy.
    pub changes: Vec<FieldChange>,
    /// Who reaches whom differently (newly reachable first), and exposure.
    pub delta: ReachDelta,
    /// Findings the newer state has and the older did not, and those it no longer has.
    pub new_findings: Vec<FindingRow>,
    pub resolved_findings: Vec<FindingRow>,
    /// The YAML text diff, in hunks with three lines of context.
    pub yaml: Vec<YamlLine>,
}

/// One structural change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// `added`, `removed` or `changed`.
    pub kind: String,
    /// `zones.db.isolated`, `flows[api -> db]` …
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A finding as the diff lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    pub code: String,
    /// `error`, `warning` or `note` (accepted findings are notes).
    pub severity: String,
    pub path: String,
    pub message: String,
    /// The CIS Docker Benchmark check, when one applies.
    pub cis: Option<String>,
}

/// A line of the YAML diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YamlLine {
    /// `+` added, `-` removed, ` ` context, `@` a hunk's head.
    pub tag: String,
    pub text: String,
}
