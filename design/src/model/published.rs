//! Published ports in Compose short syntax: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use super::ports::{PortRange, Protocol};

/// A port a service publishes on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublishedPort {
    /// The host address it binds; `None` means every interface (`0.0.0.0`).
    pub host_ip: Option<Ipv4Addr>,
    /// The host port(s); `None` means Docker picks a free one.
    pub host_ports: Option<PortRange>,
    /// The container port(s).
    pub container_ports: PortRange,
    /// The protocol.
    pub protocol: Protocol,
}

/// The accepted forms, as users need to hear them.
pub const PUBLISHED_RULE: &str = "write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp], e.g. \"443:443\" or \"127.0.0.1:8080:80/tcp\"";

impl PublishedPort {
    /// Parses Compose's short syntax (IPv4 host addresses only).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (body, protocol) = match text.rsplit_once('/') {
            Some((body, "tcp")) => (body, Protocol::Tcp),
            Some((body, "udp")) => (body, Protocol::Udp),
            Some((_, other)) => {
                return Err(format!(
                    "{text:?}: unknown protocol {other:?}; {PUBLISHED_RULE}"
                ));
            }
            None => (text, Protocol::Tcp),
        };
        let parts: Vec<&str> = body.split(':').collect();
        let (host_ip, host, container) = match parts.as_slice() {
            [c] => (None, None, *c),
            [h, c] => (None, Some(*h), *c),
            [ip, h, c] => (Some(*ip), (!h.is_empty()).then_some(*h), *c),
            _ => return Err(format!("{text:?} has too many parts; {PUBLISHED_RULE}")),
        };
        let host_ip = match host_ip {
            Some(ip) => Some(ip.parse::<Ipv4Addr>().map_err(|_| {
                format!("{text:?}: {ip:?} is not an IPv4 address; {PUBLISHED_RULE}")
            })?),
            None => None,
        };
        let wrap = |e: String| format!("{text:?}: {e}");
        let container_ports = PortRange::parse(container).map_err(wrap)?;
        let host_ports = host.map(PortRange::parse).transpose().map_err(wrap)?;
        if let Some(h) = host_ports
            && h.len() != container_ports.len()
            && container_ports.len() != 1
        {
            return Err(format!(
                "{text:?}: host range {h} and container range {container_ports} differ in size"
            ));
        }
        Ok(Self {
            host_ip: host_ip.filter(|ip| !ip.is_unspecified()),
            host_ports,
            container_ports,
            protocol,
        })
    }

    /// True when only the host itself can reach the port (bound to a loopback address).
    pub fn is_loopback(&self) -> bool {
        self.host_ip.is_some_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for PublishedPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ip) = self.host_ip {
            write!(f, "{ip}:")?;
            if self.host_ports.is_none() {
                f.write_str(":")?;
            }
        }
        if let Some(h) = self.host_ports {
            write!(f, "{h}:")?;
        }
        write!(f, "{}/{}", self.container_ports, self.protocol.as_str())
    }
}

impl Serialize for PublishedPort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
