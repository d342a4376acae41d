//! IPv4 subnets as zones use them.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Serialize, Serializer};

/// Why a subnet was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    /// Not `a.b.c.d/len`.
    #[error("{text:?} is not an IPv4 subnet; write it as a.b.c.d/len, e.g. 172.30.2.0/24")]
    Syntax {
        /// The text given.
        text: String,
    },
    /// The address has bits set beyond the prefix.
    #[error("{text:?} has host bits set; the subnet it lies in is {network}")]
    HostBits {
        /// The text given.
        text: String,
        /// The subnet that was probably meant.
        network: Ipv4Net,
    },
    /// Too small to hold a gateway and a container.
    #[error(
        "{text:?} is too small; a zone needs at least a /29 (room for a gateway and containers)"
    )]
    TooSmall {
        /// The text given.
        text: String,
    },
}

/// An IPv4 subnet written as its network address and prefix, e.g. `172.30.2.0/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr(Ipv4Net);

impl Cidr {
    /// Parses `a.b.c.d/len`; the address must be the network address.
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let net: Ipv4Net = text.trim().parse().map_err(|_| CidrError::Syntax {
            text: text.to_owned(),
        })?;
        if net.addr() != net.network() {
            return Err(CidrError::HostBits {
                text: text.to_owned(),
                network: net.trunc(),
            });
        }
        Ok(Self(net))
    }

    /// Parses a zone subnet: like [`Cidr::parse`], and at most a /29.
    pub fn parse_zone(text: &str) -> Result<Self, CidrError> {
        let cidr = Self::parse(text)?;
        if cidr.0.prefix_len() > 29 {
            return Err(CidrError::TooSmall {
                text: text.to_owned(),
            });
        }
        Ok(cidr)
    }

    /// Builds a subnet from a network already known to be well-formed.
    pub(crate) fn from_net(net: Ipv4Net) -> Self {
        Self(net.trunc())
    }

    /// The underlying network.
    pub fn net(&self) -> Ipv4Net {
        self.0
    }

    /// The network address.
    pub fn network(&self) -> Ipv4Addr {
        self.0.network()
    }

    /// The broadcast address.
    pub fn broadcast(&self) -> Ipv4Addr {
        self.0.broadcast()
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }

    /// The first address after the network address (the default gateway).
    pub fn first_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network()) + 1)
    }

    /// True when `addr` lies inside the subnet.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.0.contains(&addr)
    }

    /// True when the two subnets share an address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.0.contains(&other.0.network()) || other.0.contains(&self.0.network())
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}
