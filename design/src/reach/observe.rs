//! What observe mode lets through that enforcing would block: the pairs, and the ports,
//! that the same design with every `mode` set to `enforce` denies.

use serde::Serialize;

use crate::model::{PortSet, ServiceId, ValidDesign};
use crate::raw::PolicyMode;

use super::Reachability;

/// A pair of services that reach each other only because part of the design observes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WouldBlock {
    /// Source service.
    pub from: String,
    /// Target service.
    pub to: String,
    /// The ports enforcing would close, at the target's addresses and through the host.
    pub ports: PortSet,
}

/// True when some part of `design` (the design itself, or a zone) is in observe mode.
pub fn observes(design: &ValidDesign) -> bool {
    design.mode == PolicyMode::Observe || design.zones.iter().any(|z| z.mode == PolicyMode::Observe)
}

/// The same design with every part enforcing.
pub fn enforced(design: &ValidDesign) -> ValidDesign {
    let mut d = design.clone();
    d.mode = PolicyMode::Enforce;
    for z in &mut d.zones {
        z.mode = PolicyMode::Enforce;
    }
    d
}

/// Every ordered pair that reaches ports now which enforcing would block, in the
/// design's service order; empty when nothing observes.
pub fn would_block(design: &ValidDesign) -> Vec<WouldBlock> {
    if !observes(design) {
        return Vec::new();
    }
    let strict = enforced(design);
    let (now, then) = (
        Reachability::compute(design),
        Reachability::compute(&strict),
    );
    let n = design.services.len() as u32;
    let mut out = Vec::new();
    for a in (0..n).map(ServiceId) {
        for b in (0..n).map(ServiceId) {
            if a == b || now.same_ports(a, b, &then, a, b) {
                continue;
            }
            let reach = |r: &Reachability<'_>| r.ports(a, b).union(&r.host_path_ports(a, b));
            let ports = reach(&now).difference(&reach(&then));
            if !ports.is_empty() {
                out.push(WouldBlock {
                    from: design.service(a).name.as_str().to_owned(),
                    to: design.service(b).name.as_str().to_owned(),
                    ports,
                });
            }
        }
    }
    out
}
