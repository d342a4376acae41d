//! The host's own network, read where the engine is local: its interface names, IPv4 routes
//! and addresses. Plan refuses a zone whose bridge would take an interface's name, or whose
//! subnet would cover a network the host itself uses (its LAN, a VPN, the SSH path in).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;
use serde_json::Value;

use super::error::EngineError;

/// One IPv4 route of the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostRoute {
    /// The destination (a host route as a /32).
    pub destination: Ipv4Net,
    /// The interface it leaves by.
    pub device: String,
}

/// One IPv4 address of the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostAddress {
    /// The address.
    pub address: Ipv4Addr,
    /// The interface that holds it.
    pub device: String,
}

/// The host's network as plan needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HostNet {
    /// Every interface name.
    pub interfaces: BTreeSet<String>,
    /// Unicast routes of every table, the default route left out.
    pub routes: Vec<HostRoute>,
    /// Every IPv4 address.
    pub addresses: Vec<HostAddress>,
}

async fn ip(args: &[&str]) -> Result<Value, EngineError> {
    let what = format!("reading the host's network (ip {})", args.join(" "));
    let out = tokio::process::Command::new("ip")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| EngineError::local(&what, format!("{e}; install iproute2")))?;
    if !out.status.success() {
        return Err(EngineError::local(
            &what,
            String::from_utf8_lossy(&out.stderr).trim(),
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| EngineError::local(&what, e))
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl HostNet {
    /// Reads the host this process runs on.
    pub async fn read() -> Result<HostNet, EngineError> {
        let (links, routes, addresses) = futures_util::try_join!(
            ip(&["-j", "link", "show"]),
            ip(&["-j", "-4", "route", "show", "table", "all"]),
            ip(&["-j", "-4", "addr", "show"]),
        )?;
        Ok(Self::parse(&links, &routes, &addresses))
    }

    /// The three `ip -j` answers read into one value; what does not parse is left out.
    pub fn parse(links: &Value, routes: &Value, addresses: &Value) -> HostNet {
        let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
        let interfaces = list(links)
            .iter()
            .filter_map(|l| text(l, "ifname").map(str::to_owned))
            .collect();
        let routes = list(routes)
            .iter()
            .filter(|r| text(r, "type").is_none_or(|t| t == "unicast"))
            .filter_map(|r| {
                let dst = text(r, "dst")?;
                let destination = match dst.parse::<Ipv4Net>() {
                    Ok(net) => net,
                    Err(_) => Ipv4Net::from(dst.parse::<Ipv4Addr>().ok()?),
                };
                Some(HostRoute {
                    destination,
                    device: text(r, "dev")?.to_owned(),
                })
            })
            .collect();
        let addresses = list(addresses)
            .iter()
            .flat_map(|i| {
                let device = text(i, "ifname").unwrap_or_default().to_owned();
                list(i.get("addr_info").unwrap_or(&Value::Null))
                    .iter()
                    .filter_map(|a| text(a, "local")?.parse::<Ipv4Addr>().ok())
                    .map(|address| HostAddress {
                        address,
                        device: device.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        HostNet {
            interfaces,
            routes,
            addresses,
        }
    }
}
