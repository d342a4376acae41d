//! Drift: what differs between the live engine and a design, by the same normalised
//! comparison plan makes, plus the firewall chain's state.

use design::ValidDesign;
use serde::Serialize;

use super::DockerEngine;
use super::error::EngineError;
use super::firewall::{self, FirewallState};
use super::plan;
use super::plan::{Conflict, Plan};

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
    /// Every difference: the engine's objects, then the firewall when the design needs it
    /// and it is not in place. The report's count is this list's length.
    pub differences: Vec<Difference>,
    /// Objects with our names that are not ours.
    pub conflicts: Vec<Conflict>,
    /// The firewall chain's state.
    pub firewall: FirewallState,
    /// Whether the design relies on it.
    pub firewall_needed: bool,
}

/// The firewall as a difference, when the design needs it and it is not in place.
fn firewall_difference(state: &FirewallState) -> Option<Difference> {
    let (object, what) = match state {
        FirewallState::Installed { .. } => return None,
        FirewallState::Missing { chain } => (
            chain.clone(),
            "missing (apply --firewall would install it)".to_string(),
        ),
        FirewallState::NotJumpedTo { chain } => (
            chain.clone(),
            "in place, but DOCKER-USER does not jump to it (apply --firewall would add the jump)"
                .to_string(),
        ),
        FirewallState::Unknown { reason } => (
            "firewall".to_string(),
            format!("cannot be checked: {reason}"),
        ),
    };
    Some(Difference {
        object: format!("firewall {object}"),
        what,
    })
}

impl DriftReport {
    /// The report for a plan computed against the live engine and the firewall's state.
    pub fn new(plan: Plan, firewall: FirewallState, firewall_needed: bool) -> Self {
        let mut differences: Vec<Difference> = plan
            .actions
            .iter()
            .map(|a| Difference {
                object: a.target.clone(),
                what: format!("{} (apply would {})", a.reason, a.kind.verb()),
            })
            .collect();
        if firewall_needed {
            differences.extend(firewall_difference(&firewall));
        }
        Self {
            design: plan.design,
            differences,
            conflicts: plan.conflicts,
            firewall,
            firewall_needed,
        }
    }

    /// True when the engine matches the design.
    pub fn in_sync(&self) -> bool {
        self.differences.is_empty() && self.conflicts.is_empty()
    }

    /// A count, then exactly the items it counts.
    fn text(&self) -> String {
        let mut out = String::new();
        if self.in_sync() {
            out.push_str(&format!("{}: no drift\n", self.design));
        } else {
            out.push_str(&format!(
                "{}: {} difference(s)",
                self.design,
                self.differences.len()
            ));
            if !self.conflicts.is_empty() {
                out.push_str(&format!(", {} conflict(s)", self.conflicts.len()));
            }
            out.push('\n');
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
        out
    }
}

super::report::report!(DriftReport, |r| r.in_sync());

/// Compares the engine with `design`.
pub async fn drift(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<DriftReport, EngineError> {
    let p = plan(design, engine).await?;
    let state = firewall::state(&engine.info().firewall, design).await;
    Ok(DriftReport::new(
        p,
        state,
        firewall::design_needs_firewall(design, engine.info().firewall.backend),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::{Action, ActionKind};

    fn plan_with(actions: usize, conflicts: usize) -> Plan {
        Plan {
            design: "edge-mesh".into(),
            fingerprint: String::new(),
            actions: (0..actions)
                .map(|i| Action {
                    kind: ActionKind::Disconnect {
                        container: format!("edge-mesh-svc-{i}-1"),
                        network: "edge-mesh_mesh".into(),
                    },
                    target: format!("edge-mesh-svc-{i}-1"),
                    reason: "joined a network the design does not give it".into(),
                })
                .collect(),
            conflicts: (0..conflicts)
                .map(|i| Conflict {
                    object: "network".into(),
                    name: format!("edge-mesh_z{i}"),
                    reason: "not created by Bulkhead".into(),
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    fn missing() -> FirewallState {
        FirewallState::Missing {
            chain: "BH-edge-mesh".into(),
        }
    }

    /// The count in the first line is the number of difference lines listed, the missing
    /// firewall included (it once said "1 difference(s)" above two).
    #[test]
    fn count_matches_the_list() {
        for (actions, conflicts, firewall, needed, count) in [
            (1, 0, missing(), true, 2),
            (0, 0, missing(), true, 1),
            (2, 0, missing(), false, 2),
            (
                1,
                0,
                FirewallState::NotJumpedTo {
                    chain: "BH-edge-mesh".into(),
                },
                true,
                2,
            ),
            (
                0,
                0,
                FirewallState::Unknown {
                    reason: "not root".into(),
                },
                true,
                1,
            ),
            (
                3,
                1,
                FirewallState::Installed {
                    chain: "BH-edge-mesh".into(),
                },
                true,
                3,
            ),
        ] {
            let report = DriftReport::new(plan_with(actions, conflicts), firewall, needed);
            let text = report.to_string();
            let mut lines = text.lines();
            let head = lines.next().unwrap();
            assert!(
                head.starts_with(&format!("edge-mesh: {count} difference(s)")),
                "{text}"
            );
            let listed = lines.filter(|l| !l.contains("CONFLICT")).count();
            assert_eq!(listed, count, "{text}");
            assert_eq!(report.differences.len(), count);
            assert!(!report.in_sync());
        }
    }

    /// An engine that matches, with the firewall in place or not needed, is in sync.
    #[test]
    fn in_sync_when_nothing_differs() {
        let installed = FirewallState::Installed {
            chain: "BH-edge-mesh".into(),
        };
        for (firewall, needed) in [(installed, true), (missing(), false)] {
            let report = DriftReport::new(plan_with(0, 0), firewall, needed);
            assert!(report.in_sync());
            assert_eq!(report.to_string(), "edge-mesh: no drift\n");
        }
        let conflicted = DriftReport::new(plan_with(0, 1), missing(), false);
        assert!(!conflicted.in_sync());
        assert!(
            conflicted
                .to_string()
                .starts_with("edge-mesh: 0 difference(s), 1 conflict(s)\n")
        );
    }
}
