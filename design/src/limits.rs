//! How large a design may be. A design is untrusted input that runs on the host: every
//! analysis and compiler step is bounded by these, and a design over one is refused with the
//! limit named, before any work grows with it.

/// Zones in one design (a /16 subnet pool holds 256 zones of a /24).
pub const MAX_ZONES: usize = 256;
/// Services in one design.
pub const MAX_SERVICES: usize = 2_000;
/// Named volumes in one design.
pub const MAX_VOLUMES: usize = 2_000;
/// Secrets in one design.
pub const MAX_SECRETS: usize = 2_000;
/// Flows in one design.
pub const MAX_FLOWS: usize = 5_000;
/// Port specs in one flow.
pub const MAX_PORTS_PER_FLOW: usize = 64;
/// What all flows together expand to: for each flow, the ordered pairs of services it joins
/// (a flow between two zones stands for every pair of their members) times its port specs.
/// The firewall rules and the analysis grow with it.
pub const MAX_FLOW_EXPANSION: usize = 100_000;
