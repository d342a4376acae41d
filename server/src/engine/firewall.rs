//! The host firewall side of the engine: the design's chain (jumped to from DOCKER-USER),
//! and with `host.protect_host` its input chain (jumped to from INPUT), installed atomically
//! with `iptables-restore --noflush` and removed again; on nftables, the design's table with
//! its `forward` and `input` chains. The rules themselves come from the design crate's
//! compilers; this file only runs the host tools.

use design::model::DesignName;
use serde::Serialize;
use tokio::process::Command;

use super::error::EngineError;

mod connections;
mod needs;

pub(crate) use connections::after_install;
pub use needs::{by_hand, left_out};
pub use needs::{design_needs_firewall, wanted};

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

/// The host firewall as seen on connect: which backend the engine programs, and whether
/// this process can change it. (Serialised flat into the engine's info, under the names
/// `bulkhead engine --format json` has always used.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostFirewall {
    /// The firewall backend the engine programs.
    #[serde(rename = "firewall_backend")]
    pub backend: FirewallBackend,
    /// True when the DOCKER-USER chain exists (iptables backend, local engine).
    pub docker_user_chain: bool,
    /// True when this process can change the host firewall (root, tools present, local).
    #[serde(rename = "can_change_firewall")]
    pub can_change: bool,
    /// Why not, when it cannot.
    #[serde(rename = "firewall_note")]
    pub note: Option<String>,
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

