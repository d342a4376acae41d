//! The probe: one shell script of busybox tools run inside the source's network namespace,
//! every check in the background at once, and the reading of what it printed.

use std::collections::BTreeMap;

use super::report::{Check, Transport};
use super::targets::Planned;

/// One shell script that runs every check in the background and prints `ID RC MESSAGE`
/// per check. Only addresses and numbers reach it.
pub(super) fn probe_script(planned: &[Planned], timeout: u32) -> String {
    let mut s = format!(
        "t(){{ o=$(nc -w {timeout} \"$2\" \"$3\" -e true </dev/null 2>&1); echo \"$1 $? $o\"; }}\n\
         i(){{ o=$(ping -c 1 -W {timeout} \"$2\" 2>&1); echo \"$1 $? x\"; }}\n\
         u(){{ o=$(busybox timeout {timeout} busybox nslookup bulkhead-probe \"$2:$3\" 2>&1); r=$?; \
         echo \"$1 $r $(printf '%s' \"$o\" | busybox tr '\\n' ' ')\"; }}\n"
    );
    // UDP has no handshake: busybox's nslookup sends a datagram on a connected socket, and a
    // port with nothing listening answers "port unreachable", which the socket reports as
    // "connection refused" (reached); a reply of any kind is also reached; silence is
    // blocked, or a listening service that ignored the datagram.
    for (id, p) in planned.iter().enumerate() {
        let address = p.check.address;
        match (p.check.port, p.check.protocol) {
            (Some(port), Transport::Udp) => s.push_str(&format!("u {id} {address} {port} &\n")),
            (Some(port), _) => s.push_str(&format!("t {id} {address} {port} &\n")),
            (None, _) => s.push_str(&format!("i {id} {address} &\n")),
        }
    }
    s.push_str("wait\n");
    s
}

/// The checks with what the probe saw, from its `ID RC MESSAGE` lines.
pub(super) fn read_results(planned: Vec<Planned>, out: &str) -> Vec<Check> {
    let mut seen: BTreeMap<usize, (i32, String)> = BTreeMap::new();
    for line in out.lines() {
        let mut parts = line.splitn(3, ' ');
        let (Some(id), Some(rc)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(id), Ok(rc)) = (id.trim().parse::<usize>(), rc.trim().parse::<i32>()) {
            seen.insert(id, (rc, parts.next().unwrap_or_default().to_owned()));
        }
    }
    planned
        .into_iter()
        .enumerate()
        .map(|(id, p)| {
            let declared = p.declared;
            let mut c = p.check;
            let udp = c.protocol == Transport::Udp;
            let (observed, detail) = match seen.get(&id) {
                None => (false, "no answer from the probe".to_owned()),
                Some((_, msg)) if udp && msg.contains("refused") => {
                    (true, "port unreachable".to_owned())
                }
                Some((rc, msg)) if udp && (*rc == 0 || msg.contains("can't find")) => {
                    (true, "answered".to_owned())
                }
                Some((_, msg))
                    if udp && (msg.contains("nreachable") || msg.contains("No route")) =>
                {
                    (false, "unreachable".to_owned())
                }
                Some((_, _)) if udp => (false, "no answer".to_owned()),
                Some((0, _)) if c.port.is_some() => (true, "open".to_owned()),
                Some((0, _)) => (true, "reply".to_owned()),
                Some((_, msg)) if msg.contains("refused") => (true, "refused".to_owned()),
                Some((_, msg)) if msg.contains("timed out") => (false, "timed out".to_owned()),
                Some((_, msg)) if msg.contains("nreachable") || msg.contains("No route") => {
                    (false, "unreachable".to_owned())
                }
                Some((_, _)) if c.port.is_none() => (false, "no reply".to_owned()),
                Some((rc, msg)) => (false, format!("failed ({rc}): {}", msg.trim())),
            };
            c.observed = observed;
            c.detail = detail;
            // Silence on a UDP port where a service may listen proves nothing either way.
            c.inconclusive = udp && !observed && (c.expected || declared);
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::verify::report::Target;
    use std::net::Ipv4Addr;

    fn planned(protocol: Transport, port: Option<u16>, expected: bool) -> Planned {
        Planned {
            declared: true,
            check: Check {
                from: "a".into(),
                to: Target::Service("b".into()),
                zone: Some("z".into()),
                address: Ipv4Addr::new(10, 0, 0, 2),
                port,
                protocol,
                expected,
                observed: false,
                detail: String::new(),
                needs_firewall: false,
                unverifiable: false,
                inconclusive: false,
                via_host: false,
            },
        }
    }

    #[test]
    fn probe_output_is_read_per_protocol() {
        let out = "0 1 nslookup: write to '10.0.0.2:53': Connection refused \n\
                   1 143 ;; connection timed out; no servers could be reached \n\
                   2 143 \n\
                   3 1 Server: 10.0.0.2 ** server can't find bulkhead-probe: NXDOMAIN \n\
                   4 1 nc: 10.0.0.2 (10.0.0.2:80): Connection refused\n\
                   5 1 nc: timed out\n\
                   6 0 x\n\
                   7 143 \n";
        let checks = read_results(
            vec![
                planned(Transport::Udp, Some(53), true),
                planned(Transport::Udp, Some(53), true),
                Planned {
                    declared: false,
                    ..planned(Transport::Udp, Some(9), false)
                },
                planned(Transport::Udp, Some(53), true),
                planned(Transport::Tcp, Some(80), true),
                planned(Transport::Tcp, Some(81), false),
                planned(Transport::Icmp, None, true),
                planned(Transport::Udp, Some(514), false),
            ],
            out,
        );
        let seen: Vec<(bool, bool, &str)> = checks
            .iter()
            .map(|c| (c.observed, c.inconclusive, c.detail.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (true, false, "port unreachable"),
                (false, true, "no answer"),
                (false, false, "no answer"),
                (true, false, "answered"),
                (true, false, "refused"),
                (false, false, "timed out"),
                (true, false, "reply"),
                (false, true, "no answer"),
            ]
        );
        assert_eq!(checks.iter().filter(|c| c.is_mismatch()).count(), 0);
    }

    #[test]
    fn udp_probes_use_nslookup_on_a_connected_socket() {
        let script = probe_script(&[planned(Transport::Udp, Some(5353), true)], 3);
        assert!(script.contains("u 0 10.0.0.2 5353 &"), "{script}");
        assert!(
            script.contains("busybox nslookup bulkhead-probe \"$2:$3\""),
            "{script}"
        );
    }
}
