//! Checking the host policy.

use crate::diagnostic::Code;
use crate::model::{HostPolicy, InterfaceName, PortSpec, Rate, RateLimit};
use crate::raw::RawHost;

use super::ctx::{Ctx, key, quote};

fn parse_rate(text: &str) -> Option<Rate> {
    let (count, unit) = text.split_once('/')?;
    let count: u32 = count.trim().parse().ok().filter(|&n| n > 0)?;
    let unit = match unit.trim() {
        "s" | "sec" | "second" => "second",
        "m" | "min" | "minute" => "minute",
        "h" | "hour" => "hour",
        "d" | "day" => "day",
        _ => return None,
    };
    Some(Rate { count, unit })
}

/// Checks `host:`.
pub(crate) fn check(ctx: &mut Ctx, raw: &RawHost) -> HostPolicy {
    let external_interface = raw.external_interface.as_deref().and_then(|name| {
        InterfaceName::parse(name)
            .map_err(|e| {
                ctx.error(
                    Code::InvalidInterfaceName,
                    "host.external_interface",
                    format!("interface name {} {e}", quote(name)),
                );
            })
            .ok()
    });
    let allow_inbound = raw.allow_inbound.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, p)| {
                PortSpec::parse(p.as_str())
                    .map_err(|e| {
                        ctx.error(Code::InvalidPort, format!("host.allow_inbound[{i}]"), e)
                    })
                    .ok()
            })
            .collect()
    });
    let mut rate_limits = Vec::new();
    for (port, limit) in raw.rate_limit.iter() {
        let path = format!("host.rate_limit.{}", key(port));
        let spec = PortSpec::parse(port)
            .map_err(|e| ctx.error(Code::InvalidPort, &path, e))
            .ok();
        let per_source = match limit.per_source.as_deref() {
            Some(text) => match parse_rate(text) {
                Some(rate) => Some(rate),
                None => {
                    ctx.error(
                        Code::InvalidRateLimit,
                        format!("{path}.per_source"),
                        format!(
                            "{} is not a rate; write a count per unit, e.g. 100/sec, 20/min",
                            quote(text)
                        ),
                    );
                    continue;
                }
            },
            None => None,
        };
        if limit.max_connections == Some(0) {
            ctx.error(
                Code::InvalidRateLimit,
                format!("{path}.max_connections"),
                "0 connections would block the port; write a positive number, or close the port instead",
            );
            continue;
        }
        if let Some(port) = spec {
            rate_limits.push(RateLimit {
                port,
                per_source,
                max_connections: limit.max_connections,
            });
        }
    }
    if raw.external_interface.is_none()
        && (raw.allow_inbound.is_some() || !raw.rate_limit.is_empty())
    {
        ctx.error(
            Code::HostPolicyWithoutInterface,
            "host.external_interface",
            "allow_inbound and rate_limit filter traffic arriving on the host's external interface, and no firewall rule can be written without it; name it, e.g. external_interface: eth0 (`ip route show default` shows it)",
        );
    }
    let host_ports = raw
        .host_ports
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| {
            PortSpec::parse(p.as_str())
                .map_err(|e| ctx.error(Code::InvalidPort, format!("host.host_ports[{i}]"), e))
                .ok()
        })
        .collect();
    if raw.host_ports.is_some() && !raw.protect_host {
        ctx.error(
            Code::HostPortsWithoutProtection,
            "host.host_ports",
            "host_ports lists what the zones may still reach on the host once protect_host closes the rest; without protect_host: true every port of the host is open to them. Add protect_host: true, or remove host_ports",
        );
    }
    HostPolicy {
        external_interface,
        allow_inbound,
        rate_limits,
        log_denied: raw.log_denied,
        protect_host: raw.protect_host,
        host_ports,
        protect_published: raw.protect_published,
    }
}
