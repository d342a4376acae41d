//! Apply's last step: the design's firewall on the engine's host, or why it was not
//! installed and how to install it by hand.

use design::ValidDesign;

use super::FirewallOutcome;
use crate::engine::DockerEngine;
use crate::engine::firewall;

/// Installs the design's chain (or nftables table) when asked and allowed; says why not
/// otherwise, with the command that does it by hand.
pub(super) async fn install_firewall(
    design: &ValidDesign,
    engine: &DockerEngine,
    wanted: bool,
) -> FirewallOutcome {
    let fw = &engine.info().firewall;
    let script = format!(
        "run `{}` on the engine's host, or apply with --firewall",
        firewall::by_hand(&design.name, fw.backend)
    );
    if !wanted {
        return FirewallOutcome::NotInstalled {
            reason: format!("not installed (no --firewall): {script}"),
        };
    }
    if !fw.can_change {
        return FirewallOutcome::NotInstalled {
            reason: format!(
                "cannot change this engine's firewall ({}): {script}",
                fw.note.as_deref().unwrap_or("unknown reason")
            ),
        };
    }
    match firewall::compiled(design, fw.backend) {
        Err(e) => FirewallOutcome::Failed {
            error: e.to_string(),
        },
        Ok(compiled) => {
            let result = match fw.backend {
                firewall::FirewallBackend::Iptables => firewall::install_iptables(&compiled).await,
                firewall::FirewallBackend::Nftables => {
                    firewall::install_nftables(&compiled.rules).await
                }
            };
            match result {
                Ok(()) => FirewallOutcome::Installed {
                    chain: compiled.chain,
                    note: firewall::after_install(design, engine).await,
                },
                Err(e) => FirewallOutcome::Failed {
                    error: e.to_string(),
                },
            }
        }
    }
}
