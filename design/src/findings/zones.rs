//! Findings about zones and gateways.

use crate::model::ValidDesign;
use crate::raw::Trust;

use super::{Finding, FindingCode};

/// Vault and restricted zones with a route out.
pub(super) fn check(design: &ValidDesign, out: &mut Vec<Finding>) {
    for zone in &design.zones {
        if zone.internal {
            continue;
        }
        let code = match zone.trust {
            Trust::Vault => FindingCode::VaultNotInternal,
            Trust::Restricted => FindingCode::RestrictedNotInternal,
            _ => continue,
        };
        out.push(Finding::new(
            code,
            format!("zones.{}", zone.name),
            format!(
                "zone {} is {} but has a route out of the host; set internal: true so a compromised member cannot send data out",
                zone.name,
                zone.trust.as_str()
            ),
        ));
    }
}
