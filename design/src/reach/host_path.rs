//! The path through the host: a container that reaches the host's addresses reaches every
//! port published there, whichever zone the publishing service is in. Docker's userland
//! proxy accepts the connection on the host (it arrives from the source's zone bridge on
//! `INPUT`) and opens one of its own to the target, so no rule between zones applies.
//!
//! What the analysis assumes of the engine (verify checks it on the live host):
//! - a source only in `internal` zones does not get there: Docker translates the connection
//!   on its internal bridge (no userland-proxy exemption there) and its isolation rules drop
//!   what leaves an internal network;
//! - a port bound to a loopback address is out of every container's reach;
//! - `host.protect_host` limits the host ports a zone reaches to `host.host_ports`, the
//!   published ones included; `host.protect_published` closes every published port to the
//!   zones except along flows `via: host`, and with both, the flows alone decide (their
//!   rules come first in the input chain).

use serde::Serialize;

use crate::model::{PortRange, PortSet, PortSpec, PublishedPort, ServiceId};

use super::analysis::{Mode, Reachability};

/// The host ports Docker picks from when a published port names none (Linux's default
/// `net.ipv4.ip_local_port_range`).
pub const PICKED_PORTS: (u16, u16) = (32768, 60999);

/// One published port of a target that a source reaches through the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostPath {
    /// The published port, as written.
    pub published: PublishedPort,
    /// The host ports the source reaches of it (those the host's protections leave open).
    pub ports: PortSet,
    /// Why, in words.
    pub why: String,
}

impl PublishedPort {
    /// The host ports this binds as a set: the ones written, or the range Docker picks from.
    pub fn host_port_set(&self) -> PortSet {
        let range = self.host_ports.unwrap_or_else(|| {
            PortRange::new(PICKED_PORTS.0, PICKED_PORTS.1)
                .unwrap_or_else(|| unreachable!("a valid range"))
        });
        PortSet::from_specs(&[PortSpec::Ports(self.protocol, range)])
    }

    /// The bind address in words: `0.0.0.0` (every address) or the one written.
    pub fn bind_address(&self) -> String {
        self.host_ip
            .map_or_else(|| "0.0.0.0".to_owned(), |ip| ip.to_string())
    }
}

/// The flows `via: host` per source owner, from (source owner, target owner, flow) triples:
/// (target owner, flows) sorted by target.
pub(super) fn by_source(n: usize, mut pairs: Vec<(u32, u32, u32)>) -> Vec<Vec<(u32, Vec<u32>)>> {
    pairs.sort_unstable();
    pairs.dedup();
    let mut rows: Vec<Vec<(u32, Vec<u32>)>> = vec![Vec::new(); n];
    for (a, b, fi) in pairs {
        let row = &mut rows[a as usize];
        match row.last_mut() {
            Some((t, flows)) if *t == b => flows.push(fi),
            _ => row.push((b, vec![fi])),
        }
    }
    rows
}

