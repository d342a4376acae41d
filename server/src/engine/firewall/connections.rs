//! Connections the kernel already tracks outlive a rule change: every chain accepts
//! established traffic first, so a connection opened under the old rules would go on under
//! the new ones. After the design's firewall is installed, this forgets the tracked
//! connections between the design's own containers that the design does not allow, so their
//! next packet is judged as new, and dropped. Allowed ones are left alone, and nothing
//! outside the design's containers is touched.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use design::ValidDesign;
use design::model::ServiceId;
use design::reach::Reachability;

use super::run;
use crate::engine::{DockerEngine, EngineError, labels};

/// What a tracked connection carries beside its addresses (original direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tcp { sport: u16, dport: u16 },
    Udp { sport: u16, dport: u16 },
    Icmp { kind: u8, code: u8, id: u16 },
}

/// One connection in the kernel's table, as its opener sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tracked {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    kind: Kind,
}

/// One line of `conntrack -L -f ipv4`; `None` for other protocols and summary lines.
fn parse(line: &str) -> Option<Tracked> {
    let mut words = line.split_whitespace();
    let proto = words.next()?;
    // The first of each key is the original direction; the reply's come after.
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for word in words {
        if let Some((key, value)) = word.split_once('=') {
            fields.entry(key).or_insert(value);
        }
    }
    let get = |key: &str| fields.get(key).copied();
    let num = |key: &str| get(key)?.parse::<u16>().ok();
    let kind = match proto {
        "tcp" => Kind::Tcp {
            sport: num("sport")?,
            dport: num("dport")?,
        },
        "udp" => Kind::Udp {
            sport: num("sport")?,
            dport: num("dport")?,
        },
        "icmp" => Kind::Icmp {
            kind: get("type")?.parse().ok()?,
            code: get("code")?.parse().ok()?,
            id: num("id")?,
        },
        _ => return None,
    };
    Some(Tracked {
        src: get("src")?.parse().ok()?,
        dst: get("dst")?.parse().ok()?,
        kind,
    })
}

/// One of the design's container addresses: its service and the zone it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    service: ServiceId,
    zone: usize,
}

/// True when the design lets `from` open this connection to `to` in `to`'s zone (a pair
/// sharing two zones may be allowed in one only).
fn allowed(reach: &Reachability, from: ServiceId, to: Member, kind: Kind) -> bool {
    let zone = reach.design().zones[to.zone].name.as_str();
    let pair = reach.pair(from, to.service);
    let ports = match pair.per_zone.iter().find(|z| z.zone == zone) {
        Some(z) => z.ports.clone(),
        None => pair.ports,
    };
    let within = |ranges: &[design::model::PortRange], port: u16| {
        ranges.iter().any(|r| r.lo() <= port && port <= r.hi())
    };
    match kind {
        Kind::Tcp { dport, .. } => within(ports.tcp(), dport),
        Kind::Udp { dport, .. } => within(ports.udp(), dport),
        Kind::Icmp { .. } => ports.icmp(),
    }
}

/// `conntrack -D` arguments that name exactly this connection.
fn delete_args(t: &Tracked) -> Vec<String> {
    let mut args: Vec<String> = vec!["-D".into(), "-f".into(), "ipv4".into()];
    let (src, dst) = (t.src.to_string(), t.dst.to_string());
    args.extend(["-s".into(), src, "-d".into(), dst]);
    let more: Vec<String> = match t.kind {
        Kind::Tcp { sport, dport } | Kind::Udp { sport, dport } => {
            let proto = if matches!(t.kind, Kind::Tcp { .. }) {
                "tcp"
            } else {
                "udp"
            };
            vec![
                "-p".into(),
                proto.into(),
                "--sport".into(),
                sport.to_string(),
                "--dport".into(),
                dport.to_string(),
            ]
        }
        Kind::Icmp { kind, code, id } => vec![
            "-p".into(),
            "icmp".into(),
            "--icmp-type".into(),
            kind.to_string(),
            "--icmp-code".into(),
            code.to_string(),
            "--icmp-id".into(),
            id.to_string(),
        ],
    };
    args.extend(more);
    args
}

