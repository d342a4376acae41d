//! The packets a design's firewall denied and logged (the `BULKHEAD-DENY ` prefix, when the
//! design logs what it denies), or would have denied and let through in observe mode
//! (`BULKHEAD-OBSERVE `), read from this host's kernel log (`/dev/kmsg`), the newest
//! ones of the design's bridges, their addresses told as the design's services.

use std::collections::VecDeque;
use std::io::Read;
use std::net::Ipv4Addr;
use std::os::unix::fs::OpenOptionsExt;

use design::ValidDesign;
use design::compile::{LOG_DENY, LOG_OBSERVE};

/// One denied packet as the kernel logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// Microseconds since the host booted.
    pub since_boot_us: u64,
    pub in_iface: String,
    pub out_iface: String,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    /// `TCP`, `UDP`, `ICMP` …
    pub proto: String,
    pub dport: Option<u16>,
    /// Logged in observe mode: let through.
    pub observed: bool,
}

/// One `/dev/kmsg` record (`PRIORITY,SEQ,MICROSECONDS,FLAGS;TEXT`), if it is a denied packet.
pub fn parse_record(record: &str) -> Option<Denied> {
    let (head, text) = record.split_once(';')?;
    let since_boot_us = head.split(',').nth(2)?.parse().ok()?;
    let line = text.lines().next()?;
    let (observed, text) = match line.strip_prefix(LOG_DENY.trim_end()) {
        Some(text) => (false, text),
        None => (true, line.strip_prefix(LOG_OBSERVE.trim_end())?),
    };
    let field = |name: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
    };
    Some(Denied {
        since_boot_us,
        in_iface: field("IN")?.to_owned(),
        out_iface: field("OUT").unwrap_or_default().to_owned(),
        src: field("SRC")?.parse().ok()?,
        dst: field("DST")?.parse().ok()?,
        proto: field("PROTO").unwrap_or("?").to_owned(),
        dport: field("DPT").and_then(|p| p.parse().ok()),
        observed,
    })
}

/// The newest `limit` denied packets caught on one of `bridges`, oldest
/// first, read from the kernel's log buffer (bounded by the kernel: the work is too).
/// Blocking: run it off the async threads.
pub fn read_kmsg(bridges: &[String], limit: usize) -> std::io::Result<Vec<Denied>> {
    let mut log = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open("/dev/kmsg")?;
    let mut kept = VecDeque::with_capacity(limit.min(1024));
    let mut buf = vec![0u8; 8192];
    loop {
        match log.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let Some(d) = parse_record(&String::from_utf8_lossy(&buf[..n])) else {
                    continue;
                };
                // The design's rules drop what goes out to its bridges (or, on the input
                // chain, comes in from them): a packet from its bridge to another design's
                // was dropped by that design.
                let caught = if d.out_iface.is_empty() {
                    &d.in_iface
                } else {
                    &d.out_iface
                };
                if bridges.contains(caught) {
                    if kept.len() == limit {
                        kept.pop_front();
                    }
                    kept.push_back(d);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            // Records overwritten while reading: go on with the next one.
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(kept.into())
}

/// The service of `design` at `address` (in any of its zones), or the address itself.
pub fn who(design: &ValidDesign, address: Ipv4Addr) -> String {
    design
        .services
        .iter()
        .find(|s| s.zones.iter().any(|m| m.ipv4 == address))
        .map(|s| s.name.as_str().to_owned())
        .unwrap_or_else(|| address.to_string())
}

/// The zone of `design` whose bridge is `iface`, or the interface itself.
pub fn zone_of(design: &ValidDesign, iface: &str) -> String {
    design
        .zones
        .iter()
        .find(|z| z.bridge.as_str() == iface)
        .map(|z| z.name.as_str().to_owned())
        .unwrap_or_else(|| iface.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_records_of_denied_packets() {
        let tcp = "4,1187,2833770112,-;BULKHEAD-DENY IN=bh52data OUT=bh52data PHYSIN=veth8 \
                   MAC=02:42 SRC=172.52.9.232 DST=172.52.9.10 LEN=60 TOS=0x00 TTL=64 ID=1 DF \
                   PROTO=TCP SPT=40000 DPT=5432 WINDOW=64240 RES=0x00 SYN URGP=0 \n";
        let d = parse_record(tcp).unwrap();
        assert_eq!(d.since_boot_us, 2_833_770_112);
        assert_eq!(
            (d.in_iface.as_str(), d.out_iface.as_str()),
            ("bh52data", "bh52data")
        );
        assert_eq!(d.src, Ipv4Addr::new(172, 52, 9, 232));
        assert_eq!((d.proto.as_str(), d.dport), ("TCP", Some(5432)));
        let icmp = "4,1188,2834770339,-;BULKHEAD-DENY IN=eth0 OUT=bh1 SRC=10.0.0.1 DST=172.52.9.10 \
                    LEN=84 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=2 \n";
        assert_eq!(parse_record(icmp).unwrap().dport, None);
        assert!(!d.observed);
        let observed = "4,1189,2834770400,-;BULKHEAD-OBSERVE IN=bh52data OUT=bh52data \
                        SRC=172.52.9.232 DST=172.52.9.10 LEN=60 PROTO=TCP SPT=1 DPT=6379 \n";
        let o = parse_record(observed).unwrap();
        assert!(o.observed);
        assert_eq!(o.dport, Some(6379));
        assert!(parse_record("6,1,2,-;eth0: link up\n").is_none());
        assert!(parse_record("garbage").is_none());
    }
}
