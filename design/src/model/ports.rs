//! Port specifications: what a flow or the host policy names (`tcp/5432`, `icmp`, `any`).

use std::fmt;

use serde::{Serialize, Serializer};

/// A transport protocol with ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// `tcp` or `udp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// An inclusive range of ports, `lo <= hi`, both in 1..=65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    lo: u16,
    hi: u16,
}

impl PortRange {
    /// A range; `None` unless `1 <= lo <= hi`.
    pub fn new(lo: u16, hi: u16) -> Option<Self> {
        (lo >= 1 && lo <= hi).then_some(Self { lo, hi })
    }

    /// A single port; `None` for port 0.
    pub fn single(port: u16) -> Option<Self> {
        Self::new(port, port)
    }

    /// Every port.
    pub const ALL: PortRange = PortRange {
        lo: 1,
        hi: u16::MAX,
    };

    /// The first port.
    pub fn lo(self) -> u16 {
        self.lo
    }

    /// The last port.
    pub fn hi(self) -> u16 {
        self.hi
    }

    /// The number of ports.
    pub fn len(self) -> u32 {
        u32::from(self.hi) - u32::from(self.lo) + 1
    }

    /// Always false: a range holds at least one port.
    pub fn is_empty(self) -> bool {
        false
    }

    /// True when the ranges share a port.
    pub fn overlaps(self, other: PortRange) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }

    /// Parses `N` or `N-M` with the rule in the error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let port = |t: &str| -> Result<u16, String> {
            match t.parse::<u32>() {
                Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
                Ok(n) => Err(format!("port {n} is out of range; ports are 1 to 65535")),
                Err(_) => Err(format!("{t:?} is not a port number; ports are 1 to 65535")),
            }
        };
        let (lo, hi) = match text.split_once('-') {
            Some((lo, hi)) => (port(lo)?, port(hi)?),
            None => {
                let p = port(text)?;
                (p, p)
            }
        };
        Self::new(lo, hi).ok_or_else(|| {
            format!("range {lo}-{hi} runs backwards; write the lower port first ({hi}-{lo})")
        })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

/// One entry of a flow's `ports`, of `host.allow_inbound` or a `host.rate_limit` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortSpec {
    /// Every port and protocol.
    Any,
    /// ICMP.
    Icmp,
    /// A range of ports of one protocol.
    Ports(Protocol, PortRange),
}

/// The accepted forms of a port spec, as users need to hear them.
pub const PORT_SPEC_RULE: &str =
    "write tcp/5432, udp/53, tcp/8000-8100, icmp or any (ports 1 to 65535)";

impl PortSpec {
    /// Parses `tcp/N`, `udp/N`, `tcp/N-M`, `icmp` or `any`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "any" => return Ok(PortSpec::Any),
            "icmp" => return Ok(PortSpec::Icmp),
            _ => {}
        }
        let Some((proto, ports)) = text.split_once('/') else {
            return Err(format!("{text:?} is not a port spec; {PORT_SPEC_RULE}"));
        };
        let proto = match proto {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            _ => {
                return Err(format!(
                    "{text:?}: unknown protocol {proto:?}; {PORT_SPEC_RULE}"
                ));
            }
        };
        let range = PortRange::parse(ports).map_err(|e| format!("{text:?}: {e}"))?;
        Ok(PortSpec::Ports(proto, range))
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::Any => f.write_str("any"),
            PortSpec::Icmp => f.write_str("icmp"),
            PortSpec::Ports(proto, range) => write!(f, "{}/{range}", proto.as_str()),
        }
    }
}

impl Serialize for PortSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
