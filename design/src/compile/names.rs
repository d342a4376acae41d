//! The names of what the compilers create, shared with the engine so that a host brought
//! up by Bulkhead and one brought up by `compose up` of the export look the same.

use crate::alloc::fnv1a;
use crate::model::{DesignName, ServiceName, ZoneName};

/// The Docker network of a zone: `<design>_<zone>`, as Compose names it.
pub fn network_name(design: &DesignName, zone: &ZoneName) -> String {
    network_name_of(design.as_str(), zone.as_str())
}

/// The container of a service: `<design>-<service>-1`, as Compose v2 names it.
pub fn container_name(design: &DesignName, service: &ServiceName) -> String {
    container_name_of(design.as_str(), service.as_str())
}

/// [`network_name`] of names not checked yet (what an import reads).
pub fn network_name_of(design: &str, zone: &str) -> String {
    format!("{design}_{zone}")
}

/// [`container_name`] of names not checked yet (what an import reads).
pub fn container_name_of(design: &str, service: &str) -> String {
    format!("{design}-{service}-1")
}

/// The longest chain name iptables accepts.
pub const CHAIN_NAME_MAX: usize = 28;

/// The design's own iptables chain, jumped to from `DOCKER-USER`: `BH-<design>` when the
/// name has at most 16 characters, else `BH-<first 15>-<8 hex digits of a hash of the
/// whole name>` (27 characters). The two forms differ in length, so no two designs share
/// a chain; the name is stable for a design and at most [`CHAIN_NAME_MAX`] characters.
pub fn chain_name(design: &DesignName) -> String {
    prefixed("BH-", design)
}

/// The design's chain for traffic to the host itself, jumped to from `INPUT` when the
/// design has `host.protect_host`: the same rule as [`chain_name`], with `BI-` in front.
pub fn input_chain_name(design: &DesignName) -> String {
    prefixed("BI-", design)
}

/// `<prefix><design>`, or a shortened form with a hash, as [`chain_name`] describes;
/// `prefix` has three characters.
fn prefixed(prefix: &str, design: &DesignName) -> String {
    let name = design.as_str();
    if name.len() <= 16 {
        format!("{prefix}{name}")
    } else {
        let hash = fnv1a(&[name.as_bytes()]) & 0xffff_ffff;
        format!("{prefix}{}-{hash:08x}", &name[..15])
    }
}

/// The design's own nftables table (family `inet`): `bulkhead_<design>`.
pub fn nft_table_name(design: &DesignName) -> String {
    format!("bulkhead_{design}")
}

/// A per-source rate-limit table's name (`hashlimit` in iptables, a set in nftables):
/// `bh` and 8 hex digits of a hash of the design, the limit and the bridge; 10 characters,
/// within the 15 that older kernels allow, and unique on the host with high probability.
pub(crate) fn limit_name(design: &DesignName, limit: usize, bridge: &str) -> String {
    let hash = fnv1a(&[
        design.as_str().as_bytes(),
        limit.to_string().as_bytes(),
        bridge.as_bytes(),
    ]) & 0xffff_ffff;
    format!("bh{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str) -> DesignName {
        DesignName::parse(name).expect("valid")
    }

    /// Chain names fit iptables' limit and stay apart for long names sharing a prefix.
    #[test]
    fn chain_names() {
        assert_eq!(chain_name(&d("three-tier")), "BH-three-tier");
        assert_eq!(chain_name(&d("abcdefghijklmnop")), "BH-abcdefghijklmnop");
        let long = chain_name(&d(&"a".repeat(63)));
        assert_eq!(long.len(), 27);
        assert!(long.starts_with("BH-aaaaaaaaaaaaaaa-"));
        assert_ne!(
            chain_name(&d("abcdefghijklmnopq")),
            chain_name(&d("abcdefghijklmnopr"))
        );
        assert!(chain_name(&d(&"z".repeat(63))).len() <= CHAIN_NAME_MAX);
        assert_eq!(input_chain_name(&d("three-tier")), "BI-three-tier");
        assert!(input_chain_name(&d(&"z".repeat(63))).len() <= CHAIN_NAME_MAX);
    }
}
