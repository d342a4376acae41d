//! The gate in front of apply and export: a finding of severity error that nobody accepted
//! stops both, since what they produce runs on the host as root.

use std::fmt;

use super::{Finding, lint};
use crate::diagnostic::Severity;
use crate::model::ValidDesign;

/// The findings among `findings` that stop apply and export: errors not accepted.
pub fn blockers(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !f.accepted)
        .collect()
}

/// Apply and export refused: the errors that stop them, each with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked(pub Vec<Finding>);

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} finding{} of severity error stop{} apply and export; fix {}, or accept {} under the service's or zone's accept: with a reason, e.g. accept: [{{code: {}, reason: \"…\"}}]:",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
            if n == 1 { "it" } else { "each" },
            if n == 1 { "it" } else { "each" },
            self.0.first().map_or("privileged", |b| b.code.as_str()),
        )?;
        for b in &self.0 {
            writeln!(f, "  {}: {} [{}]", b.path, b.message, b.code)?;
        }
        Ok(())
    }
}

impl std::error::Error for Blocked {}

/// Ok when `design` may be applied or exported: no error finding is left unaccepted.
pub fn release(design: &ValidDesign) -> Result<(), Blocked> {
    let findings = lint(design);
    let blocking: Vec<Finding> = blockers(&findings).into_iter().cloned().collect();
    if blocking.is_empty() {
        Ok(())
    } else {
        Err(Blocked(blocking))
    }
}
