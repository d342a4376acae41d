//! Findings about zones and gateways.

use crate::model::{ValidDesign, accepting};
use crate::raw::Trust;

use super::{Finding, FindingCode};

/// The widest subnet a zone may have without accepting `wide-subnet`.
pub const WIDEST_PREFIX: u8 = 16;

/// Zones with subnets wider than a /16, and vault and restricted zones with a route out.
pub(super) fn check(design: &ValidDesign, out: &mut Vec<Finding>) {
    for zone in &design.zones {
        if zone.subnet.prefix_len() < WIDEST_PREFIX {
            let mut finding = Finding::new(
                FindingCode::WideSubnet,
                format!("zones.{}.subnet", zone.name),
                format!(
                    "zone {} takes {}, wider than a /{WIDEST_PREFIX}: a subnet that wide is likely to cover the host's own networks and cut it off its LAN or SSH; use a /24, or accept wide-subnet with the reason it must be this wide",
                    zone.name, zone.subnet
                ),
            );
            accepting(&zone.accept)(&mut finding);
            out.push(finding);
        }
        if zone.internal {
            continue;
        }
        let code = match zone.trust {
            Trust::Vault => FindingCode::VaultNotInternal,
            Trust::Restricted => FindingCode::RestrictedNotInternal,
            _ => continue,
        };
        let mut finding = Finding::new(
            code,
            format!("zones.{}", zone.name),
            format!(
                "zone {} is {} but has a route out of the host; set internal: true so a compromised member cannot send data out",
                zone.name,
                zone.trust.as_str()
            ),
        );
        accepting(&zone.accept)(&mut finding);
        out.push(finding);
    }
}
