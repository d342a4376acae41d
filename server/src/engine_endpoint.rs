//! Where a registered engine is and how it is reached, checked before it is stored: a
//! Docker socket is root on its host, so an endpoint anyone on the network could use is
//! refused, and the TLS files come as a set.

use std::net::IpAddr;
use std::path::PathBuf;

use crate::engine::TlsFiles;

/// The endpoint Docker listens on by default on this host.
pub const LOCAL_SOCKET: &str = "unix:///var/run/docker.sock";

/// A checked endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// As written, normalised (`https://` for TLS).
    pub url: String,
    /// The TLS files, when the engine is reached over TLS.
    pub tls: Option<TlsFiles>,
}

/// Checks an endpoint and its TLS files (all three paths, or none). Says what to write
/// instead when it refuses.
pub fn check(url: &str, ca: &str, cert: &str, key: &str) -> Result<Endpoint, String> {
    let url = url.trim();
    let files = [ca.trim(), cert.trim(), key.trim()];
    let given = files.iter().filter(|f| !f.is_empty()).count();
    if given != 0 && given != 3 {
        return Err(
            "TLS needs all three files: the CA certificate, the client certificate and its key"
                .into(),
        );
    }
    for f in files.iter().filter(|f| !f.is_empty()) {
        if !f.starts_with('/') {
            return Err(format!(
                "`{f}` is not an absolute path; give the files' full paths on the Bulkhead server"
            ));
        }
    }
    let tls = (given == 3).then(|| TlsFiles {
        ca: PathBuf::from(files[0]),
        cert: PathBuf::from(files[1]),
        key: PathBuf::from(files[2]),
    });
    if let Some(path) = url.strip_prefix("unix://") {
        if !path.starts_with('/') {
            return Err(format!(
                "`{url}`: a socket needs an absolute path, e.g. {LOCAL_SOCKET}"
            ));
        }
        if tls.is_some() {
            return Err("a local socket takes no TLS files; leave them empty".into());
        }
        return Ok(Endpoint {
            url: url.to_owned(),
            tls: None,
        });
    }
    if url.starts_with("ssh://") {
        return Err(
            "ssh:// is not supported: Bulkhead's Docker client (bollard 0.21) is built without its ssh transport. Forward the remote socket to a loopback port (ssh -nNT -L 127.0.0.1:2375:/var/run/docker.sock HOST) and register tcp://127.0.0.1:2375, or serve the engine over TLS"
                .into(),
        );
    }
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("tcp://") {
        ("tcp", rest)
    } else if let Some(rest) = url.strip_prefix("https://") {
        ("https", rest)
    } else {
        return Err(format!(
            "`{url}` is not an endpoint Bulkhead can use: write unix:///var/run/docker.sock, tcp://HOST:PORT or https://HOST:PORT"
        ));
    };
    let authority = rest.trim_end_matches('/');
    let Some((host, port)) = authority.rsplit_once(':') else {
        return Err(format!(
            "`{url}` needs a port, e.g. {scheme}://{authority}:2376"
        ));
    };
    if port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(format!("`{port}` is not a port number (1–65535)"));
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
    {
        return Err(format!("`{host}` is not a host name or address"));
    }
    if tls.is_none() {
        if scheme == "https" {
            return Err("https:// needs the TLS files (CA, certificate, key)".into());
        }
        let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback());
        if !loopback {
            return Err(format!(
                "`{url}` is plain TCP: whoever reaches that port is root on the engine's host. Serve the engine over TLS and give the CA, certificate and key, or forward it to a loopback port over SSH"
            ));
        }
        return Ok(Endpoint {
            url: format!("tcp://{authority}"),
            tls: None,
        });
    }
    Ok(Endpoint {
        url: format!("https://{authority}"),
        tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> Endpoint {
        check(url, "", "", "").unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn refused(url: &str, files: [&str; 3]) -> String {
        check(url, files[0], files[1], files[2]).unwrap_err()
    }

    /// Sockets, loopback TCP and TLS are accepted; TLS endpoints are written https://.
    #[test]
    fn accepted() {
        assert_eq!(ok(LOCAL_SOCKET).url, LOCAL_SOCKET);
        assert_eq!(ok("tcp://127.0.0.1:2375").url, "tcp://127.0.0.1:2375");
        assert_eq!(ok("tcp://localhost:2375/").url, "tcp://localhost:2375");
        assert_eq!(ok("tcp://[::1]:2375").url, "tcp://[::1]:2375");
        let tls = check(
            "tcp://docker.example:2376",
            "/c/ca.pem",
            "/c/cert.pem",
            "/c/key.pem",
        )
        .unwrap();
        assert_eq!(tls.url, "https://docker.example:2376");
        assert_eq!(tls.tls.unwrap().key, PathBuf::from("/c/key.pem"));
    }

    /// Each refusal says what to write instead.
    #[test]
    fn refused_with_a_way_out() {
        let none = ["", "", ""];
        assert!(refused("tcp://10.0.0.5:2375", none).contains("root on the engine's host"));
        assert!(refused("ssh://me@host", none).contains("ssh -nNT -L"));
        assert!(refused("http://host:2375", none).contains("unix:///var/run/docker.sock"));
        assert!(refused("unix://docker.sock", none).contains("absolute path"));
        assert!(refused("tcp://host", none).contains("needs a port"));
        assert!(refused("tcp://host:0", none).contains("not a port"));
        assert!(refused("tcp://ho st:1", none).contains("not a host"));
        assert!(refused("https://host:2376", none).contains("TLS files"));
        assert!(refused("tcp://host:2376", ["/ca", "", ""]).contains("all three"));
        assert!(refused("tcp://host:2376", ["ca", "c", "k"]).contains("absolute path"));
        assert!(refused(LOCAL_SOCKET, ["/a", "/b", "/c"]).contains("no TLS files"));
    }
}
