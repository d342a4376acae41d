//! Drift: what differs between the live engine and a design, by the same normalised
//! comparison plan makes, plus the firewall chain's state.

use design::ValidDesign;
use serde::Serialize;

use super::DockerEngine;
use super::error::EngineError;
use super::firewall::{self, FirewallState};
use super::plan::{Conflict, plan};

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The object.
    pub object: String,
    /// What differs, and what apply would do about it.
    pub what: String,
}

/// What differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The design.
    pub design: String,
    /// Every difference.
    pub differences: Vec<Difference>,
    /// Objects with our names that are not ours.
    pub conflicts: Vec<Conflict>,
    /// The firewall chain's state.
    pub firewall: FirewallState,
    /// Whether the design relies on it.
    pub firewall_needed: bool,
}

impl DriftReport {
    /// True when the engine matches the design.
    pub fn in_sync(&self) -> bool {
        self.differences.is_empty()
            && self.conflicts.is_empty()
            && (!self.firewall_needed || self.firewall.is_installed())
    }

    /// The report as text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.in_sync() {
            out.push_str(&format!("{}: no drift\n", self.design));
        } else {
            out.push_str(&format!(
                "{}: {} difference(s)\n",
                self.design,
                self.differences.len()
            ));
        }
        for d in &self.differences {
            out.push_str(&format!("  {}: {}\n", d.object, d.what));
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "  CONFLICT {} {}: {}\n",
                c.object, c.name, c.reason
            ));
        }
        if self.firewall_needed && !self.firewall.is_installed() {
            out.push_str(&format!("  firewall: {:?}\n", self.firewall));
        }
        out
    }
}

/// Compares the engine with `design`.
pub async fn drift(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<DriftReport, EngineError> {
    let p = plan(design, engine).await?;
    let chain = firewall::chain_for(design, engine.info().firewall_backend);
    Ok(DriftReport {
        design: p.design.clone(),
        differences: p
            .actions
            .iter()
            .map(|a| Difference {
                object: a.target.clone(),
                what: format!("{} (apply would {})", a.reason, a.kind.verb()),
            })
            .collect(),
        conflicts: p.conflicts,
        firewall: firewall::state(engine.info(), &chain).await,
        firewall_needed: firewall::design_needs_firewall(design),
    })
}
