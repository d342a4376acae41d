//! Audit forwarding: every entry of the audit log, as it is written, sent on to the
//! destinations an admin set up: RFC 5424 syslog over UDP (RFC 5426) or TCP (octet
//! counting, RFC 6587), a JSON Lines file, or JSON Lines posted to an HTTP endpoint.
//!
//! Each destination keeps a cursor (the last entry it got); a background task sends what
//! comes after it, in order, a batch at a time, and moves the cursor only once the batch is
//! out. A destination that fails is retried with backoff (1 s doubling to 5 minutes) from
//! where it stopped, so an outage loses nothing. The action being audited never waits for
//! any of this: it only appends to the log.

use std::collections::HashSet;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncWriteExt;

use crate::backend::Service;
use crate::store::audit::forward::{Forwarded, after};
use crate::store::forwarders::{self, Forwarder};

/// Entries sent at a time.
const BATCH: i64 = 100;
/// Batches one destination sends in one round before the others get their turn.
const ROUND: usize = 10;
/// How long connecting or sending may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between attempts of a failing destination.
const MAX_BACKOFF: i64 = 300;
/// The largest syslog message sent over UDP (RFC 5426 asks receivers for 2,048 octets at
/// least; most take 8 KiB). A longer one is sent without its `details`.
const UDP_MAX: usize = 8192;
/// The structured-data ID of Bulkhead's parameters: `32473` is the enterprise number
/// RFC 5612 sets aside for documentation, as Bulkhead has none of its own.
const SD_ID: &str = "bulkhead@32473";

/// A destination, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    SyslogUdp(String),
    SyslogTcp(String),
    File(String),
    Http(String),
}

impl Destination {
    /// Checks `target` for `kind`; the error says what to write.
    pub fn parse(kind: &str, target: &str) -> Result<Destination, String> {
        let target = target.trim();
        match kind {
            "syslog-udp" => host_port(target).map(Destination::SyslogUdp),
            "syslog-tcp" => host_port(target).map(Destination::SyslogTcp),
            "file" => file_path(target).map(Destination::File),
            "http" => crate::backend::webhook_url(target).map(Destination::Http),
            other => Err(format!(
                "`{other}` is not a kind of destination; choose syslog-udp, syslog-tcp, file or http"
            )),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Destination::SyslogUdp(_) => "syslog-udp",
            Destination::SyslogTcp(_) => "syslog-tcp",
            Destination::File(_) => "file",
            Destination::Http(_) => "http",
        }
    }

    pub fn target(&self) -> &str {
        match self {
            Destination::SyslogUdp(t)
            | Destination::SyslogTcp(t)
            | Destination::File(t)
            | Destination::Http(t) => t,
        }
    }
}

/// `host:port` or `[v6]:port`: a host name or address and a port from 1 to 65535.
fn host_port(target: &str) -> Result<String, String> {
    let bad =
        || format!("`{target}` is not host:port; write e.g. 127.0.0.1:514 or logs.example.org:514");
    let (host, port) = target.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !host_ok || port == 0 {
        return Err(bad());
    }
    Ok(target.to_owned())
}

/// An absolute path to a `.jsonl` file in a directory that exists, without `..`.
fn file_path(target: &str) -> Result<String, String> {
    let path = Path::new(target);
    if !path.is_absolute() || target.len() > 1024 || target.chars().any(char::is_control) {
        return Err(format!(
            "`{target}` is not an absolute path; write e.g. /var/log/bulkhead/audit.jsonl"
        ));
    }
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(format!("`{target}` holds `..`; write the path without it"));
    }
    if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
        return Err(format!(
            "`{target}` does not end in .jsonl; the file gets JSON Lines, name it so"
        ));
    }
    match path.parent().map(std::fs::metadata) {
        Some(Ok(m)) if m.is_dir() => {}
        _ => {
            return Err(format!(
                "the directory of `{target}` does not exist; create it first"
            ));
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(format!(
            "`{target}` exists and is not a plain file (a link or a directory); choose another path"
        )),
        _ => Ok(target.to_owned()),
    }
}

