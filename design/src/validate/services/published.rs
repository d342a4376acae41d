//! Published ports: two services may not bind the same host address and port.

use std::net::Ipv4Addr;

use crate::diagnostic::Code;
use crate::model::Service;
use crate::validate::ctx::{Ctx, key};

/// Reports every published port that binds what an earlier one binds.
pub(super) fn check(ctx: &mut Ctx, services: &[Service]) {
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