/// The addresses of the design's containers on `engine` in the design's zones.
async fn addresses(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<HashMap<Ipv4Addr, Member>, EngineError> {
    let zones: HashMap<String, usize> = design
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| (design::compile::network_name(&design.name, &z.name), i))
        .collect();
    let label = format!("{}={}", labels::DESIGN, design.name.as_str());
    let mut out = HashMap::new();
    for name in engine.container_names_with_label(&label).await? {
        let Some(live) = engine.container(&name).await? else {
            continue;
        };
        let service = live.labels.get(labels::SERVICE);
        let Some(service) = service.and_then(|s| design.service_id(s)) else {
            continue;
        };
        for e in &live.networks {
            if let (Some(address), Some(&zone)) = (e.ipv4, zones.get(&e.network)) {
                out.insert(address, Member { service, zone });
            }
        }
    }
    Ok(out)
}

/// Forgets the tracked connections between the design's containers that the design does
/// not allow; returns how many. Fails when the kernel's table cannot be read (no
/// `conntrack` tool, say), so the caller can say that old connections were not judged again.
pub(crate) async fn forget_forbidden(
    design: &ValidDesign,
    engine: &DockerEngine,
) -> Result<usize, EngineError> {
    // Without an isolated zone or a deny flow, the design forbids no connection between its
    // containers (different zones never meet but through the host).
    let forbids = design.zones.iter().any(|z| z.isolated)
        || design
            .flows
            .iter()
            .any(|f| matches!(f.action, design::raw::Action::Deny));
    if !forbids {
        return Ok(0);
    }
    let members = addresses(design, engine).await?;
    if members.is_empty() {
        return Ok(0);
    }
    // The connections opened from each of the design's subnets (the kernel's whole table
    // may be large; these are the design's own).
    let mut tracked = Vec::new();
    for zone in &design.zones {
        let net = zone.subnet.net();
        let (address, mask) = (net.network().to_string(), net.netmask().to_string());
        let args = ["-L", "-f", "ipv4", "-s", &address, "--mask-src", &mask];
        let (ok, listing) = run("conntrack", &args, None).await?;
        if !ok {
            return Err(EngineError::local(
                "reading the kernel's connection table (conntrack -L)",
                listing.trim(),
            ));
        }
        tracked.extend(listing.lines().filter_map(parse));
    }
    let reach = Reachability::compute(design);
    let mut forgotten = 0;
    for t in tracked {
        let (Some(from), Some(&to)) = (members.get(&t.src), members.get(&t.dst)) else {
            continue;
        };
        if from.service == to.service || allowed(&reach, from.service, to, t.kind) {
            continue;
        }
        let args = delete_args(&t);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match run("conntrack", &args, None).await? {
            (true, _) => forgotten += 1,
            // It ended meanwhile.
            (false, out) if out.contains("0 flow entries") => {}
            (false, out) => {
                return Err(EngineError::local(
                    format!(
                        "cutting a connection, {forgotten} cut before it (conntrack {})",
                        args.join(" ")
                    ),
                    out.trim(),
                ));
            }
        }
    }
    Ok(forgotten)
}

