//! Checking zones: names, subnets (given or allocated), gateways, bridges, labels.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use indexmap::IndexMap;

use crate::alloc;
use crate::diagnostic::Code;
use crate::model::{Accepted, Cidr, InterfaceName, Zone, ZoneId, ZoneName};
use crate::raw::{RawDesign, RawZone, Scalar, UniqueMap};

use super::ctx::{Ctx, has_control, key, quote};

/// The checked zones, and the names of zones refused (so references to them are not
/// reported a second time).
pub(crate) struct Zones {
    pub(crate) zones: Vec<Zone>,
    pub(crate) ids: HashMap<String, ZoneId>,
    pub(crate) refused: HashSet<String>,
}

struct Draft<'a> {
    raw_name: &'a str,
    name: ZoneName,
    raw: &'a RawZone,
    subnet: Option<Cidr>,
    gateway: Option<Ipv4Addr>,
    bridge: Option<InterfaceName>,
    labels: IndexMap<String, String>,
    accept: Vec<Accepted>,
}

/// Docker labels of a zone or a volume at `path`: keys Docker takes and outside
/// `io.bulkhead.`, values on one line.
pub(super) fn check_labels(
    ctx: &mut Ctx,
    path: &str,
    raw: &UniqueMap<Scalar>,
) -> Option<IndexMap<String, String>> {
    let mut labels = IndexMap::new();
    let mut ok = true;
    for (k, v) in raw.iter() {
        let key_ok = k.starts_with(|c: char| c.is_ascii_alphanumeric())
            && k.len() <= 255
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b));
        if !key_ok {
            ok = false;
            ctx.error(
                Code::InvalidLabel,
                format!("{path}.labels.{}", key(k)),
                format!(
                    "label key {} is not valid; label keys match [a-zA-Z0-9][a-zA-Z0-9_./-]*, e.g. com.example.team",
                    quote(k)
                ),
            );
        } else if k.starts_with("io.bulkhead.") {
            ok = false;
            ctx.error(
                Code::InvalidLabel,
                format!("{path}.labels.{}", key(k)),
                format!("label key {} is under io.bulkhead., which Bulkhead sets itself; choose another prefix", quote(k)),
            );
        }
        if has_control(v.as_str()) || v.as_str().contains(['\n', '\t']) {
            ok = false;
            ctx.error(
                Code::InvalidLabel,
                format!("{path}.labels.{}", key(k)),
                format!(
                    "label value {} holds control characters; write it on one line",
                    quote(v.as_str())
                ),
            );
        }
        labels.insert(k.clone(), v.0.clone());
    }
    ok.then_some(labels)
}

fn draft<'a>(ctx: &mut Ctx, raw_name: &'a str, raw: &'a RawZone) -> Option<Draft<'a>> {
    let path = format!("zones.{}", key(raw_name));
    let name = ZoneName::parse(raw_name).map_err(|e| {
        ctx.error(
            Code::InvalidName,
            &path,
            format!("zone name {} {e}", quote(raw_name)),
        );
    });
    let subnet = match raw.subnet.as_deref().map(Cidr::parse_zone) {
        Some(Ok(c)) => Some(Some(c)),
        Some(Err(e)) => {
            ctx.error(Code::InvalidSubnet, format!("{path}.subnet"), e.to_string());
            None
        }
        None => Some(None),
    };
    let gateway = match raw.gateway.as_deref().map(|g| g.parse::<Ipv4Addr>()) {
        Some(Ok(g)) => Some(Some(g)),
        Some(Err(_)) => {
            ctx.error(
                Code::InvalidGateway,
                format!("{path}.gateway"),
                format!(
                    "{} is not an IPv4 address; write it as a.b.c.d inside the zone's subnet",
                    quote(raw.gateway.as_deref().unwrap_or_default())
                ),
            );
            None
        }
        None => Some(None),
    };
    if gateway.is_some_and(|g| g.is_some()) && raw.subnet.is_none() {
        ctx.error(
            Code::GatewayOutsideSubnet,
            format!("{path}.gateway"),
            "a gateway needs a subnet to lie in; write the zone's subnet too, or leave the gateway out",
        );
    }
    let bridge = match raw.bridge.as_deref().map(InterfaceName::parse) {
        Some(Ok(b)) => Some(Some(b)),
        Some(Err(e)) => {
            ctx.error(
                Code::InvalidBridgeName,
                format!("{path}.bridge"),
                format!(
                    "bridge name {} {e}",
                    quote(raw.bridge.as_deref().unwrap_or_default())
                ),
            );
            None
        }
        None => Some(None),
    };
    let labels = check_labels(ctx, &path, &raw.labels);
    let accept = super::accept::check(ctx, &format!("{path}.accept"), &raw.accept);
    Some(Draft {
        raw_name,
        name: name.ok()?,
        raw,
        subnet: subnet?,
        gateway: gateway?,
        bridge: bridge?,
        labels: labels?,
        accept,
    })
}

