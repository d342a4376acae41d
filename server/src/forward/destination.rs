//! The destinations audit forwarding sends to, checked before they are stored: a syslog
//! receiver's `host:port`, a JSON Lines file's path, an HTTP endpoint's URL.

use std::path::{Component, Path};

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

    /// The target as the audit log records it: an HTTP endpoint without what may be its
    /// secret (credentials, query, fragment).
    pub fn recorded(&self) -> String {
        match self {
            Destination::Http(url) => match reqwest::Url::parse(url) {
                Ok(mut u) => {
                    let _ = u.set_username("");
                    let _ = u.set_password(None);
                    u.set_query(None);
                    u.set_fragment(None);
                    u.to_string()
                }
                Err(_) => "an HTTP endpoint".to_owned(),
            },
            other => other.target().to_owned(),
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
    let Some(dir) = path.parent() else {
        return Err(format!(
            "`{target}` names no file; write e.g. /var/log/bulkhead/audit.jsonl"
        ));
    };
    let Ok(real) = std::fs::canonicalize(dir) else {
        return Err(format!(
            "the directory of `{target}` does not exist; create it first"
        ));
    };
    if real != dir {
        return Err(format!(
            "the directory of `{target}` goes through a link; write its real path, {}",
            real.display()
        ));
    }
    private_dir(dir, target)?;
    match std::fs::symlink_metadata(path) {
        Ok(m) => private_file(&m, target).map(|()| target.to_owned()),
        Err(_) => Ok(target.to_owned()),
    }
}

/// The log holds client addresses: the directory must be writable by Bulkhead's user (or
/// root) alone, or another user could put a file of theirs there first.
fn private_dir(dir: &Path, target: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(dir)
        .map_err(|e| format!("the directory of `{target}` cannot be read: {e}"))?;
    let me = rustix::process::geteuid().as_raw();
    if !m.is_dir() {
        return Err(format!("the directory of `{target}` is not a directory"));
    }
    if m.mode() & 0o022 != 0 || (m.uid() != me && m.uid() != 0) {
        return Err(format!(
            "other users can write in the directory of `{target}`; choose one only Bulkhead's user can write, e.g. /var/log/bulkhead"
        ));
    }
    Ok(())
}

/// An existing file must be a plain file of Bulkhead's user that nobody else can read.
pub(super) fn private_file(m: &std::fs::Metadata, target: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !m.file_type().is_file() {
        return Err(format!(
            "`{target}` exists and is not a plain file (a link, a directory or a pipe); choose another path"
        ));
    }
    if m.uid() != rustix::process::geteuid().as_raw() {
        return Err(format!(
            "`{target}` belongs to another user; remove it or choose another path"
        ));
    }
    if m.mode() & 0o077 != 0 {
        return Err(format!(
            "other users can read or write `{target}`; chmod 600 it or choose another path"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_checked() {
        assert!(Destination::parse("syslog-udp", "127.0.0.1:514").is_ok());
        assert!(Destination::parse("syslog-tcp", "[::1]:601").is_ok());
        assert!(Destination::parse("syslog-tcp", "logs.example.org:601").is_ok());
        for bad in ["127.0.0.1", "host:0", "host:99999", "a b:514", ":514"] {
            let e = Destination::parse("syslog-udp", bad).unwrap_err();
            assert!(e.contains("host:port"), "{bad}: {e}");
        }
        let refused = |target: &str, says: &str| {
            let e = Destination::parse("file", target).unwrap_err();
            assert!(e.contains(says), "{target}: {e}");
        };
        refused("relative.jsonl", "absolute");
        refused("/tmp/../etc/x.jsonl", "..");
        refused("/tmp/audit.log", ".jsonl");
        refused("/no/such/dir/a.jsonl", "create it first");
        // /tmp is everyone's: another user could make the file first.
        refused("/tmp/audit.jsonl", "other users can write");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("audit.jsonl");
        let path = file.to_str().unwrap();
        assert!(Destination::parse("file", path).is_ok());
        std::fs::write(&file, "").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        refused(path, "chmod 600");
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &file).unwrap();
        refused(path, "not a plain file");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        refused(
            link.join("audit.jsonl").to_str().unwrap(),
            "goes through a link",
        );
        assert!(Destination::parse("http", "ftp://x").is_err());
        let secret =
            Destination::parse("http", "https://u:p@logs.example.org/in?token=s#f").unwrap();
        assert_eq!(secret.recorded(), "https://logs.example.org/in");
        assert!(
            Destination::parse("carrier-pigeon", "x")
                .unwrap_err()
                .contains("choose")
        );
    }
}
