//! Checking services: names, images, network modes, zones and addresses, ports,
//! hardening, accepted findings and the `compose:` pass-through.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use crate::alloc;
use crate::diagnostic::Code;
use crate::findings::FindingCode;
use crate::model::{
    Alias, Healthcheck, ImageRef, Membership, NetworkMode, PublishedPort, RESTART_RULE,
    RestartPolicy, Service, ServiceId, ServiceName, ZoneId,
};
use crate::raw::{MANAGED_COMPOSE_KEYS, RawDesign, RawService};

use super::ctx::{Ctx, did_you_mean, key, quote, suggest};
use super::hardening::{self, CheckedHardening};
use super::zones::Zones;

/// The checked services and the names refused.
pub(crate) struct Services {
    pub(crate) services: Vec<Service>,
    pub(crate) ids: HashMap<String, ServiceId>,
    pub(crate) refused: HashSet<String>,
}

enum Net {
    Bridged,
    Closed,
    Host,
    Container(String),
}

struct PendingMember {
    zone: ZoneId,
    ipv4: Option<Ipv4Addr>,
    aliases: Vec<Alias>,
}

struct Draft<'a> {
    raw_name: &'a str,
    name: ServiceName,
    image: Option<ImageRef>,
    net: Net,
    members: Vec<PendingMember>,
    ports: Vec<PublishedPort>,
    hardening: crate::model::Hardening,
    accept: Vec<FindingCode>,
    compose: Compose,
}

fn parse_net(ctx: &mut Ctx, path: &str, raw: &RawService) -> Option<Net> {
    match raw.network.as_deref() {
        None | Some("bridged") => Some(Net::Bridged),
        Some("closed") => Some(Net::Closed),
        Some("host") => Some(Net::Host),
        Some(other) => match other.strip_prefix("container:") {
            Some(target) if !target.is_empty() => Some(Net::Container(target.to_owned())),
            _ => {
                ctx.error(
                    Code::InvalidNetworkMode,
                    format!("{path}.network"),
                    format!("{} is not a network mode; write bridged, closed, host or container:<service>", quote(other)),
                );
                None
            }
        },
    }
}

fn check_members(ctx: &mut Ctx, path: &str, raw: &RawService, zones: &Zones) -> Vec<PendingMember> {
    let mut out = Vec::new();
    for (zone_name, m) in raw.zones.iter() {
        let mpath = format!("{path}.zones.{}", key(zone_name));
        let Some(&zone) = zones.ids.get(zone_name) else {
            if !zones.refused.contains(zone_name) {
                let hint = did_you_mean(suggest(zone_name, zones.ids.keys().map(String::as_str)));
                ctx.error(
                    Code::UnknownZone,
                    mpath,
                    format!(
                        "zone {} does not exist; declare it under zones: or remove it here.{hint}",
                        quote(zone_name)
                    ),
                );
            }
            continue;
        };
        let ipv4 = match m.ipv4.as_deref().map(|a| a.parse::<Ipv4Addr>()) {
            Some(Ok(a)) => Some(a),
            Some(Err(_)) => {
                ctx.error(
                    Code::InvalidAddress,
                    format!("{mpath}.ipv4"),
                    format!("{} is not an IPv4 address; write a.b.c.d inside the zone's subnet, or leave it out to have one allocated", quote(m.ipv4.as_deref().unwrap_or_default())),
                );
                None
            }
            None => None,
        };
        let mut aliases = Vec::new();
        for (i, a) in m.aliases.iter().enumerate() {
            match Alias::parse(a) {
                Ok(alias) => aliases.push(alias),
                Err(e) => ctx.error(
                    Code::InvalidName,
                    format!("{mpath}.aliases[{i}]"),
                    format!("alias {} {e}", quote(a)),
                ),
            }
        }
        out.push(PendingMember {
            zone,
            ipv4,
            aliases,
        });
    }
    out
}