/// This host's name as syslog wants it (printable ASCII, no space), or `-`.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| (33..=126).contains(&b)))
        .unwrap_or_else(|| "-".to_owned())
}

/// A structured-data parameter value: `"`, `\` and `]` escaped (RFC 5424 6.3.3).
fn sd_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One entry as an RFC 5424 message: facility 13 (log audit), severity notice, or warning
/// for a failure or an override; the message is the entry's JSON Lines form after a BOM.
/// `max`: the longest message allowed (the entry's details are left out to fit).
pub fn syslog_line(e: &Forwarded, host: &str, max: Option<usize>) -> String {
    let severity = if e.failed || e.overridden { 4 } else { 5 };
    let result = match (e.failed, e.overridden) {
        (true, _) => "failed",
        (_, true) => "override",
        _ => "ok",
    };
    let head = format!(
        "<{}>1 {} {host} bulkhead {} {} [{SD_ID} id=\"{}\" actor=\"{}\" target=\"{}\" result=\"{result}\" hash=\"{}\"] \u{feff}",
        13 * 8 + severity,
        e.at,
        std::process::id(),
        e.action,
        e.id,
        sd_value(e.actor.as_deref().unwrap_or("-")),
        sd_value(e.target.as_deref().unwrap_or("-")),
        e.hash,
    );
    let line = format!("{head}{}", e.json);
    match max {
        Some(max) if line.len() > max => {
            let mut short: serde_json::Value =
                serde_json::from_str(&e.json).unwrap_or(serde_json::Value::Null);
            if let Some(map) = short.as_object_mut() {
                map.insert("details".into(), serde_json::Value::Null);
                map.insert("details_left_out".into(), true.into());
            }
            format!("{head}{short}")
        }
        _ => line,
    }
}

/// A test message: the same shape, MSGID `test`, saying who sent it.
fn test_entry(by: &str) -> Forwarded {
    let at = crate::clock::now_text();
    let json = serde_json::json!({ "test": true, "by": by, "at": at }).to_string();
    Forwarded {
        id: 0,
        at,
        actor: Some(by.to_owned()),
        action: "test".into(),
        target: None,
        summary: format!("a test message sent by {by}"),
        failed: false,
        overridden: false,
        hash: "-".into(),
        json,
    }
}

/// Sends `entries` to `dest`, all or nothing as far as the cursor goes.
async fn send(
    dest: &Destination,
    entries: &[Forwarded],
    http: &reqwest::Client,
) -> Result<(), String> {
    let host = hostname();
    match dest {
        Destination::SyslogUdp(target) => {
            let addr = resolve(target).await?;
            let bind = if addr.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            };
            let socket = tokio::net::UdpSocket::bind(bind)
                .await
                .map_err(|e| format!("no UDP socket: {e}"))?;
            for e in entries {
                let line = syslog_line(e, &host, Some(UDP_MAX));
                socket
                    .send_to(line.as_bytes(), addr)
                    .await
                    .map_err(|e| format!("sending to {target} failed: {e}"))?;
            }
            Ok(())
        }
        Destination::SyslogTcp(target) => {
            let addr = resolve(target).await?;
            let mut stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(addr))
                .await
                .map_err(|_| format!("{target} did not answer within {}s", TIMEOUT.as_secs()))?
                .map_err(|e| format!("could not connect to {target}: {e}"))?;
            let mut frames = String::new();
            for e in entries {
                let line = syslog_line(e, &host, None);
                frames.push_str(&format!("{} {line}", line.len()));
            }
            tokio::time::timeout(TIMEOUT, async {
                stream.write_all(frames.as_bytes()).await?;
                stream.flush().await?;
                stream.shutdown().await
            })
            .await
            .map_err(|_| {
                format!(
                    "{target} took over {}s to take the messages",
                    TIMEOUT.as_secs()
                )
            })?
            .map_err(|e| format!("sending to {target} failed: {e}"))
        }
        Destination::File(path) => {
            let mut text = String::new();
            for e in entries {
                text.push_str(&e.json);
                text.push('\n');
            }
            let path = path.clone();
            tokio::task::spawn_blocking(move || append(&path, &text))
                .await
                .map_err(|e| format!("writing failed: {e}"))?
        }
        Destination::Http(url) => {
            let mut body = String::new();
            for e in entries {
                body.push_str(&e.json);
                body.push('\n');
            }
            match http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
                .body(body)
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
                Err(e) if e.is_timeout() => Err(format!("no answer within {}s", TIMEOUT.as_secs())),
                Err(e) if e.is_connect() => Err("could not connect".to_owned()),
                // Without the URL: it may hold a secret.
                Err(e) => Err(e.without_url().to_string()),
            }
        }
    }
}

