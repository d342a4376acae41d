//! The design's firewall on the engine's host (apply's last step on iptables, its first on
//! nftables), or why it was not installed and how to install it by hand.

use design::ValidDesign;

use super::FirewallOutcome;
use crate::engine::DockerEngine;
use crate::engine::firewall::{self, FirewallState};

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
/// the design's isolated zones depend on (Docker's ICC stays on there) failed to install, or
/// will not be installed and is not known to be in place. A table this process cannot see
/// (a host it cannot change) counts as in place only when the apply was told that the
/// firewall is installed by hand (`--no-firewall`). `None` when it may go on.
pub(super) async fn refusal(
    design: &ValidDesign,
    engine: &DockerEngine,
    wanted: bool,
    outcome: &FirewallOutcome,
) -> Option<String> {
    let reason = match outcome {
        FirewallOutcome::Failed { error } => return Some(error.clone()),
        FirewallOutcome::NotInstalled { reason } if design.zones.iter().any(|z| z.isolated) => {
            reason
        }
        _ => return None,
    };
    let fw = &engine.info().firewall;
    let by_hand = firewall::by_hand(&design.name, fw.backend);
    let why = "on nftables the design's table is what isolates its isolated zones";
    match firewall::state(fw, design).await {
        FirewallState::Installed { .. } => None,
        FirewallState::Unknown { .. } if !wanted => None,
        FirewallState::Unknown { reason: unseen } => Some(format!(
            "nothing was changed: {why}, and it cannot be installed or seen from here ({unseen}); install it on the engine's host (`{by_hand}`), then apply from the command line with --no-firewall, which records that it is installed by hand"
        )),
        _ => Some(format!(
            "nothing was changed: {why}, and it is not in place ({reason})"
        )),
    }
}
