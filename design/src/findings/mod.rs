//! Findings (docs/design-format.md, "Findings"): risky but valid choices, each with a stable code, a severity,
//! a path, a message that says what to do, and the CIS Docker Benchmark check where one
//! applies. Validation errors block everything; findings of severity error block apply and
//! export until fixed or accepted with a reason ([`release`]).

mod flows;
mod gate;
mod host;
mod observe;
mod published;
mod services;
mod zones;

use std::fmt;

use serde::Serialize;

pub use crate::model::FindingCode;
pub use gate::{Blocked, blockers, release};
pub use host::{ANALYSED_COMPOSE_KEYS, sensitive_host_path};

use crate::diagnostic::Severity;
use crate::model::ValidDesign;
use crate::reach::Reachability;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case code.
    pub code: FindingCode,
    /// How serious it is (`note` once accepted).
    pub severity: Severity,
    /// Dotted path of what it concerns, e.g. `services.lb.ports[0]`.
    pub path: String,
    /// What is risky and what to do.
    pub message: String,
    /// The CIS Docker Benchmark check, e.g. `5.10`.
    pub cis: Option<&'static str>,
    /// True when the service or zone lists the code under `accept:`.
    pub accepted: bool,
    /// Why the team accepts it, when it does and says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Finding {
    pub(crate) fn new(
        code: FindingCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity: code.severity(),
            path: path.into(),
            message: message.into(),
            cis: code.cis(),
            accepted: false,
            reason: None,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.code, self.path, self.message
        )?;
        if let Some(cis) = self.cis {
            write!(f, " (CIS {cis})")?;
        }
        Ok(())
    }
}

/// Every finding of a design, in a stable order: zones, services, flows, then the paths
/// through the host to published ports.
pub fn findings(design: &ValidDesign, reach: &Reachability<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    zones::check(design, &mut out);
    services::check(design, &mut out);
    flows::check(design, reach, &mut out);
    published::check(design, reach, &mut out);
    observe::check(design, &mut out);
    out
}

/// Every finding of a design; computes the reachability it needs.
pub fn lint(design: &ValidDesign) -> Vec<Finding> {
    findings(design, &Reachability::compute(design))
}
