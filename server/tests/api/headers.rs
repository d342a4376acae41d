//! Response headers on pages and API answers.

use crate::helpers::TestApp;

/// Every page carries a Content-Security-Policy whose nonce is the one on the page's inline
/// hydration script and nowhere else, forbids framing and sniffing, keeps the referrer on
/// this site, and is not cached; so is an API answer carrying design data.
#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let mut nonces = Vec::new();
    for path in ["/login", "/designs", "/no-such-page"] {
        let res = admin.get(path).await;
        let h = res.headers().clone();
        let header = |name: &str| {
            h.get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("cache-control"), "no-store", "{path}");
        let csp = header("content-security-policy");
        for part in [
            "default-src 'self'",
            "'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .expect("script-src");
        assert!(
            !scripts.contains("unsafe-inline") && !scripts.contains(" 'unsafe-eval'"),
            "{csp}"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce")
            .to_owned();
        let html = res.text().await.unwrap();
        if html.contains("<script") {
            assert!(
                html.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: the page's scripts carry another nonce"
            );
            for script in html.split("<script").skip(1) {
                assert!(
                    script.starts_with(&format!(" type=\"module\" nonce=\"{nonce}\""))
                        || script.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: an inline script without the nonce: {}",
                    &script[..script.len().min(120)]
                );
            }
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "each response has its own nonce");

    let answer = admin.call("list_designs", &[]).await;
    assert_eq!(answer.cache_control.as_deref(), Some("no-store"));
}
