//! What `bulkhead serve` is told: where to listen, where to keep data, how sessions behave.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::clock::Clock;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// The directory holding the SQLite database.
    pub data_dir: PathBuf,
    /// The directory holding the built front end (`pkg/`, assets).
    pub site_root: PathBuf,
    /// Mark the session cookie `Secure` (serve behind TLS). Implied by an `https` origin or
    /// an address that is not loopback; see [`Config::cookies_secure`].
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// The origins (`scheme://host:port`) browsers use to reach this server. Empty: the
    /// address it listens on, and `localhost` for a loopback address.
    pub origins: Vec<String>,
    /// The clock session timeouts and sign-in throttling read (tests move it by hand).
    pub clock: Clock,
    /// Reverse proxies in front of the server: a request from one of these addresses is
    /// attributed to the client `X-Forwarded-For` names; from anywhere else that header is
    /// ignored, so a client cannot pick its own address for the audit log and the throttle.
    pub trusted_proxies: Vec<IpAddr>,
    /// How often every registered engine is checked in the background; `None`: never (the
    /// engines page still checks on demand).
    pub engine_check_interval: Option<Duration>,
    /// How often every design live on an engine is compared with the revision applied there
    /// (drift); `None`: only on demand.
    pub drift_check_interval: Option<Duration>,
    /// How often each live design's isolation is proved again by verify (one engine at a
    /// time); `None` (the default): only on demand.
    pub verify_interval: Option<Duration>,
    /// At the very first start, register this host's Docker socket as the engine `local`
    /// when it answers.
    pub register_local_engine: bool,
    /// Addresses other than this host's own that may read `GET /metrics`.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token that opens `GET /metrics` from anywhere.
    pub metrics_token: Option<secrecy::SecretString>,
    /// Audit entries older than this move to a compressed archive in the data directory
    /// (checked daily); `None` (the default): kept in the database for ever.
    pub audit_retention: Option<Duration>,
}

impl Config {
    /// The settings for tests and the defaults of `bulkhead serve`, with the given data dir.
    pub fn new(data_dir: PathBuf) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir,
            site_root: PathBuf::from("target/site"),
            secure_cookies: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(8 * 60 * 60),
            origins: Vec::new(),
            clock: Clock::system(),
            trusted_proxies: Vec::new(),
            engine_check_interval: Some(Duration::from_secs(60)),
            drift_check_interval: Some(Duration::from_secs(10 * 60)),
            verify_interval: None,
            register_local_engine: true,
            metrics_allow: Vec::new(),
            metrics_token: None,
            audit_retention: None,
        }
    }

    /// The client of a request that reached us from `peer` with these `X-Forwarded-For`
    /// values: the peer itself unless it is a trusted proxy; else, reading the header from
    /// the right, the first address that is not a trusted proxy (each proxy appends the
    /// address it saw, so only the right end can be believed).
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|h| h.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusted_proxies.contains(&ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }

    /// Whether the session cookie is `Secure` (and named with the `__Host-` prefix): asked
    /// for, or any origin is https, or the server listens beyond loopback (where plain HTTP
    /// would carry the session in the clear: put TLS in front). Plain HTTP on loopback is the
    /// one case left without.
    pub fn cookies_secure(&self, bound: SocketAddr) -> bool {
        self.secure_cookies
            || self
                .origins
                .iter()
                .any(|o| o.to_ascii_lowercase().starts_with("https://"))
            || !bound.ip().is_loopback()
    }

    /// The session cookie's name: `__Host-bulkhead_session` when it is `Secure` (browsers
    /// then refuse it unless it is Secure, for this host only, on every path), else
    /// `bulkhead_session`.
    pub fn cookie_name(&self, bound: SocketAddr) -> &'static str {
        if self.cookies_secure(bound) {
            "__Host-bulkhead_session"
        } else {
            "bulkhead_session"
        }
    }

    /// The origins that may send state-changing requests, once the port is known.
    pub fn allowed_origins(&self, bound: SocketAddr) -> Vec<String> {
        if !self.origins.is_empty() {
            return self
                .origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect();
        }
        let scheme = if self.secure_cookies { "https" } else { "http" };
        let port = bound.port();
        let mut origins = vec![format!("{scheme}://{bound}")];
        if bound.ip().is_loopback() {
            origins.push(format!("{scheme}://localhost:{port}"));
            if bound.is_ipv4() {
                origins.push(format!("{scheme}://[::1]:{port}"));
            } else {
                origins.push(format!("{scheme}://127.0.0.1:{port}"));
            }
        }
        origins
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_from_a_trusted_proxy() {
        let mut config = Config::new(PathBuf::from("."));
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let spoofed = ["1.2.3.4, 203.0.113.9"];
        assert_eq!(config.client_address(proxy, spoofed.into_iter()), proxy);
        config.trusted_proxies = vec![proxy, "10.0.0.3".parse().unwrap()];
        assert_eq!(config.client_address(proxy, spoofed.into_iter()), client);
        assert_eq!(
            config.client_address(proxy, ["1.2.3.4", "203.0.113.9, 10.0.0.3"].into_iter()),
            client
        );
        assert_eq!(config.client_address(client, spoofed.into_iter()), client);
        assert_eq!(config.client_address(proxy, ["junk"].into_iter()), proxy);
        assert_eq!(config.client_address(proxy, std::iter::empty()), proxy);
    }
}
