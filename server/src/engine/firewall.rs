//! The host firewall side of the engine: the design's chain (jumped to from DOCKER-USER),
//! installed atomically with `iptables-restore --noflush` and removed again. The rules
//! themselves come from the design crate's compilers; this file only runs the host tools.

use serde::Serialize;
use tokio::process::Command;

use super::error::EngineError;
use super::info::EngineInfo;

/// Which firewall the engine programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FirewallBackend {
    /// iptables (with the DOCKER-USER chain).
    Iptables,
    /// nftables (Engine 29+): no DOCKER-USER chain, a table of our own instead.
    Nftables,
}

impl FirewallBackend {
    /// `iptables` or `nftables`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iptables => "iptables",
            Self::Nftables => "nftables",
        }
    }
}

/// Whether a design's chain is in place on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum FirewallState {
    /// The chain exists and DOCKER-USER jumps to it.
    Installed { chain: String },
    /// The chain exists but nothing jumps to it.
    NotJumpedTo { chain: String },
    /// No chain.
    Missing { chain: String },
    /// This process cannot look (not root, no iptables, or a remote engine).
    Unknown { reason: String },
}

impl FirewallState {
    /// True when the chain is in place and used.
    pub fn is_installed(&self) -> bool {
        matches!(self, Self::Installed { .. })
    }
}