impl Reachability<'_> {
    /// The flows `via: host` from one namespace owner to another.
    pub(crate) fn host_flows(&self, oa: u32, ob: u32) -> Option<&[u32]> {
        let row = &self.host_flows_by_source[oa as usize];
        row.binary_search_by_key(&ob, |(t, _)| *t)
            .ok()
            .map(|i| &row[i].1[..])
    }

    /// True when `host.protect_published` guards the published ports from service `s`: it is
    /// bridged, only into zones with a local bridge (as for `host.protect_host`).
    pub(crate) fn published_guarded(&self, s: usize) -> bool {
        self.protect_published && self.bridge_zones_only(s)
    }

    /// The published ports of `to` that `from` reaches through the host, with the host ports
    /// of each it reaches; empty when none (or when `from` reaches `to` as the same
    /// namespace, or uses the host network and so reaches everything directly).
    pub fn host_paths(&self, from: ServiceId, to: ServiceId) -> Vec<HostPath> {
        let (a, b) = (from.index(), to.index());
        let (oa, ob) = (self.owner[a], self.owner[b]);
        let target = &self.design.services[ob as usize];
        if oa == ob
            || self.mode[a] != Mode::Bridged
            || self.mode[b] != Mode::Bridged
            || target.ports.iter().all(PublishedPort::is_loopback)
            || !self.has_route_out(a)
        {
            return Vec::new();
        }
        // The design's input rules close published ports first, and what a flow via the
        // host opens leaves them before host.protect_host's rules: with both protections
        // the flows alone decide.
        let (guard, by_flows) = if self.published_guarded(a) {
            let open = self
                .host_flows(oa, ob)
                .map(|flows| self.union(flows))
                .unwrap_or_else(PortSet::empty);
            (Some(open), true)
        } else if self.host_guarded(a) {
            (self.host_ports.clone(), false)
        } else {
            (None, false)
        };
        let (an, bn) = (self.design.services[a].name.as_str(), target.name.as_str());
        let mut paths = Vec::new();
        for p in target.ports.iter().filter(|p| !p.is_loopback()) {
            let mut ports = p.host_port_set();
            if let Some(open) = &guard {
                ports = ports.intersection(open);
            }
            if ports.is_empty() {
                continue;
            }
            let bind = p.bind_address();
            let why = match (&guard, by_flows) {
                (Some(_), true) => format!(
                    "via the host: {bn} publishes {p} on {bind}, and a flow via: host opens {ports} of it to {an}"
                ),
                (Some(_), false) => format!(
                    "via the host: {bn} publishes {p} on {bind}, and host.host_ports leaves {ports} open to {an}'s zones"
                ),
                (None, _) => format!(
                    "via the host: {bn} publishes {p} on {bind}, which every container with a route to the host reaches (host.protect_published closes it)"
                ),
            };
            paths.push(HostPath {
                published: *p,
                ports,
                why,
            });
        }
        paths
    }

    /// The host ports through which `from` reaches `to` (see [`Self::host_paths`]), as one set.
    pub fn host_path_ports(&self, from: ServiceId, to: ServiceId) -> PortSet {
        let b = self.owner[to.index()] as usize;
        if self.design.services[b].ports.is_empty() {
            return PortSet::empty();
        }
        self.host_paths(from, to)
            .iter()
            .fold(PortSet::empty(), |acc, p| acc.union(&p.ports))
    }

    /// True when `from` reaches some published port of `to` through the host.
    pub fn via_host(&self, from: ServiceId, to: ServiceId) -> bool {
        let b = self.owner[to.index()] as usize;
        !self.design.services[b].ports.is_empty() && !self.host_paths(from, to).is_empty()
    }
}

/// What the host's protections leave a service.
impl Reachability<'_> {
    /// True when `host.protect_host` guards the host from service `s`: it is bridged, and
    /// only into zones with a local bridge (the rules sit on the zones' bridges; Docker's
    /// default bridge and overlay networks are not among them).
    pub(crate) fn host_guarded(&self, s: usize) -> bool {
        self.host_ports.is_some() && self.bridge_zones_only(s)
    }

    /// True when service `s` is bridged into zones only, each with a local bridge: the
    /// zones whose bridges the host's input rules sit on.
    pub(crate) fn bridge_zones_only(&self, s: usize) -> bool {
        let zones = &self.design.services[self.owner[s] as usize].zones;
        self.mode[s] == Mode::Bridged
            && !zones.is_empty()
            && zones
                .iter()
                .all(|m| self.design.zone(m.zone).driver == crate::raw::Driver::Bridge)
    }

    /// The ports service `from` reaches on the host's own addresses (any of them, its
    /// zone's gateway included): every port, unless `host.protect_host` guards the host from
    /// it; none from a closed service.
    pub fn host_ports(&self, from: ServiceId) -> PortSet {
        let s = from.index();
        match self.mode[s] {
            Mode::Closed => PortSet::empty(),
            Mode::Host => PortSet::any(),
            Mode::Bridged => match &self.host_ports {
                Some(ports) if self.host_guarded(s) => ports.clone(),
                _ => PortSet::any(),
            },
        }
    }
}
