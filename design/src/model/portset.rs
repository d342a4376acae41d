//! Sets of ports across protocols, for reachability answers.

use std::fmt;

use serde::{Serialize, Serializer};

use super::ports::{PortRange, PortSpec, Protocol};

/// A set of TCP ports, UDP ports and ICMP; kept normalised (sorted, merged ranges), so
/// equal sets compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortSet {
    tcp: Vec<PortRange>,
    udp: Vec<PortRange>,
    icmp: bool,
}

fn normalise(ranges: &mut Vec<PortRange>) {
    ranges.sort();
    let mut merged: Vec<PortRange> = Vec::with_capacity(ranges.len());
    for r in ranges.drain(..) {
        match merged.last_mut() {
            Some(last) if u32::from(r.lo()) <= u32::from(last.hi()) + 1 => {
                if r.hi() > last.hi() {
                    *last = PortRange::new(last.lo(), r.hi()).unwrap_or(*last);
                }
            }
            _ => merged.push(r),
        }
    }
    *ranges = merged;
}

fn subtract(ranges: &[PortRange], cut: &[PortRange]) -> Vec<PortRange> {
    let mut out = Vec::new();
    for &r in ranges {
        let mut pieces = vec![r];
        for &c in cut {
            pieces = pieces
                .into_iter()
                .flat_map(|p| {
                    if !p.overlaps(c) {
                        return vec![p];
                    }
                    let mut keep = Vec::new();
                    if c.lo() > p.lo()
                        && let Some(left) = PortRange::new(p.lo(), c.lo() - 1)
                    {
                        keep.push(left);
                    }
                    if c.hi() < p.hi()
                        && let Some(right) = PortRange::new(c.hi() + 1, p.hi())
                    {
                        keep.push(right);
                    }
                    keep
                })
                .collect();
        }
        out.extend(pieces);
    }
    out
}

impl PortSet {
    /// The empty set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every port of every protocol.
    pub fn any() -> Self {
        Self {
            tcp: vec![PortRange::ALL],
            udp: vec![PortRange::ALL],
            icmp: true,
        }
    }

    /// The set the specs name together.
    pub fn from_specs(specs: &[PortSpec]) -> Self {
        let mut set = Self::empty();
        for spec in specs {
            set.add(*spec);
        }
        set
    }

    /// Adds what `spec` names.
    pub fn add(&mut self, spec: PortSpec) {
        match spec {
            PortSpec::Any => *self = Self::any(),
            PortSpec::Icmp => self.icmp = true,
            PortSpec::Ports(Protocol::Tcp, r) => {
                self.tcp.push(r);
                normalise(&mut self.tcp);
            }
            PortSpec::Ports(Protocol::Udp, r) => {
                self.udp.push(r);
                normalise(&mut self.udp);
            }
        }
    }

    /// True when nothing is in the set.
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.udp.is_empty() && !self.icmp
    }

    /// True when every port of every protocol is in the set.
    pub fn is_any(&self) -> bool {
        self.icmp && self.tcp == [PortRange::ALL] && self.udp == [PortRange::ALL]
    }

    /// Everything in either set.
    pub fn union(&self, other: &PortSet) -> PortSet {
        let mut tcp = [self.tcp.as_slice(), other.tcp.as_slice()].concat();
        let mut udp = [self.udp.as_slice(), other.udp.as_slice()].concat();
        normalise(&mut tcp);
        normalise(&mut udp);
        PortSet {
            tcp,
            udp,
            icmp: self.icmp || other.icmp,
        }
    }

    /// What is in `self` and not in `other`.
    pub fn difference(&self, other: &PortSet) -> PortSet {
        PortSet {
            tcp: subtract(&self.tcp, &other.tcp),
            udp: subtract(&self.udp, &other.udp),
            icmp: self.icmp && !other.icmp,
        }
    }

    /// What is in both sets.
    pub fn intersection(&self, other: &PortSet) -> PortSet {
        self.difference(&self.difference(other))
    }

    /// True when every port of `self` is in `other`.
    pub fn is_subset(&self, other: &PortSet) -> bool {
        self.difference(other).is_empty()
    }

    /// The set as spec strings: `["any"]`, or e.g. `["tcp/5432", "udp/53", "icmp"]`.
    pub fn to_strings(&self) -> Vec<String> {
        if self.is_any() {
            return vec!["any".to_owned()];
        }
        let mut out = Vec::new();
        out.extend(self.tcp.iter().map(|r| format!("tcp/{r}")));
        out.extend(self.udp.iter().map(|r| format!("udp/{r}")));
        if self.icmp {
            out.push("icmp".to_owned());
        }
        out
    }

    /// The TCP ranges.
    pub fn tcp(&self) -> &[PortRange] {
        &self.tcp
    }

    /// The UDP ranges.
    pub fn udp(&self) -> &[PortRange] {
        &self.udp
    }

    /// Whether ICMP is in the set.
    pub fn icmp(&self) -> bool {
        self.icmp
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&self.to_strings().join(", "))
    }
}

impl Serialize for PortSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.to_strings())
    }
}
