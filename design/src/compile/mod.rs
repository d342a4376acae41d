//! The compilers: a [`ValidDesign`] becomes a Compose file, an `iptables-restore` input
//! and a bash script around it, or an nftables table. Pure (no IO), deterministic bytes
//! for the same design; each takes only a checked design, so no unchecked name reaches
//! an artifact, and every value is quoted for its target anyway.

mod compose;
mod compose_values;
mod export;
mod header;
mod host;
mod iptables;
mod names;
mod nftables;
mod observe;
mod policy;
mod published;
mod script;
mod yaml;

pub use compose::compose;
pub use export::{Export, UnknownFormat};
pub use iptables::iptables_restore;
pub use names::{
    CHAIN_NAME_MAX, chain_name, container_name, container_name_of, input_chain_name, network_name,
    network_name_of, nft_table_name,
};
pub use nftables::nftables;
pub use observe::{LOG_OBSERVE, OBSERVE_MARK};
pub use policy::{
    COMMENT_MAX, LOG_DENY, LOG_FLOW, Limit, Policy, PortField, Ports, Rule, State, Verdict,
    has_input_chain, policy,
};
pub use script::iptables_script;

use crate::ValidDesign;

/// An artifact a design compiles to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A Compose file ([`compose`]).
    Compose,
    /// An `iptables-restore` input ([`iptables_restore`]).
    Iptables,
    /// A bash script around the ruleset ([`iptables_script`]).
    IptablesScript,
    /// An nftables table ([`nftables`]).
    Nftables,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Compose,
        Format::Iptables,
        Format::IptablesScript,
        Format::Nftables,
    ];

    /// The name used on the command line (`compose`, `iptables`, `iptables-script`,
    /// `nftables`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Compose => "compose",
            Format::Iptables => "iptables",
            Format::IptablesScript => "iptables-script",
            Format::Nftables => "nftables",
        }
    }
}

/// Compiles `design` to `format`; `revision` goes into the header when known.
pub fn compile(design: &ValidDesign, format: Format, revision: Option<u64>) -> String {
    match format {
        Format::Compose => compose(design, revision),
        Format::Iptables => iptables_restore(design, revision),
        Format::IptablesScript => iptables_script(design, revision),
        Format::Nftables => nftables(design, revision),
    }
}
