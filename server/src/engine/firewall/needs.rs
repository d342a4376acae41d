//! What a design asks of the host firewall: whether it needs it at all on an engine's
//! backend, and how to install it by hand when apply leaves it out.

use design::model::DesignName;

use super::FirewallBackend;

/// How to install the design's firewall by hand on the engine's host, for `backend`.
pub fn by_hand(design: &DesignName, backend: FirewallBackend) -> String {
    let name = design.as_str();
    match backend {
        FirewallBackend::Iptables => format!(
            "bulkhead export FILE --format iptables-script -o {name}-firewall.sh && sudo bash {name}-firewall.sh"
        ),
        FirewallBackend::Nftables => format!(
            "bulkhead export FILE --format nftables -o {name}.nft && sudo nft -f {name}.nft"
        ),
    }
}

/// What to say when apply left the design's firewall out (`--no-firewall`).
pub fn left_out(design: &design::ValidDesign, engine: &crate::engine::DockerEngine) -> String {
    format!(
        "the design's firewall was not installed (--no-firewall): install it by hand (`{}`), or its isolation does not hold",
        by_hand(&design.name, engine.info().firewall.backend)
    )
}

/// True when the design needs its firewall, on an engine whose firewall is `backend`, for
/// the isolation it promises: allow flows in isolated zones, deny flows, a host policy, a
/// part in observe mode; and on nftables any isolated zone (Docker's ICC stays on there, the
/// design's table does the isolating: see [`super::spec::network_specs`]).
pub fn design_needs_firewall(design: &design::ValidDesign, backend: FirewallBackend) -> bool {
    // Observe mode's accepts are what let traffic past Docker's ICC off: without the
    // firewall, an observed zone would enforce while the analysis says it does not.
    design.host.is_some()
        || (backend == FirewallBackend::Nftables && design.zones.iter().any(|z| z.isolated))
        || design::reach::observes(design)
        || design.flows.iter().any(|f| {
            matches!(f.action, design::raw::Action::Deny)
                || design.endpoint_services(f.from).iter().any(|&s| {
                    design
                        .service(s)
                        .zones
                        .iter()
                        .any(|m| design.zone(m.zone).isolated)
                })
        })
}

/// Whether apply installs the design's firewall on `engine`: where the design needs it, and
/// wherever an earlier revision's is in place, whose rules would otherwise go on (a removed
/// flow's accept, an observing zone's accepts) and whose open connections would not be cut.
pub async fn wanted(design: &design::ValidDesign, engine: &crate::engine::DockerEngine) -> bool {
    let fw = &engine.info().firewall;
    design_needs_firewall(design, fw.backend)
        || matches!(
            super::state(fw, design).await,
            super::FirewallState::Installed { .. } | super::FirewallState::NotJumpedTo { .. }
        )
}
