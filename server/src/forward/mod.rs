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
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncWriteExt;

use crate::backend::Service;
use crate::store::audit::forward::{Forwarded, after};
use crate::store::forwarders::{self, Forwarder};

mod destination;
mod syslog;

pub use destination::Destination;
use syslog::{UDP_MAX, hostname, syslog_line, test_entry};

/// Entries sent at a time.
const BATCH: i64 = 100;
/// Batches one destination sends in one round before the others get their turn.
const ROUND: usize = 10;
/// How long connecting or sending may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between attempts of a failing destination.
const MAX_BACKOFF: i64 = 300;

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

/// Appends `text` to the file at `path` (made `0600` when new), and waits for it to reach
/// the disk. What was opened is checked as it is (a link is refused, a pipe does not block
/// the opening): a plain file of Bulkhead's user that nobody else can read.
fn append(path: &str, text: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("{path} cannot be opened: {e}"))?;
    let opened = file
        .metadata()
        .map_err(|e| format!("{path} cannot be read: {e}"))?;
    destination::private_file(&opened, path)?;
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
                dest.recorded()
            ))
        }
        _ => {
            send(&dest, &[test_entry(by)], &http).await?;
            Ok(format!("{} took it", dest.recorded()))
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
async fn catch_up(service: &Service, id: i64, http: &reqwest::Client) -> anyhow::Result<()> {
    let now = service.config.clock.unix();
    // Read afresh: the cursor and the failures as the last round left them.
    let f = {
        let mut conn = service.db.read.acquire().await?;
        match forwarders::get(&mut conn, id).await? {
            Some(f) => f,
            None => return Ok(()),
        }
    };
    let dest = match Destination::parse(&f.kind, &f.target) {
        Ok(d) => d,
        Err(e) => {
            // Not a URL's text: it may hold its secret.
            let said = if f.kind == "http" {
                "the URL is no longer valid: remove the destination and add it again".to_owned()
            } else {
                format!("{e} (remove the destination and add it again once fixed)")
            };
            let mut conn = service.db.write.acquire().await?;
            return forwarders::failed(&mut conn, f.id, &said, now + MAX_BACKOFF).await;
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
                tracing::warn!(
                    "forwarding the audit log to {} failed: {e}",
                    dest.recorded()
                );
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
                let id = f.id;
                tokio::spawn(async move {
                    if let Err(e) = catch_up(&service, id, &http).await {
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