async fn run(
    program: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> Result<(bool, String), EngineError> {
    use tokio::io::AsyncWriteExt;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let what = format!("running {program} {}", args.join(" "));
    let mut child = cmd.spawn().map_err(|e| EngineError::local(&what, e))?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .await
            .map_err(|e| EngineError::local(&what, e))?;
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| EngineError::local(&what, e))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok((out.status.success(), text))
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// Fills in the firewall facts of `info` by looking at this host.
pub(super) async fn probe_host(info: &mut EngineInfo) {
    if !info.local {
        info.firewall_note = Some(
            "the engine is remote: its host firewall must be changed there, with the exported script"
                .into(),
        );
        return;
    }
    if !is_root() {
        info.firewall_note =
            Some("not running as root: the firewall script must be run by root".into());
        return;
    }
    match info.firewall_backend {
        FirewallBackend::Iptables => {
            match run("iptables", &["-w", "-S", "DOCKER-USER"], None).await {
                Ok((true, _)) => {
                    info.docker_user_chain = true;
                    info.can_change_firewall = true;
                }
                Ok((false, text)) => {
                    info.firewall_note = Some(format!("no DOCKER-USER chain: {}", text.trim()));
                }
                Err(e) => info.firewall_note = Some(format!("iptables is not usable: {e}")),
            }
        }
        FirewallBackend::Nftables => match run("nft", &["list", "tables"], None).await {
            Ok((true, _)) => info.can_change_firewall = true,
            Ok((false, text)) => info.firewall_note = Some(format!("nft failed: {}", text.trim())),
            Err(e) => info.firewall_note = Some(format!("nft is not usable: {e}")),
        },
    }
}

/// Whether `chain` exists and DOCKER-USER jumps to it.
pub(crate) async fn state(info: &EngineInfo, chain: &str) -> FirewallState {
    if !info.can_change_firewall {
        return FirewallState::Unknown {
            reason: info
                .firewall_note
                .clone()
                .unwrap_or_else(|| "the host firewall cannot be read".into()),
        };
    }
    if info.firewall_backend == FirewallBackend::Nftables {
        return match run("nft", &["list", "table", "inet", chain], None).await {
            Ok((true, _)) => FirewallState::Installed {
                chain: chain.into(),
            },
            _ => FirewallState::Missing {
                chain: chain.into(),
            },
        };
    }
    match run("iptables", &["-w", "-S", chain], None).await {
        Ok((true, _)) => {}
        _ => {
            return FirewallState::Missing {
                chain: chain.into(),
            };
        }
    }
    match run("iptables", &["-w", "-C", "DOCKER-USER", "-j", chain], None).await {
        Ok((true, _)) => FirewallState::Installed {
            chain: chain.into(),
        },
        _ => FirewallState::NotJumpedTo {
            chain: chain.into(),
        },
    }
}

/// Installs `rules` (an `iptables-restore` input defining `chain`) atomically and makes
/// DOCKER-USER jump to it once.
pub(crate) async fn install_iptables(rules: &str, chain: &str) -> Result<(), EngineError> {
    let (ok, text) = run("iptables-restore", &["-w", "--noflush"], Some(rules)).await?;
    if !ok {
        return Err(EngineError::local(
            "iptables-restore refused the ruleset",
            text.trim(),
        ));
    }
    let (present, _) = run("iptables", &["-w", "-C", "DOCKER-USER", "-j", chain], None).await?;
    if !present {
        let (ok, text) = run(
            "iptables",
            &["-w", "-I", "DOCKER-USER", "1", "-j", chain],
            None,
        )
        .await?;
        if !ok {
            return Err(EngineError::local(
                "inserting the DOCKER-USER jump",
                text.trim(),
            ));
        }
    }
    Ok(())
}

/// Installs an nftables table from `ruleset`.
pub(crate) async fn install_nftables(ruleset: &str) -> Result<(), EngineError> {
    let (ok, text) = run("nft", &["-f", "-"], Some(ruleset)).await?;
    if ok {
        Ok(())
    } else {
        Err(EngineError::local("nft refused the table", text.trim()))
    }
}

/// Removes the DOCKER-USER jump (every copy) and the chain; absent parts are fine.
/// Returns true when something was removed.
pub(crate) async fn remove(info: &EngineInfo, chain: &str) -> Result<bool, EngineError> {
    if info.firewall_backend == FirewallBackend::Nftables {
        let (ok, _) = run("nft", &["delete", "table", "inet", chain], None).await?;
        return Ok(ok);
    }
    let mut removed = false;
    while run("iptables", &["-w", "-D", "DOCKER-USER", "-j", chain], None)
        .await?
        .0
    {
        removed = true;
    }
    if run("iptables", &["-w", "-S", chain], None).await?.0 {
        let (ok, text) = run("iptables", &["-w", "-F", chain], None).await?;
        if !ok {
            return Err(EngineError::local(
                "flushing the design's chain",
                text.trim(),
            ));
        }
        let (ok, text) = run("iptables", &["-w", "-X", chain], None).await?;
        if !ok {
            return Err(EngineError::local(
                "deleting the design's chain",
                text.trim(),
            ));
        }
        removed = true;
    }
    Ok(removed)
}

/// A design's firewall, compiled for one backend.
pub(crate) struct Compiled {
    /// The chain (iptables) or table (nftables) name.
    pub chain: String,
    /// `iptables-restore` input or `nft -f` text.
    pub rules: String,
}

/// The name of the design's chain (iptables) or table (nftables) on this backend.
pub(crate) fn chain_for(design: &design::ValidDesign, backend: FirewallBackend) -> String {
    match backend {
        FirewallBackend::Iptables => design::compile::chain_name(&design.name),
        FirewallBackend::Nftables => design::compile::nft_table_name(&design.name),
    }
}

/// The design's firewall through the design crate's compilers.
pub(crate) fn compiled(
    design: &design::ValidDesign,
    backend: FirewallBackend,
) -> Result<Compiled, EngineError> {
    let rules = match backend {
        FirewallBackend::Iptables => design::compile::iptables_restore(design, None),
        FirewallBackend::Nftables => design::compile::nftables(design, None),
    };
    Ok(Compiled {
        chain: chain_for(design, backend),
        rules,
    })
}

/// True when the design needs its firewall for the isolation it promises: allow flows in
/// isolated zones, deny flows, or a host policy.
pub(crate) fn design_needs_firewall(design: &design::ValidDesign) -> bool {
    design.host.is_some()
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
