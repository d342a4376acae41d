//! Where sign-in goes next: only a path on this site. A `next` that a browser would read as
//! another site (`//evil.com`, `/\evil.com`, `/<tab>/evil.com`, `https:…`) is refused.

/// `next` when it is a path on this site, else `None`. The value is checked as given and once
/// more percent-decoded, so an encoded trick fails the same way.
pub fn safe_next(next: &str) -> Option<&str> {
    // What a browser could read as another site: a second slash or a backslash at the start,
    // a backslash anywhere, or a control character it strips before reading the rest.
    fn same_site(p: &str) -> bool {
        let mut chars = p.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && !p.contains('\\')
            && !p.chars().any(char::is_control)
    }
    let plain = !next.chars().any(char::is_whitespace) && next.len() <= 2048;
    (plain && same_site(next) && same_site(&percent_decoded(next))).then_some(next)
}

/// `text` with each `%XX` replaced by its byte (invalid sequences kept as written).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_on_this_site() {
        for ok in ["/designs", "/designs/4?rev=2", "/audit#top", "/", "/a%20b"] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
        for bad in [
            "//evil.com",
            "/\\evil.com",
            "/%5Cevil.com",
            "/%2F/evil.com",
            "/\t/evil.com",
            "/%09/evil.com",
            "/\n/evil.com",
            "https://evil.com",
            "http:evil.com",
            "javascript:alert(1)",
            "evil.com",
            "",
            " /designs",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