/// What to add to the firewall's outcome about connections open before it: how many were
/// cut, or why they were not judged again; nothing when there was nothing to cut.
pub(crate) async fn after_install(design: &ValidDesign, engine: &DockerEngine) -> Option<String> {
    match forget_forbidden(design, engine).await {
        Ok(0) => None,
        Ok(n) => Some(format!(
            "{n} tracked connection(s) the design does not allow were cut"
        )),
        Err(e) => Some(format!(
            "connections opened before this apply were not judged again ({e}); those the design does not allow go on until they close"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_original_direction_of_each_protocol() {
        let text = "conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
tcp      6 431999 ESTABLISHED src=10.1.0.2 dst=10.1.0.3 sport=40000 dport=5432 src=10.1.0.3 dst=10.1.0.2 sport=5432 dport=40000 [ASSURED] mark=0 use=1
udp      17 29 src=10.1.0.2 dst=10.1.0.3 sport=5353 dport=53 [UNREPLIED] src=10.1.0.3 dst=10.1.0.2 sport=53 dport=5353 mark=0 use=1
icmp     1 29 src=10.1.0.2 dst=10.1.0.3 type=8 code=0 id=77 src=10.1.0.3 dst=10.1.0.2 type=0 code=0 id=77 mark=0 use=1
sctp     132 10 CLOSED src=10.1.0.2 dst=10.1.0.3 sport=1 dport=2 src=10.1.0.3 dst=10.1.0.2 sport=2 dport=1 mark=0 use=1";
        let all: Vec<Tracked> = text.lines().filter_map(parse).collect();
        let (a, b): (Ipv4Addr, Ipv4Addr) =
            ("10.1.0.2".parse().unwrap(), "10.1.0.3".parse().unwrap());
        assert_eq!(
            all,
            vec![
                Tracked {
                    src: a,
                    dst: b,
                    kind: Kind::Tcp {
                        sport: 40000,
                        dport: 5432
                    }
                },
                Tracked {
                    src: a,
                    dst: b,
                    kind: Kind::Udp {
                        sport: 5353,
                        dport: 53
                    }
                },
                Tracked {
                    src: a,
                    dst: b,
                    kind: Kind::Icmp {
                        kind: 8,
                        code: 0,
                        id: 77
                    }
                },
            ]
        );
        assert_eq!(
            delete_args(&all[0]).join(" "),
            "-D -f ipv4 -s 10.1.0.2 -d 10.1.0.3 -p tcp --sport 40000 --dport 5432"
        );
        assert_eq!(
            delete_args(&all[2]).join(" "),
            "-D -f ipv4 -s 10.1.0.2 -d 10.1.0.3 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 77"
        );
    }

    #[test]
    fn judges_by_the_designs_ports_in_each_zone() {
        let text = "bulkhead: 1\nname: t\nzones:\n  z: { trust: internal, isolated: true }\n  \
                    open: { trust: internal }\nservices:\n  a: { image: 'x:1', zones: [z, open] }\n  \
                    b: { image: 'x:1', zones: [z, open] }\nflows:\n  - { from: a, to: b, ports: [tcp/5432] }\n";
        let d = design::check(&design::parse_document(text).unwrap()).unwrap();
        let reach = Reachability::compute(&d);
        let (a, b) = (d.service_id("a").unwrap(), d.service_id("b").unwrap());
        let zone = |name: &str| {
            d.zones
                .iter()
                .position(|z| z.name.as_str() == name)
                .unwrap()
        };
        let at = |service, z: &str| Member {
            service,
            zone: zone(z),
        };
        let tcp = |dport| Kind::Tcp {
            sport: 40000,
            dport,
        };
        let ping = Kind::Icmp {
            kind: 8,
            code: 0,
            id: 1,
        };
        assert!(allowed(&reach, a, at(b, "z"), tcp(5432)));
        assert!(!allowed(&reach, a, at(b, "z"), tcp(22)));
        assert!(
            !allowed(&reach, b, at(a, "z"), tcp(5432)),
            "the flow goes one way"
        );
        assert!(!allowed(&reach, a, at(b, "z"), ping));
        assert!(!allowed(
            &reach,
            a,
            at(b, "z"),
            Kind::Udp {
                sport: 1,
                dport: 5432
            }
        ));
        // They also share an open zone: every port there, in z still only the flow.
        assert!(allowed(&reach, b, at(a, "open"), tcp(22)));
        assert!(!allowed(&reach, b, at(a, "z"), tcp(22)));
    }
}