pub(super) async fn run(
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

/// The firewall facts of an engine whose backend is `backend`, found by looking at this
/// host (only a local engine's firewall is this host's).
pub(super) async fn probe_host(backend: FirewallBackend, local: bool) -> HostFirewall {
    let mut fw = HostFirewall {
        backend,
        docker_user_chain: false,
        can_change: false,
        note: None,
    };
    if !local {
        fw.note = Some(
            "the engine is remote: its host firewall must be changed there, with the exported script"
                .into(),
        );
        return fw;
    }
    if !rustix::process::geteuid().is_root() {
        fw.note = Some("not running as root: the firewall script must be run by root".into());
        return fw;
    }
    match backend {
        FirewallBackend::Iptables => {
            match run("iptables", &["-w", "-S", "DOCKER-USER"], None).await {
                Ok((true, _)) => {
                    fw.docker_user_chain = true;
                    fw.can_change = true;
                }
                Ok((false, text)) => {
                    fw.note = Some(format!("no DOCKER-USER chain: {}", text.trim()));
                }
                Err(e) => fw.note = Some(format!("iptables is not usable: {e}")),
            }
        }
        FirewallBackend::Nftables => match run("nft", &["list", "tables"], None).await {
            Ok((true, _)) => fw.can_change = true,
            Ok((false, text)) => fw.note = Some(format!("nft failed: {}", text.trim())),
            Err(e) => fw.note = Some(format!("nft is not usable: {e}")),
        },
    }
    fw
}

/// Whether the design's firewall is in place: its chain exists and DOCKER-USER jumps to it,
/// and, when the design protects the host, its input chain exists and INPUT jumps to it (on
/// nftables: the table, with its `input` chain when the host is protected).
pub(crate) async fn state(fw: &HostFirewall, design: &design::ValidDesign) -> FirewallState {
    let chain = chain_for(design, fw.backend);
    let forward = chain_state(fw, &chain, "DOCKER-USER").await;
    if !forward.is_installed() || !protects_host(design) {
        return forward;
    }
    match fw.backend {
        FirewallBackend::Nftables => {
            match run("nft", &["list", "chain", "inet", &chain, "input"], None).await {
                Ok((true, _)) => forward,
                _ => FirewallState::Missing {
                    chain: format!("{chain} input"),
                },
            }
        }
        FirewallBackend::Iptables => {
            let input = design::compile::input_chain_name(&design.name);
            chain_state(fw, &input, "INPUT").await
        }
    }
}

/// Whether the firewall of the design called `name` is in place, as far as its name tells
/// (the design itself is not at hand): the chain and its DOCKER-USER jump (or the table),
/// and the input chain's INPUT jump when the input chain exists.
pub(crate) async fn state_by_name(fw: &HostFirewall, name: &DesignName) -> FirewallState {
    let chain = match fw.backend {
        FirewallBackend::Iptables => design::compile::chain_name(name),
        FirewallBackend::Nftables => design::compile::nft_table_name(name),
    };
    let forward = chain_state(fw, &chain, "DOCKER-USER").await;
    if fw.backend == FirewallBackend::Nftables || !forward.is_installed() {
        return forward;
    }
    let input = design::compile::input_chain_name(name);
    match chain_state(fw, &input, "INPUT").await {
        FirewallState::Missing { .. } => forward,
        other => other,
    }
}

/// True when the design guards the host from its zones (`host.protect_host`, or
/// `host.protect_published` with ports to close): its firewall has an input chain.
pub(crate) fn protects_host(design: &design::ValidDesign) -> bool {
    design::compile::has_input_chain(design)
}

/// Whether `chain` exists and `from` jumps to it (iptables), or the table `chain` exists
/// (nftables).
async fn chain_state(fw: &HostFirewall, chain: &str, from: &str) -> FirewallState {
    if !fw.can_change {
        return FirewallState::Unknown {
            reason: fw
                .note
                .clone()
                .unwrap_or_else(|| "the host firewall cannot be read".into()),
        };
    }
    if fw.backend == FirewallBackend::Nftables {
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
    match run("iptables", &["-w", "-C", from, "-j", chain], None).await {
        Ok((true, _)) => FirewallState::Installed {
            chain: chain.into(),
        },
        _ => FirewallState::NotJumpedTo {
            chain: chain.into(),
        },
    }
}

/// Installs the compiled rules (an `iptables-restore` input defining the design's chains)
/// atomically and makes DOCKER-USER jump to the chain once, and INPUT to the input chain
/// when the design protects the host; an input chain an earlier revision left while this
/// one does not protect the host is taken away.
pub(crate) async fn install_iptables(compiled: &Compiled) -> Result<(), EngineError> {
    let (ok, text) = run(
        "iptables-restore",
        &["-w", "--noflush"],
        Some(&compiled.rules),
    )
    .await?;
    if !ok {
        return Err(EngineError::local(
            "iptables-restore refused the ruleset",
            text.trim(),
        ));
    }
    jump_once("DOCKER-USER", &compiled.chain).await?;
    if compiled.protects_host {
        jump_once("INPUT", &compiled.input_chain).await
    } else {
        remove_chain("INPUT", &compiled.input_chain)
            .await
            .map(|_| ())
    }
}

/// Makes `from` jump to `chain`, at the top, unless it already does.
async fn jump_once(from: &str, chain: &str) -> Result<(), EngineError> {
    let (present, _) = run("iptables", &["-w", "-C", from, "-j", chain], None).await?;
    if !present {
        let (ok, text) = run("iptables", &["-w", "-I", from, "1", "-j", chain], None).await?;
        if !ok {
            return Err(EngineError::local(
                format!("inserting the {from} jump"),
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

/// Removes the design's firewall: on iptables the DOCKER-USER and INPUT jumps (every copy)
/// and both chains, on nftables its table; absent parts are fine. Returns the name of
/// what was removed, when something was.
pub(crate) async fn remove(
    fw: &HostFirewall,
    design: &design::ValidDesign,
) -> Result<Option<String>, EngineError> {
    let chain = chain_for(design, fw.backend);
    if fw.backend == FirewallBackend::Nftables {
        let (ok, _) = run("nft", &["delete", "table", "inet", &chain], None).await?;
        return Ok(ok.then_some(chain));
    }
    let input = design::compile::input_chain_name(&design.name);
    let forward_removed = remove_chain("DOCKER-USER", &chain).await?;
    let input_removed = remove_chain("INPUT", &input).await?;
    Ok(match (forward_removed, input_removed) {
        (true, true) => Some(format!("{chain} and {input}")),
        (true, false) => Some(chain),
        (false, true) => Some(input),
        (false, false) => None,
    })
}

/// Removes every jump from `from` to `chain`, then the chain; true when something was there.
async fn remove_chain(from: &str, chain: &str) -> Result<bool, EngineError> {
    let mut removed = false;
    while run("iptables", &["-w", "-D", from, "-j", chain], None)
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
    /// The input chain's name (iptables; on nftables it is a chain of the table).
    pub input_chain: String,
    /// True when the design protects the host (the rules hold the input chain).
    pub protects_host: bool,
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
        input_chain: design::compile::input_chain_name(&design.name),
        protects_host: protects_host(design),
        rules,
    })
}