/// `compose:` checked: no key the design manages, and the keys the engine applies besides
/// the export (`restart`, `healthcheck`) parsed, each problem at its own path.
struct Compose {
    map: serde_json::Map<String, serde_json::Value>,
    restart: Option<RestartPolicy>,
    healthcheck: Option<Healthcheck>,
}

fn check_compose(ctx: &mut Ctx, path: &str, raw: &RawService) -> Compose {
    let map = raw.compose.clone().unwrap_or_default();
    for k in map.keys() {
        if MANAGED_COMPOSE_KEYS.contains(&k.as_str()) {
            ctx.error(
                Code::ComposeManagedKey,
                format!("{path}.compose.{}", key(k)),
                format!("`{k}` is managed by the design itself; use the service's zones, ports, network or hardening instead of compose.{k}"),
            );
        }
    }
    let restart = map.get("restart").and_then(|v| {
        let parsed = match v.as_str() {
            Some(text) => RestartPolicy::parse(text),
            None => Err(format!("{v} is not a restart policy; {RESTART_RULE}")),
        };
        parsed
            .map_err(|e| {
                ctx.error(
                    Code::InvalidComposeValue,
                    format!("{path}.compose.restart"),
                    e,
                )
            })
            .ok()
    });
    let healthcheck = map.get("healthcheck").and_then(|v| {
        Healthcheck::parse(v)
            .map_err(|problems| {
                for (at, message) in problems {
                    let at = if at.is_empty() {
                        String::new()
                    } else {
                        format!(".{}", key(&at))
                    };
                    ctx.error(
                        Code::InvalidComposeValue,
                        format!("{path}.compose.healthcheck{at}"),
                        message,
                    );
                }
            })
            .ok()
    });
    Compose {
        map,
        restart,
        healthcheck,
    }
}

fn draft<'a>(
    ctx: &mut Ctx,
    raw_name: &'a str,
    raw: &RawService,
    zones: &Zones,
    defaults: &CheckedHardening,
) -> Option<Draft<'a>> {
    let path = format!("services.{}", key(raw_name));
    let name = ServiceName::parse(raw_name)
        .map_err(|e| {
            ctx.error(
                Code::InvalidName,
                &path,
                format!("service name {} {e}", quote(raw_name)),
            )
        })
        .ok();
    let image = match raw.image.as_deref().map(ImageRef::parse) {
        Some(Ok(i)) => Some(Some(i)),
        Some(Err(e)) => {
            ctx.error(
                Code::InvalidImage,
                format!("{path}.image"),
                format!(
                    "image {} {e}",
                    quote(raw.image.as_deref().unwrap_or_default())
                ),
            );
            None
        }
        None => Some(None),
    };
    let net = parse_net(ctx, &path, raw);
    let mut members = check_members(ctx, &path, raw, zones);
    if !matches!(net, Some(Net::Bridged) | None) && !raw.zones.is_empty() {
        ctx.error(
            Code::NetworkWithZones,
            format!("{path}.zones"),
            format!(
                "service {raw_name} uses network {} and so cannot join zones; remove its zones, or remove network: to keep it bridged",
                raw.network.as_deref().unwrap_or_default()
            ),
        );
        members.clear();
    }
    let needs_image = !(matches!(net, Some(Net::Closed)) && raw.zones.is_empty());
    if needs_image && raw.image.is_none() {
        ctx.error(
            Code::MissingImage,
            format!("{path}.image"),
            format!("service {raw_name} has no image; write one, e.g. image: nginx:1.27"),
        );
        return None;
    }
    let mut ports = Vec::new();
    if !matches!(net, Some(Net::Bridged) | None) && !raw.ports.is_empty() {
        ctx.error(
            Code::InvalidPort,
            format!("{path}.ports"),
            format!(
                "service {raw_name} uses network {}, where Docker cannot publish ports; remove its ports, or make it bridged",
                raw.network.as_deref().unwrap_or_default()
            ),
        );
    }
    for (i, p) in raw.ports.iter().enumerate() {
        match PublishedPort::parse(p.as_str()) {
            Ok(port) => ports.push(port),
            Err(e) => ctx.error(Code::InvalidPort, format!("{path}.ports[{i}]"), e),
        }
    }
    let own = raw
        .hardening
        .as_ref()
        .map(|h| hardening::check(ctx, h, &format!("{path}.hardening")))
        .unwrap_or_default();
    let mut accept = Vec::new();
    for (i, code) in raw.accept.iter().enumerate() {
        match FindingCode::from_str_opt(code) {
            Some(c) => accept.push(c),
            None => {
                let hint = did_you_mean(suggest(code, FindingCode::ALL.iter().map(|c| c.as_str())));
                ctx.error(
                    Code::UnknownFindingCode,
                    format!("{path}.accept[{i}]"),
                    format!(
                        "{} is not a finding code; accept lists codes such as host-network.{hint}",
                        quote(code)
                    ),
                );
            }
        }
    }
    let compose = check_compose(ctx, &path, raw);
    Some(Draft {
        raw_name,
        name: name?,
        image: image?,
        net: net?,
        members,
        ports,
        hardening: hardening::merge(defaults, &own),
        accept,
        compose,
    })
}

