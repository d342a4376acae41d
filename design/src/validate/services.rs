//! Checking services: names, images, network modes, zones and addresses, ports,
//! hardening, accepted findings and the `compose:` pass-through.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use crate::diagnostic::Code;
use crate::model::{
    Accepted, Alias, ImageRef, Membership, NetworkMode, PublishedPort, Service, ServiceId,
    ServiceName, ZoneId,
};
use crate::raw::{RawDesign, RawService};

use super::accept;

mod addresses;
mod compose_keys;
mod mounts;
mod namespaces;
mod published;

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
    accept: Vec<Accepted>,
    compose: compose_keys::Compose,
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
    let accept = accept::check(ctx, &format!("{path}.accept"), &raw.accept);
    let compose = compose_keys::check(ctx, &path, raw);
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
        mounts::check(ctx, &format!("services.{}", key(name)), svc, raw);
        match draft(ctx, name, svc, zones, defaults) {
            Some(d) => drafts.push(d),
            None => {
                refused.insert(name.clone());
            }
        }
    }
    let all: HashSet<&str> = raw.services.iter().map(|(n, _)| n.as_str()).collect();
    namespaces::settle(ctx, &mut drafts, &mut refused, &all);

    let ids: HashMap<String, ServiceId> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.raw_name.to_owned(), ServiceId(i as u32)))
        .collect();

    let addresses = addresses::assign(ctx, zones, &drafts);

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
            // A member whose address was refused or could not be allocated is left out.
            let zones = d
                .members
                .into_iter()
                .enumerate()
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
                ulimits: d.compose.ulimits,
                process: d.compose.process,
                compose: d.compose.map,
            }
        })
        .collect();
    published::check(ctx, &services);
    Services {
        services,
        ids,
        refused,
    }
}