/// Checks the zones and allocates the subnets and bridge names they do not write.
pub(crate) fn check(
    ctx: &mut Ctx,
    raw: &RawDesign,
    design_name: &str,
    pool: Option<Cidr>,
) -> Zones {
    let mut refused = HashSet::new();
    let mut drafts = Vec::new();
    for (name, zone) in raw.zones.iter() {
        match draft(ctx, name, zone) {
            Some(d) => drafts.push(d),
            None => {
                refused.insert(name.clone());
            }
        }
    }

    let explicit: Vec<(usize, Cidr)> = drafts
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.subnet.map(|s| (i, s)))
        .collect();
    let mut sorted = explicit.clone();
    sorted.sort_by_key(|(_, c)| (c.network(), c.prefix_len()));
    for (a, &(i, ci)) in sorted.iter().enumerate() {
        for &(j, cj) in &sorted[a + 1..] {
            if u32::from(cj.network()) > u32::from(ci.broadcast()) {
                break;
            }
            let (first, second) = if i < j { (i, j) } else { (j, i) };
            let (cf, cs) = (drafts[first].subnet, drafts[second].subnet);
            ctx.error(
                Code::SubnetOverlap,
                format!("zones.{}.subnet", key(drafts[second].raw_name)),
                format!(
                    "{} of zone {} overlaps {} of zone {}; give each zone a subnet of its own",
                    cs.map(|c| c.to_string()).unwrap_or_default(),
                    drafts[second].name,
                    cf.map(|c| c.to_string()).unwrap_or_default(),
                    drafts[first].name,
                ),
            );
        }
    }

    let wanting: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].subnet.is_none())
        .collect();
    if let Some(pool) = pool {
        let taken: Vec<Cidr> = explicit.iter().map(|&(_, c)| c).collect();
        let names: Vec<&str> = wanting.iter().map(|&i| drafts[i].raw_name).collect();
        let given = alloc::allocate_subnets(pool, &taken, &names);
        for (&i, subnet) in wanting.iter().zip(given) {
            match subnet {
                Some(s) => drafts[i].subnet = Some(s),
                None => ctx.error(
                    Code::SubnetPoolExhausted,
                    format!("zones.{}", key(drafts[i].raw_name)),
                    format!(
                        "no free /24 is left in the subnet pool {pool} for zone {}; write a subnet for it, or widen defaults.subnet_pool",
                        drafts[i].name
                    ),
                ),
            }
        }
    }

    let mut zones = Vec::new();
    let mut ids = HashMap::new();
    let mut bridges: HashMap<String, String> = HashMap::new();
    for (i, d) in drafts.into_iter().enumerate() {
        let allocated = !explicit.iter().any(|&(e, _)| e == i);
        let Some(subnet) = d.subnet else {
            refused.insert(d.raw_name.to_owned());
            continue;
        };
        let path = format!("zones.{}", key(d.raw_name));
        let gateway = match d.gateway {
            Some(g) if !subnet.contains(g) => {
                ctx.error(
                    Code::GatewayOutsideSubnet,
                    format!("{path}.gateway"),
                    format!("gateway {g} is outside the subnet {subnet}; choose an address inside it, e.g. {}", subnet.first_host()),
                );
                refused.insert(d.raw_name.to_owned());
                continue;
            }
            Some(g) if g == subnet.network() || g == subnet.broadcast() => {
                ctx.error(
                    Code::GatewayReserved,
                    format!("{path}.gateway"),
                    format!("gateway {g} is the network or broadcast address of {subnet}; choose a host address, e.g. {}", subnet.first_host()),
                );
                refused.insert(d.raw_name.to_owned());
                continue;
            }
            Some(g) => g,
            None => subnet.first_host(),
        };
        let bridge = match d.bridge {
            Some(b) => b,
            None => match InterfaceName::parse(&alloc::bridge_name(design_name, d.raw_name)) {
                Ok(b) => b,
                Err(_) => unreachable!("derived bridge names are bh- and 12 hex digits"),
            },
        };
        if let Some(other) = bridges.get(bridge.as_str()) {
            ctx.error(
                Code::DuplicateBridgeName,
                format!("{path}.bridge"),
                format!("bridge {bridge} is already used by zone {other}; give each zone its own bridge name"),
            );
            refused.insert(d.raw_name.to_owned());
            continue;
        }
        bridges.insert(bridge.as_str().to_owned(), d.raw_name.to_owned());
        let id = ZoneId(zones.len() as u32);
        ids.insert(d.raw_name.to_owned(), id);
        zones.push(Zone {
            name: d.name,
            trust: d.raw.trust,
            subnet,
            subnet_allocated: allocated,
            gateway,
            bridge,
            internal: d.raw.internal,
            isolated: d.raw.isolated,
            mode: d.raw.mode.or(raw.mode).unwrap_or_default(),
            driver: d.raw.driver.unwrap_or_default(),
            labels: d.labels,
            accept: d.accept,
        });
    }
    Zones {
        zones,
        ids,
        refused,
    }
}
