//! The reachability analysis over every ordered pair of services (docs/design-format.md, "What a design means").

use crate::model::{NetworkMode, PortSet, ServiceId, ValidDesign};
use crate::raw::{Action, PolicyMode};

use super::bitset::ZoneSet;

/// How a service is networked once `container:` chains are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Bridged,
    Closed,
    Host,
}

/// The verdict for one ordered pair, kept small: explanations are built on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The same service.
    Itself,
    /// Both use one network namespace (`container:`).
    SameNamespace,
    /// One end is `closed`.
    Closed,
    /// The source uses the host network.
    FromHost,
    /// The target uses the host network and the source has a route out.
    ToHost,
    /// The target uses the host network, and `host.protect_host` limits what the source's
    /// zones reach on the host to `host.host_ports`.
    ToHostProtected,
    /// The target uses the host network and the source has no route out.
    ToHostNoRoute,
    /// Neither joins a zone: both land on Docker's default bridge.
    DefaultBridge,
    /// No shared zone.
    NoSharedZone,
    /// An open shared zone, no flow touches the pair: every port.
    Open,
    /// Shared zones are all isolated and no flow touches the pair.
    IsolatedNoFlow,
    /// Flows touch the pair; the ports are in the table at this index.
    Flows(u32),
}

/// Flows applying to one ordered pair of namespace owners.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairFlows {
    pub(crate) allow: Vec<u32>,
    pub(crate) deny: Vec<u32>,
}

/// The precomputed reachability of a design. Cheap to query; explanations in words come
/// from [`Reachability::pair`] and are built only when asked for.
#[derive(Debug)]
pub struct Reachability<'d> {
    pub(crate) design: &'d ValidDesign,
    pub(crate) owner: Vec<u32>,
    pub(crate) mode: Vec<Mode>,
    pub(crate) zones: Vec<ZoneSet>,
    pub(crate) isolated: ZoneSet,
    /// Zones in observe mode: what their rules between members would drop passes.
    pub(crate) observed: ZoneSet,
    pub(crate) internal: ZoneSet,
    /// Per owner: (target owner, flows), sorted by target.
    pub(crate) flows_by_source: Vec<Vec<(u32, PairFlows)>>,
    verdicts: Vec<Verdict>,
    /// For `Verdict::Flows(i)`: (ports via open zones, ports via isolated zones).
    pub(crate) flow_ports: Vec<(PortSet, PortSet)>,
    /// With `host.protect_host`: the host's ports the zones still reach.
    pub(crate) host_ports: Option<PortSet>,
    /// `host.protect_published`: the zones reach published ports only along flows `via: host`.
    pub(crate) protect_published: bool,
    /// Per owner: (target owner, flows `via: host`), sorted by target.
    pub(crate) host_flows_by_source: Vec<Vec<(u32, Vec<u32>)>>,
}

