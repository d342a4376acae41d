//! `observe-mode`: a design, or a zone, whose firewall logs and lets through what it would
//! drop. A rollout step, not a place to stay: the finding says how much enforcing would
//! close, so the team sees when it is safe to switch.

use crate::model::{ValidDesign, accepting};
use crate::raw::{Driver, PolicyMode};
use crate::reach::would_block;

use super::{Finding, FindingCode};

/// One finding for the design's own `mode: observe`, and one per zone that observes
/// under a design that enforces.
pub(super) fn check(design: &ValidDesign, out: &mut Vec<Finding>) {
    let zones: Vec<_> = design
        .zones
        .iter()
        .filter(|z| z.mode == PolicyMode::Observe && z.driver == Driver::Bridge)
        .collect();
    if zones.is_empty() && design.mode == PolicyMode::Enforce {
        return;
    }
    let pairs = would_block(design).len();
    let closes = match pairs {
        0 => "with every part enforcing, no connection that passes now would be blocked".to_owned(),
        1 => "with every part enforcing, 1 pair of services that connects now would be blocked"
            .to_owned(),
        n => format!(
            "with every part enforcing, {n} pairs of services that connect now would be blocked"
        ),
    };
    let then = "watch the BULKHEAD-OBSERVE counts on the deployment, then remove mode (or set enforce) to enforce";
    if design.mode == PolicyMode::Observe {
        out.push(Finding::new(
            FindingCode::ObserveMode,
            "mode",
            format!(
                "the design is in observe mode: its host policy, and the isolation and deny flows of every zone that does not set mode: enforce, log and count what they would drop, and let it through (Docker's separation of zones stays enforced); {closes}; {then}"
            ),
        ));
        return;
    }
    for zone in zones {
        let mut finding = Finding::new(
            FindingCode::ObserveMode,
            format!("zones.{}.mode", zone.name),
            format!(
                "zone {} is in observe mode: its isolation and deny flows log and count what they would drop, and let it through; {closes}; {then}",
                zone.name
            ),
        );
        accepting(&zone.accept)(&mut finding);
        out.push(finding);
    }
}
