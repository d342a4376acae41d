//! Deterministic, stable allocation of zone subnets and member addresses.
//!
//! Each name starts probing at a slot derived from a stable hash of the name (FNV-1a, the
//! same on every platform and release) and takes the first free slot from there. Names are
//! served in sorted order, so the result depends only on the set of names, not on document
//! order. Adding or removing a name only moves another name when it competes for the same
//! slot; pinning (writing `subnet:` or `ipv4:`) makes a value permanent.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::model::Cidr;

/// FNV-1a, 64 bits: stable across platforms and compiler versions.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Gives each named zone a free /24 from `pool` that overlaps none of `taken`.
/// Returns one entry per name, `None` when the pool has no free /24 left.
pub(crate) fn allocate_subnets(pool: Cidr, taken: &[Cidr], names: &[&str]) -> Vec<Option<Cidr>> {
    let mut out = vec![None; names.len()];
    let prefix = pool.prefix_len();
    if prefix > 24 {
        return out;
    }
    let slots = 1u64 << (24 - prefix);
    let base = u32::from(pool.network());
    let mut used: HashSet<u64> = HashSet::new();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    for i in order {
        let start = fnv1a(&[names[i].as_bytes()]) % slots;
        for step in 0..slots {
            let slot = (start + step) % slots;
            if used.contains(&slot) {
                continue;
            }
            let network = Ipv4Addr::from(base + ((slot as u32) << 8));
            let Ok(net) = Ipv4Net::new(network, 24) else {
                continue;
            };
            let candidate = Cidr::from_net(net);
            if taken.iter().any(|t| t.overlaps(&candidate)) {
                continue;
            }
            used.insert(slot);
            out[i] = Some(candidate);
            break;
        }
    }
    out
}

/// Gives each named member a free host address of `subnet`, skipping `reserved`
/// (gateway and pinned addresses). `None` when the subnet is full.
pub(crate) fn allocate_hosts(
    subnet: Cidr,
    reserved: &HashSet<Ipv4Addr>,
    names: &[&str],
) -> Vec<Option<Ipv4Addr>> {
    let mut out = vec![None; names.len()];
    let first = u32::from(subnet.network()) + 1;
    let hosts = u64::from(u32::from(subnet.broadcast()) - first);
    if hosts == 0 {
        return out;
    }
    let mut used: HashSet<u32> = HashSet::new();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    for i in order {
        let start = fnv1a(&[names[i].as_bytes()]) % hosts;
        for step in 0..hosts {
            let offset = ((start + step) % hosts) as u32;
            let addr = first + offset;
            if used.contains(&addr) || reserved.contains(&Ipv4Addr::from(addr)) {
                continue;
            }
            used.insert(addr);
            out[i] = Some(Ipv4Addr::from(addr));
            break;
        }
    }
    out
}

/// The bridge name for a zone that does not write one: `bh-` and twelve hex digits of a
/// hash of the design and zone names (15 characters, Linux's limit).
pub(crate) fn bridge_name(design: &str, zone: &str) -> String {
    let hash = fnv1a(&[design.as_bytes(), zone.as_bytes()]);
    format!("bh-{:012x}", hash & 0xffff_ffff_ffff)
}