impl<'d> Reachability<'d> {
    /// Analyses every ordered pair of services of `design`.
    pub fn compute(design: &'d ValidDesign) -> Self {
        let n = design.services.len();
        let zone_count = design.zones.len();
        let owner: Vec<u32> = (0..n)
            .map(|i| design.namespace_owner(ServiceId(i as u32)).0)
            .collect();
        let mode: Vec<Mode> = (0..n)
            .map(|i| match design.services[owner[i] as usize].network {
                NetworkMode::Closed => Mode::Closed,
                NetworkMode::Host => Mode::Host,
                _ => Mode::Bridged,
            })
            .collect();
        let zones: Vec<ZoneSet> = (0..n)
            .map(|i| {
                let mut set = ZoneSet::new(zone_count);
                for m in &design.services[owner[i] as usize].zones {
                    set.insert(m.zone.index());
                }
                set
            })
            .collect();
        let mut isolated = ZoneSet::new(zone_count);
        let mut internal = ZoneSet::new(zone_count);
        let mut observed = ZoneSet::new(zone_count);
        for (i, z) in design.zones.iter().enumerate() {
            if z.isolated {
                isolated.insert(i);
            }
            if z.mode == PolicyMode::Observe {
                observed.insert(i);
            }
            if z.internal {
                internal.insert(i);
            }
        }

        let mut pairs: Vec<(u32, u32, u32, Action)> = Vec::new();
        let mut host_pairs: Vec<(u32, u32, u32)> = Vec::new();
        for (fi, flow) in design.flows.iter().enumerate() {
            let sources = design.endpoint_services(flow.from);
            let targets = design.endpoint_services(flow.to);
            for &a in &sources {
                for &b in &targets {
                    let (oa, ob) = (owner[a.index()], owner[b.index()]);
                    if oa == ob {
                        continue;
                    }
                    if flow.via_host {
                        host_pairs.push((oa, ob, fi as u32));
                    } else {
                        pairs.push((oa, ob, fi as u32, flow.action));
                    }
                }
            }
        }
        let host_flows_by_source = super::host_path::by_source(n, host_pairs);
        pairs.sort_unstable();
        pairs.dedup();
        let mut flows_by_source: Vec<Vec<(u32, PairFlows)>> = vec![Vec::new(); n];
        for (a, b, fi, action) in pairs {
            let row = &mut flows_by_source[a as usize];
            if row.last().is_none_or(|(t, _)| *t != b) {
                row.push((b, PairFlows::default()));
            }
            if let Some((_, pf)) = row.last_mut() {
                match action {
                    Action::Allow => pf.allow.push(fi),
                    Action::Deny => pf.deny.push(fi),
                }
            }
        }

        let mut this = Self {
            design,
            owner,
            mode,
            zones,
            isolated,
            observed,
            internal,
            flows_by_source,
            verdicts: Vec::with_capacity(n * n),
            flow_ports: Vec::new(),
            // In observe mode the host's protections log what they would drop, and let it
            // through.
            host_ports: design
                .host
                .as_ref()
                .filter(|h| h.protect_host && design.mode == PolicyMode::Enforce)
                .map(|h| PortSet::from_specs(&h.host_ports)),
            protect_published: design.mode == PolicyMode::Enforce
                && design.host.as_ref().is_some_and(|h| h.protect_published),
            host_flows_by_source,
        };
        for a in 0..n {
            let oa = this.owner[a] as usize;
            for b in 0..n {
                let verdict = this.evaluate(a, oa, b);
                this.verdicts.push(verdict);
            }
        }
        this
    }

    fn evaluate(&mut self, a: usize, oa: usize, b: usize) -> Verdict {
        if a == b {
            return Verdict::Itself;
        }
        let ob = self.owner[b] as usize;
        if oa == ob {
            return Verdict::SameNamespace;
        }
        match (self.mode[a], self.mode[b]) {
            (Mode::Closed, _) | (_, Mode::Closed) => return Verdict::Closed,
            (Mode::Host, _) => return Verdict::FromHost,
            (_, Mode::Host) => {
                return if !self.has_route_out(a) {
                    Verdict::ToHostNoRoute
                } else if self.host_guarded(a) {
                    Verdict::ToHostProtected
                } else {
                    Verdict::ToHost
                };
            }
            _ => {}
        }
        let no_zones = |s: usize| {
            self.design.services[self.owner[s] as usize]
                .zones
                .is_empty()
        };
        if no_zones(a) && no_zones(b) {
            return Verdict::DefaultBridge;
        }
        let (za, zb) = (&self.zones[a], &self.zones[b]);
        if !za.intersects(zb) {
            return Verdict::NoSharedZone;
        }
        // A shared zone in observe mode lets every port through, whatever its isolation and
        // deny flows say.
        let observed = za.intersects_within(zb, &self.observed);
        let open = observed || za.intersects_outside(zb, &self.isolated);
        let Some(pf) = self.pair_flows(oa as u32, ob as u32) else {
            return if open {
                Verdict::Open
            } else {
                Verdict::IsolatedNoFlow
            };
        };
        let denied = self.union(&pf.deny);
        let allowed = self.union(&pf.allow);
        let via_open = if observed {
            PortSet::any()
        } else if open {
            PortSet::any().difference(&denied)
        } else {
            PortSet::empty()
        };
        let via_isolated = if za.intersects_within(zb, &self.isolated) {
            allowed.difference(&denied)
        } else {
            PortSet::empty()
        };
        self.flow_ports.push((via_open, via_isolated));
        Verdict::Flows((self.flow_ports.len() - 1) as u32)
    }

    pub(crate) fn union(&self, flows: &[u32]) -> PortSet {
        flows.iter().fold(PortSet::empty(), |acc, &f| {
            acc.union(&self.design.flows[f as usize].port_set)
        })
    }

    /// The flows that apply to a pair of namespace owners.
    pub(crate) fn pair_flows(&self, oa: u32, ob: u32) -> Option<&PairFlows> {
        let row = &self.flows_by_source[oa as usize];
        row.binary_search_by_key(&ob, |(t, _)| *t)
            .ok()
            .map(|i| &row[i].1)
    }