async fn resolve(target: &str) -> Result<std::net::SocketAddr, String> {
    tokio::net::lookup_host(target)
        .await
        .map_err(|e| format!("{target} cannot be resolved: {e}"))?
        .next()
        .ok_or_else(|| format!("{target} resolves to no address"))
}

/// Appends `text` to the file at `path` (made `0600` when new; a link is refused), and
/// waits for it to reach the disk.
fn append(path: &str, text: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| format!("{path} cannot be opened: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(|e| format!("writing {path} failed: {e}"))
}

/// Sends a test message to destination `f` now; says what happened.
pub async fn test(f: &Forwarder, by: &str) -> Result<String, String> {
    let dest = Destination::parse(&f.kind, &f.target)?;
    let http = client().map_err(|e| e.to_string())?;
    match &dest {
        // A line that is not an entry would break the file's chain: check it can be
        // written instead.
        Destination::File(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || append(&path, ""))
                .await
                .map_err(|e| format!("writing failed: {e}"))??;
            Ok(format!("{} can be written", f.target))
        }
        Destination::SyslogUdp(_) => {
            send(&dest, &[test_entry(by)], &http).await?;
            Ok(format!(
                "sent to {} (UDP does not say whether it arrived: look there)",
                f.target
            ))
        }
        _ => {
            send(&dest, &[test_entry(by)], &http).await?;
            Ok(format!("{} took it", f.target))
        }
    }
}

fn client() -> anyhow::Result<reqwest::Client> {
    // No redirects: a destination cannot bounce the log elsewhere.
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("no HTTP client")
}

/// Sends what destination `f` has not had yet, a round's worth at most.
async fn catch_up(service: &Service, f: Forwarder, http: &reqwest::Client) -> anyhow::Result<()> {
    let now = service.config.clock.unix();
    let dest = match Destination::parse(&f.kind, &f.target) {
        Ok(d) => d,
        Err(e) => {
            let mut conn = service.db.write.acquire().await?;
            return forwarders::failed(&mut conn, f.id, &e, now + MAX_BACKOFF).await;
        }
    };
    let mut cursor = f.delivered_id;
    for _ in 0..ROUND {
        let entries = after(&service.db, cursor, BATCH).await?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok(());
        };
        let outcome = send(&dest, &entries, http).await;
        let mut conn = service.db.write.acquire().await?;
        match outcome {
            Ok(()) => {
                forwarders::delivered(&mut conn, f.id, last, entries.len() as i64).await?;
                cursor = last;
            }
            Err(e) => {
                let wait = (1i64 << f.failures.min(9)).min(MAX_BACKOFF);
                tracing::warn!("forwarding the audit log to {} failed: {e}", f.target);
                return forwarders::failed(&mut conn, f.id, &e, now + wait).await;
            }
        }
        if (entries.len() as i64) < BATCH {
            return Ok(());
        }
    }
    Ok(())
}