/// Drops services whose `container:` target is missing or refused, and those in a
/// cycle, reporting each root cause once.
fn settle_containers(
    ctx: &mut Ctx,
    drafts: &mut Vec<Draft<'_>>,
    refused: &mut HashSet<String>,
    all: &HashSet<&str>,
) {
    loop {
        let alive: HashSet<String> = drafts.iter().map(|d| d.raw_name.to_owned()).collect();
        let before = drafts.len();
        drafts.retain(|d| match &d.net {
            Net::Container(t) if !alive.contains(t) => {
                if !all.contains(t.as_str()) {
                    let hint = did_you_mean(suggest(t, all.iter().copied()));
                    ctx.error(
                        Code::UnknownService,
                        format!("services.{}.network", key(d.raw_name)),
                        format!("container:{t} names no service; name an existing service to share its network.{hint}"),
                    );
                }
                refused.insert(d.raw_name.to_owned());
                false
            }
            _ => true,
        });
        if drafts.len() != before {
            continue;
        }
        let target: HashMap<&str, &str> = drafts
            .iter()
            .filter_map(|d| match &d.net {
                Net::Container(t) => Some((d.raw_name, t.as_str())),
                _ => None,
            })
            .collect();
        let mut in_cycle: HashSet<String> = HashSet::new();
        for &start in target.keys() {
            let mut seen = vec![start];
            let mut cur = start;
            while let Some(&next) = target.get(cur) {
                if let Some(pos) = seen.iter().position(|&s| s == next) {
                    let cycle = &seen[pos..];
                    let mut members: Vec<&str> = cycle.to_vec();
                    members.sort_unstable();
                    if members[0] == start {
                        let chain: Vec<String> = cycle
                            .iter()
                            .map(|s| (*s).to_owned())
                            .chain([next.to_owned()])
                            .collect();
                        ctx.error(
                            Code::ContainerCycle,
                            format!("services.{}.network", key(start)),
                            format!("services share network namespaces in a circle ({}); one of them must be bridged or closed", chain.join(" -> ")),
                        );
                    }
                    in_cycle.extend(cycle.iter().map(|s| (*s).to_owned()));
                    break;
                }
                seen.push(next);
                cur = next;
            }
        }
        if in_cycle.is_empty() {
            return;
        }
        drafts.retain(|d| !in_cycle.contains(d.raw_name));
        refused.extend(in_cycle);
    }
}

