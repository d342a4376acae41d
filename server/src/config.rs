//! What `bulkhead serve` is told: where to listen, where to keep data, how sessions behave.

use std::net::SocketAddr;
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
    /// Mark the session cookie `Secure` (serve behind TLS).
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
