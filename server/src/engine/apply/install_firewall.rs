//! The design's firewall on the engine's host (apply's last step on iptables, its first on
//! nftables), or why it was not installed and how to install it by hand.

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

/// On nftables, why apply must not go on after the firewall step's `outcome`: the table
/// the design's isolated zones depend on (Docker's ICC stays on there) failed to install,
/// or will not be installed and is not in place already. `None` when it may go on.
pub(super) async fn refusal(
    design: &ValidDesign,
    engine: &DockerEngine,
    outcome: &FirewallOutcome,
) -> Option<String> {
    match outcome {
        FirewallOutcome::Failed { error } => Some(error.clone()),
        FirewallOutcome::NotInstalled { reason } if design.zones.iter().any(|z| z.isolated) => {
            let in_place = firewall::state(&engine.info().firewall, design).await;
            (!in_place.is_installed()).then(|| {
                format!(
                    "nothing was changed: on nftables the design's table is what isolates its isolated zones, and it is not in place ({reason})"
                )
            })
        }
        _ => None,
    }
}