/// Starts the background task that forwards; it ends with the service. Each destination
/// that is due gets a task of its own, one at a time: one that hangs holds up no other.
pub fn start(service: &Arc<Service>) {
    let weak: Weak<Service> = Arc::downgrade(service);
    tokio::spawn(async move {
        let http = match client() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("audit forwarding is off: {e:#}");
                return;
            }
        };
        let busy: Arc<Mutex<HashSet<i64>>> = Arc::default();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let Some(service) = weak.upgrade() else {
                return;
            };
            let list = match service.db.read.acquire().await {
                Ok(mut conn) => forwarders::all(&mut conn).await,
                Err(e) => Err(e.into()),
            };
            let list = match list {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!("reading the audit forwarding destinations failed: {e:#}");
                    continue;
                }
            };
            let now = service.config.clock.unix();
            for f in list.into_iter().filter(|f| f.next_at <= now) {
                if !lock(&busy).insert(f.id) {
                    continue;
                }
                let (service, http, busy) = (Arc::clone(&service), http.clone(), Arc::clone(&busy));
                tokio::spawn(async move {
                    let id = f.id;
                    if let Err(e) = catch_up(&service, f, &http).await {
                        tracing::warn!("audit forwarding failed: {e:#}");
                    }
                    lock(&busy).remove(&id);
                });
            }
        }
    });
}

fn lock(busy: &Mutex<HashSet<i64>>) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    busy.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(failed: bool) -> Forwarded {
        Forwarded {
            id: 7,
            at: "2026-12-04T10:00:00Z".into(),
            actor: Some("a\"n]n".into()),
            action: "engine-apply".into(),
            target: Some("local".into()),
            summary: "applied".into(),
            failed,
            overridden: false,
            hash: "ab12".into(),
            json: serde_json::json!({ "id": 7, "details": "x".repeat(9000) }).to_string(),
        }
    }

    #[test]
    fn rfc5424_lines() {
        let line = syslog_line(&entry(false), "host1", None);
        assert!(line.starts_with(&format!(
            "<109>1 2026-12-04T10:00:00Z host1 bulkhead {} engine-apply [bulkhead@32473 id=\"7\" actor=\"a\\\"n\\]n\" target=\"local\" result=\"ok\" hash=\"ab12\"] \u{feff}{{",
            std::process::id()
        )), "{line}");
        assert!(syslog_line(&entry(true), "h", None).starts_with("<108>1 "));
        let short = syslog_line(&entry(false), "h", Some(UDP_MAX));
        assert!(short.len() < UDP_MAX, "{}", short.len());
        assert!(short.contains("\"details_left_out\":true"));
    }

    #[test]
    fn destinations_are_checked() {
        assert!(Destination::parse("syslog-udp", "127.0.0.1:514").is_ok());
        assert!(Destination::parse("syslog-tcp", "[::1]:601").is_ok());
        assert!(Destination::parse("syslog-tcp", "logs.example.org:601").is_ok());
        for bad in ["127.0.0.1", "host:0", "host:99999", "a b:514", ":514"] {
            let e = Destination::parse("syslog-udp", bad).unwrap_err();
            assert!(e.contains("host:port"), "{bad}: {e}");
        }
        assert!(
            Destination::parse("file", "relative.jsonl")
                .unwrap_err()
                .contains("absolute")
        );
        assert!(
            Destination::parse("file", "/tmp/../etc/x.jsonl")
                .unwrap_err()
                .contains("..")
        );
        assert!(
            Destination::parse("file", "/tmp/audit.log")
                .unwrap_err()
                .contains(".jsonl")
        );
        assert!(
            Destination::parse("file", "/no/such/dir/a.jsonl")
                .unwrap_err()
                .contains("create it first")
        );
        assert!(Destination::parse("file", "/tmp/audit.jsonl").is_ok());
        assert!(Destination::parse("http", "ftp://x").is_err());
        assert!(
            Destination::parse("carrier-pigeon", "x")
                .unwrap_err()
                .contains("choose")
        );
    }
}
