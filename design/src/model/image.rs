//! Image references checked against Docker's reference grammar.

use std::fmt;

use serde::{Serialize, Serializer};

/// Docker's reference grammar, as users need to hear it.
pub const IMAGE_RULE: &str = "an image reference is [registry[:port]/]name[:tag][@digest]: \
     lowercase name components of [a-z0-9] joined by '.', '_', '__' or '-', \
     a tag of [A-Za-z0-9_.-] (at most 128), no whitespace or control characters";

/// Why an image reference was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}; {IMAGE_RULE}")]
pub struct ImageError {
    /// What is wrong with it.
    pub reason: String,
}

/// An image reference such as `nginx:1.27` or `registry.example.com:5000/team/app@sha256:…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef(String);

fn fail(reason: impl Into<String>) -> ImageError {
    ImageError {
        reason: reason.into(),
    }
}

fn is_component(text: &str) -> bool {
    // [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
    let bytes = text.as_bytes();
    if bytes.is_empty() || !is_alnum_lower(bytes[0]) || !is_alnum_lower(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_alnum_lower(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_alnum_lower(bytes[i]) {
            i += 1;
        }
        let sep = &text[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn is_domain(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

impl ImageRef {
    /// Checks `text` against Docker's reference grammar.
    pub fn parse(text: &str) -> Result<Self, ImageError> {
        if text.is_empty() {
            return Err(fail("is empty"));
        }
        if let Some(ch) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail(format!("contains {ch:?}")));
        }
        if text.len() > 512 {
            return Err(fail(format!("is {} characters long", text.len())));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (text, None),
        };
        if let Some(digest) = digest {
            let ok = digest.split_once(':').is_some_and(|(algo, hex)| {
                !algo.is_empty()
                    && algo
                        .bytes()
                        .all(|b| is_alnum_lower(b) || b"+._-".contains(&b))
                    && hex.len() >= 32
                    && hex.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if !ok {
                return Err(fail(format!("digest {digest:?} is not algorithm:hex")));
            }
        }
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(tag) = tag {
            let ok = !tag.is_empty()
                && tag.len() <= 128
                && !tag.starts_with(['.', '-'])
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
            if !ok {
                return Err(fail(format!("tag {tag:?} is not valid")));
            }
        }
        let mut parts: Vec<&str> = name.split('/').collect();
        if parts.len() > 1 {
            let first = parts[0];
            let looks_like_domain = first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase());
            if looks_like_domain {
                if !is_domain(first) {
                    return Err(fail(format!("registry {first:?} is not a host name")));
                }
                parts.remove(0);
            }
        }
        if let Some(bad) = parts.iter().find(|p| !is_component(p)) {
            return Err(fail(format!("name component {bad:?} is not valid")));
        }
        Ok(Self(text.to_owned()))
    }

    /// The reference as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The reference without tag or digest (`registry:5000/team/app` for
    /// `registry:5000/team/app:1.4`).
    pub fn repository(&self) -> &str {
        let no_digest = self.0.split('@').next().unwrap_or(&self.0);
        match self.tag() {
            Some(tag) => &no_digest[..no_digest.len() - tag.len() - 1],
            None => no_digest,
        }
    }

    /// The tag, when the reference names one (`1.27` in `nginx:1.27`).
    pub fn tag(&self) -> Option<&str> {
        let no_digest = self.0.split('@').next().unwrap_or(&self.0);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        last.split_once(':').map(|(_, tag)| tag)
    }

    /// The digest, when the reference pins one (`sha256:…` after `@`).
    pub fn digest(&self) -> Option<&str> {
        self.0.split_once('@').map(|(_, digest)| digest)
    }

    /// True when the reference does not pin an image: no digest, and the tag is `latest`
    /// or absent (which Docker reads as `latest`), so each pull may bring another image.
    pub fn is_floating(&self) -> bool {
        self.digest().is_none() && self.tag().is_none_or(|t| t == "latest")
    }

    /// The repository's last path component without tag or digest (`postgres` for
    /// `docker.io/library/postgres:15`), used to recognise well-known images.
    pub fn base_name(&self) -> &str {
        let no_digest = self.0.split('@').next().unwrap_or(&self.0);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        last.split(':').next().unwrap_or(last)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}
