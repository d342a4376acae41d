//! Members' addresses: pinned ones checked first (inside the subnet, not reserved, not taken
//! twice), then the others allocated from what is free, per zone.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use super::Draft;
use crate::alloc;
use crate::diagnostic::Code;
use crate::model::ZoneId;
use crate::validate::ctx::{Ctx, key};
use crate::validate::zones::Zones;

/// Each draft's members' addresses, in member order; `None` where the pinned address was
/// refused or no address was left.
pub(super) fn assign(
    ctx: &mut Ctx,
    zones: &Zones,
    drafts: &[Draft<'_>],
) -> Vec<Vec<Option<Ipv4Addr>>> {
    let mut addresses: Vec<Vec<Option<Ipv4Addr>>> =
        drafts.iter().map(|d| vec![None; d.members.len()]).collect();
    for (zi, zone) in zones.zones.iter().enumerate() {
        let zid = ZoneId(zi as u32);
        let mut reserved: HashSet<Ipv4Addr> = HashSet::from([zone.gateway]);
        let mut pinned_by: HashMap<Ipv4Addr, usize> = HashMap::new();
        let mut wanting: Vec<(usize, usize)> = Vec::new();
        for (si, d) in drafts.iter().enumerate() {
            for (mi, m) in d.members.iter().enumerate().filter(|(_, m)| m.zone == zid) {
                let path = format!(
                    "services.{}.zones.{}.ipv4",
                    key(d.raw_name),
                    key(zone.name.as_str())
                );
                let Some(addr) = m.ipv4 else {
                    wanting.push((si, mi));
                    continue;
                };
                if !zone.subnet.contains(addr) {
                    ctx.error(
                        Code::AddressOutsideSubnet,
                        path,
                        format!("{addr} is outside zone {}'s subnet {}; choose an address inside it or leave ipv4 out", zone.name, zone.subnet),
                    );
                } else if addr == zone.subnet.network()
                    || addr == zone.subnet.broadcast()
                    || addr == zone.gateway
                {
                    ctx.error(
                        Code::AddressReserved,
                        path,
                        format!("{addr} is the network, broadcast or gateway address of zone {}; choose another host address", zone.name),
                    );
                } else if let Some(&other) = pinned_by.get(&addr) {
                    ctx.error(
                        Code::AddressInUse,
                        path,
                        format!("{addr} in zone {} is already pinned by service {}; give each service its own address", zone.name, drafts[other].name),
                    );
                } else {
                    pinned_by.insert(addr, si);
                    reserved.insert(addr);
                    addresses[si][mi] = Some(addr);
                }
            }
        }
        let names: Vec<&str> = wanting.iter().map(|&(si, _)| drafts[si].raw_name).collect();
        let given = alloc::allocate_hosts(zone.subnet, &reserved, &names);
        for (&(si, mi), addr) in wanting.iter().zip(given) {
            match addr {
                Some(a) => addresses[si][mi] = Some(a),
                None => {
                    ctx.error(
                        Code::ZoneAddressesExhausted,
                        format!("services.{}.zones.{}", key(drafts[si].raw_name), key(zone.name.as_str())),
                        format!("zone {}'s subnet {} has no free address left for {}; give the zone a larger subnet", zone.name, zone.subnet, drafts[si].name),
                    );
                }
            }
        }
    }

    addresses
}
