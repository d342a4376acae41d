//! Reachability (docs/design-format.md, "What a design means"): for every ordered pair of services, whether one can open
//! a connection to the other, on which ports, through which zones and why; plus what
//! reaches each service from outside and which services reach the internet.

mod analysis;
mod bitset;
mod explain;
mod host_path;
mod observe;
mod outside;
mod render;

pub use analysis::Reachability;
pub use explain::{PairReach, ZoneReach};
pub use host_path::{HostPath, PICKED_PORTS};
pub use observe::{WouldBlock, enforced, observes, would_block};
pub use outside::{Audience, Egress, HostAccess, Inbound};
pub use render::{UnknownService, matrix_json, matrix_text};

use crate::model::ValidDesign;

/// Explains whether service `from` reaches service `to`, by name.
pub fn explain(design: &ValidDesign, from: &str, to: &str) -> Option<PairReach> {
    Reachability::compute(design).explain(from, to)
}
