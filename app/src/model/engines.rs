//! What the engine pages exchange with the server: engines, plans, jobs, deployments,
//! drift, verify reports and quarantines.

use serde::{Deserialize, Serialize};

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
    /// How many approvals an apply there needs (0, 1 or 2).
    pub approvals_required: u8,
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
    pub approvals_required: u8,
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
    pub engine_id: i64,
    /// How many approvals an apply on that engine needs.
    pub approvals_required: u8,
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
    /// Who would reach whom differently once it is applied.
    pub delta: ReachDelta,
}

/// What applying a revision changes in who reaches whom, against what is live on the engine
/// (the revision last applied there; an empty design when nothing of it is live there).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachDelta {
    /// The revision live there now, if any.
    pub baseline: Option<i64>,
    /// Pairs that become reachable, or reach more ports.
    pub gained: Vec<PairChange>,
    /// Pairs that become blocked, or reach fewer ports.
    pub lost: Vec<PairChange>,
    /// Changes of exposure (published ports, the internet), in words.
    pub exposure: Vec<String>,
}

/// One pair whose reachability changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairChange {
    pub from: String,
    pub to: String,
    /// The ports gained or lost (`tcp/5432, icmp`).
    pub ports: String,
    /// Why the new revision allows or blocks it.
    pub why: String,
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

/// A job on an engine (an apply, a verify), where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: u64,
    /// `apply`, `verify` or `destroy`.
    pub kind: String,
    /// "apply of three-tier r7 by alice".
    pub title: String,
    pub design_id: i64,
    pub engine: String,
    pub started_at: String,
    /// Every step so far, latest state of each.
    pub steps: Vec<JobStep>,
    /// How many changes the plan has.
    pub total: usize,
    /// `running`; an apply ends `applied` or `failed`, a verify `passed`, `mismatches` or
    /// `failed`, a destroy `removed` or `failed`.
    pub result: String,
    /// The closing summary, once it ended.
    pub summary: Option<String>,
    /// The deployment recorded when it ended (an apply).
    pub deployment: Option<i64>,
    /// The verify report recorded when it ended (a verify).
    pub verification: Option<i64>,
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
    pub state: DriftState,
    /// Each difference, in words (`object: what`); for an unreachable engine, the error.
    pub differences: Vec<String>,
}

/// How an applied design on an engine compares with what was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriftState {
    /// The engine holds exactly what the baseline says, firewall included.
    InSync,
    Drifting,
    /// The engine did not answer, or could not be read.
    Unreachable,
}

impl DriftState {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftState::InSync => "in-sync",
            DriftState::Drifting => "drifting",
            DriftState::Unreachable => "unreachable",
        }
    }
}

impl std::str::FromStr for DriftState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            DriftState::InSync,
            DriftState::Drifting,
            DriftState::Unreachable,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| format!("unknown drift state `{s}`"))
    }
}

/// A design live on an engine: the revision applied there, and what is known of it since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRow {
    /// The deployment that made it live.
    pub deployment: i64,
    pub design_id: i64,
    pub design: String,
    pub revision: i64,
    pub engine_id: i64,
    pub engine: String,
    pub applied_by: String,
    pub applied_at: String,
    /// The last drift check, if there was one since.
    pub drift: Option<DriftView>,
    /// The last verify report of this design on this engine, if any.
    pub verified: Option<VerifySummary>,
}

/// A verify report in one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifySummary {
    pub id: i64,
    pub revision: Option<i64>,
    pub passed: bool,
    pub checks: i64,
    pub mismatches: i64,
    pub not_judged: i64,
    pub by: String,
    pub at: String,
}

/// One probe of a verify: a connection tried, predicted and observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyCheck {
    pub from: String,
    /// A service, `host`, or `outside` (egress).
    pub to: String,
    pub zone: Option<String>,
    pub address: String,
    pub port: Option<u16>,
    /// `tcp`, `udp` or `icmp`.
    pub protocol: String,
    pub expected: bool,
    pub observed: bool,
    /// What the probe saw (`open`, `refused`, `timed out` …).
    pub detail: String,
    /// Not judged: the firewall the prediction relies on is missing.
    pub unverifiable: bool,
    /// Not judged: a silent UDP port that may be listening.
    pub inconclusive: bool,
    /// A published port tried at a host address (the path through the host).
    #[serde(default)]
    pub via_host: bool,
}

impl VerifyCheck {
    /// Judged, and the observation contradicts the prediction.
    pub fn is_mismatch(&self) -> bool {
        !self.unverifiable && !self.inconclusive && self.expected != self.observed
    }

    /// Counted neither as match nor mismatch.
    pub fn not_judged(&self) -> bool {
        self.unverifiable || self.inconclusive
    }

    /// `tcp/5432`, `icmp`; `host:tcp/8443` through the host.
    pub fn port_label(&self) -> String {
        let via = if self.via_host { "host:" } else { "" };
        match self.port {
            Some(p) => format!("{via}{}/{p}", self.protocol),
            None => format!("{via}{}", self.protocol),
        }
    }
}

/// A stored verify report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationView {
    pub summary: VerifySummary,
    pub design: String,
    pub design_id: Option<i64>,
    pub engine: String,
    /// The design's firewall while the probes ran, in words.
    pub firewall: String,
    pub checks: Vec<VerifyCheck>,
    /// Engine changes during probing, host exposure, services not probed …
    pub notes: Vec<String>,
    pub unprobed: Vec<String>,
    pub engine_changes: Vec<String>,
    pub elapsed_ms: u64,
}

/// A container on an engine, as the engine page lists it for quarantine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineContainer {
    pub name: String,
    /// The design and service it belongs to.
    pub design: String,
    pub service: String,
    /// `running`, `exited` …
    pub state: String,
    /// The networks it is on now.
    pub networks: Vec<String>,
    /// Its quarantine, while it is quarantined.
    pub quarantine: Option<QuarantineRow>,
}

/// A container cut from its networks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineRow {
    pub id: i64,
    pub engine_id: i64,
    pub engine: String,
    pub container: String,
    pub reason: String,
    /// The networks it was on (what release restores), with its address there.
    pub networks: Vec<String>,
    pub by: String,
    pub at: String,
    pub released_by: Option<String>,
    pub released_at: Option<String>,
}