    /// True when service `s` has a route out of the host's networks: bridged in a zone
    /// that is not internal, or on the host network.
    pub(crate) fn has_route_out(&self, s: usize) -> bool {
        match self.mode[s] {
            Mode::Host => true,
            Mode::Closed => false,
            Mode::Bridged => {
                let zones = &self.design.services[self.owner[s] as usize].zones;
                zones.is_empty()
                    || zones
                        .iter()
                        .any(|m| !self.internal.contains(m.zone.index()))
            }
        }
    }

    pub(crate) fn verdict(&self, from: ServiceId, to: ServiceId) -> Verdict {
        self.verdicts[from.index() * self.design.services.len() + to.index()]
    }

    /// The design analysed.
    pub fn design(&self) -> &'d ValidDesign {
        self.design
    }

    /// True when `from` can open some connection to `to`: at its own addresses, or through
    /// the host to a port it publishes ([`Self::host_paths`]).
    pub fn allowed(&self, from: ServiceId, to: ServiceId) -> bool {
        self.allowed_directly(from, to) || self.via_host(from, to)
    }

    /// True when `from` can open some connection to `to` at its own addresses.
    pub fn allowed_directly(&self, from: ServiceId, to: ServiceId) -> bool {
        match self.verdict(from, to) {
            Verdict::Itself
            | Verdict::SameNamespace
            | Verdict::FromHost
            | Verdict::ToHost
            | Verdict::DefaultBridge
            | Verdict::Open => true,
            Verdict::Closed
            | Verdict::ToHostNoRoute
            | Verdict::NoSharedZone
            | Verdict::IsolatedNoFlow => false,
            Verdict::ToHostProtected => self.host_ports.as_ref().is_some_and(|p| !p.is_empty()),
            Verdict::Flows(i) => {
                let (open, iso) = &self.flow_ports[i as usize];
                !open.is_empty() || !iso.is_empty()
            }
        }
    }

    /// The ports `from` reaches at `to`'s own addresses (empty when denied); what it reaches
    /// through the host is [`Self::host_path_ports`].
    pub fn ports(&self, from: ServiceId, to: ServiceId) -> PortSet {
        match self.verdict(from, to) {
            Verdict::Itself
            | Verdict::SameNamespace
            | Verdict::FromHost
            | Verdict::ToHost
            | Verdict::DefaultBridge
            | Verdict::Open => PortSet::any(),
            Verdict::Closed
            | Verdict::ToHostNoRoute
            | Verdict::NoSharedZone
            | Verdict::IsolatedNoFlow => PortSet::empty(),
            Verdict::ToHostProtected => self.host_ports.clone().unwrap_or_else(PortSet::empty),
            Verdict::Flows(i) => {
                let (open, iso) = &self.flow_ports[i as usize];
                open.union(iso)
            }
        }
    }

    /// Whether `from → to` here reaches exactly the ports `from2 → to2` reaches in `other`,
    /// directly and through the host: the answer comparing [`ports`](Self::ports) and
    /// [`host_path_ports`](Self::host_path_ports) gives, without building the direct sets
    /// when the verdicts alone decide them (every port, or none, on both sides).
    pub fn same_ports(
        &self,
        from: ServiceId,
        to: ServiceId,
        other: &Reachability<'_>,
        from2: ServiceId,
        to2: ServiceId,
    ) -> bool {
        let whole = |v: Verdict| match v {
            Verdict::Itself
            | Verdict::SameNamespace
            | Verdict::FromHost
            | Verdict::ToHost
            | Verdict::DefaultBridge
            | Verdict::Open => Some(true),
            Verdict::Closed
            | Verdict::ToHostNoRoute
            | Verdict::NoSharedZone
            | Verdict::IsolatedNoFlow => Some(false),
            Verdict::ToHostProtected | Verdict::Flows(_) => None,
        };
        let direct = match (
            whole(self.verdict(from, to)),
            whole(other.verdict(from2, to2)),
        ) {
            (Some(a), Some(b)) => a == b,
            _ => self.ports(from, to) == other.ports(from2, to2),
        };
        direct && self.host_path_ports(from, to) == other.host_path_ports(from2, to2)
    }

    /// How many ordered pairs of distinct services can connect.
    pub fn allowed_pair_count(&self) -> usize {
        let n = self.design.services.len();
        (0..n)
            .flat_map(|a| (0..n).map(move |b| (a, b)))
            .filter(|&(a, b)| a != b && self.allowed(ServiceId(a as u32), ServiceId(b as u32)))
            .count()
    }
}