fn check_published(ctx: &mut Ctx, services: &[Service]) {
    let mut bound: Vec<(u8, u16, u16, Option<Ipv4Addr>, usize, usize)> = Vec::new();
    for (s, svc) in services.iter().enumerate() {
        for (p, port) in svc.ports.iter().enumerate() {
            if let Some(h) = port.host_ports {
                bound.push((port.protocol as u8, h.lo(), h.hi(), port.host_ip, s, p));
            }
        }
    }
    bound.sort_unstable_by_key(|b| (b.0, b.1, b.4, b.5));
    for (i, a) in bound.iter().enumerate() {
        for b in &bound[i + 1..] {
            if b.0 != a.0 || b.1 > a.2 {
                break;
            }
            let same_ip = a.3.is_none() || b.3.is_none() || a.3 == b.3;
            if !same_ip {
                continue;
            }
            let (first, second) = if (a.4, a.5) < (b.4, b.5) {
                (a, b)
            } else {
                (b, a)
            };
            let shown = |x: &(u8, u16, u16, Option<Ipv4Addr>, usize, usize)| {
                format!("{} of {}", services[x.4].ports[x.5], services[x.4].name)
            };
            ctx.error(
                Code::DuplicatePublishedPort,
                format!("services.{}.ports[{}]", key(services[second.4].name.as_str()), second.5),
                format!(
                    "{} binds the same host address and port as {}; give one of them another host port",
                    shown(second),
                    shown(first)
                ),
            );
        }
    }
}

/// Checks the services and allocates member addresses.
pub(crate) fn check(
    ctx: &mut Ctx,
    raw: &RawDesign,
    zones: &Zones,
    defaults: &CheckedHardening,
) -> Services {
    let mut refused = HashSet::new();
    let mut drafts = Vec::new();
    for (name, svc) in raw.services.iter() {
        match draft(ctx, name, svc, zones, defaults) {
            Some(d) => drafts.push(d),
            None => {
                refused.insert(name.clone());
            }
        }
    }
    let all: HashSet<&str> = raw.services.iter().map(|(n, _)| n.as_str()).collect();
    settle_containers(ctx, &mut drafts, &mut refused, &all);

    let ids: HashMap<String, ServiceId> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.raw_name.to_owned(), ServiceId(i as u32)))
        .collect();

    // Addresses: pinned ones first (checked), then allocation for the rest, per zone.
    let mut addresses: Vec<Vec<Option<Ipv4Addr>>> =
        drafts.iter().map(|d| vec![None; d.members.len()]).collect();
    let mut dropped: HashSet<(usize, usize)> = HashSet::new();
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
                    dropped.insert((si, mi));
                } else if addr == zone.subnet.network()
                    || addr == zone.subnet.broadcast()
                    || addr == zone.gateway
                {
                    ctx.error(
                        Code::AddressReserved,
                        path,
                        format!("{addr} is the network, broadcast or gateway address of zone {}; choose another host address", zone.name),
                    );
                    dropped.insert((si, mi));
                } else if let Some(&other) = pinned_by.get(&addr) {
                    ctx.error(
                        Code::AddressInUse,
                        path,
                        format!("{addr} in zone {} is already pinned by service {}; give each service its own address", zone.name, drafts[other].name),
                    );
                    dropped.insert((si, mi));
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
                    dropped.insert((si, mi));
                }
            }
        }
    }

    let services: Vec<Service> = drafts
        .into_iter()
        .enumerate()
        .map(|(si, d)| {
            let network = match &d.net {
                Net::Bridged => NetworkMode::Bridged,
                Net::Closed => NetworkMode::Closed,
                Net::Host => NetworkMode::Host,
                Net::Container(t) => NetworkMode::Container(ids[t.as_str()]),
            };
            let zones = d
                .members
                .into_iter()
                .enumerate()
                .filter(|(mi, _)| !dropped.contains(&(si, *mi)))
                .filter_map(|(mi, m)| {
                    addresses[si][mi].map(|ipv4| Membership {
                        zone: m.zone,
                        ipv4,
                        pinned: m.ipv4.is_some(),
                        aliases: m.aliases,
                    })
                })
                .collect();
            Service {
                name: d.name,
                image: d.image,
                network,
                zones,
                ports: d.ports,
                hardening: d.hardening,
                accept: d.accept,
                restart: d.compose.restart,
                healthcheck: d.compose.healthcheck,
                compose: d.compose.map,
            }
        })
        .collect();
    check_published(ctx, &services);
    Services {
        services,
        ids,
        refused,
    }
}
