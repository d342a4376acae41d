//! `GET /metrics`: open to this host's own clients, closed to others (and to clients through a
//! proxy) unless they bring the token or come from an allowed address; counts requests by
//! route without letting clients invent series; reads sign-in failures and the audit chain
//! from the database. (Applies, verifies, drift and engines: `operations.rs`.)

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};

use crate::helpers::TestApp;

/// One scrape from this host: the status and the text.
pub(crate) async fn scrape_with(app: &TestApp, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(format!("{}/metrics", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("the server answers");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, res.text().await.unwrap())
}

/// The metrics as this host reads them, asserting that it may.
pub(crate) async fn scrape(app: &TestApp) -> String {
    let (status, kind, text) = scrape_with(app, &[]).await;
    assert_eq!(status, 200, "{text}");
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(text.ends_with("# EOF\n"), "{text}");
    text
}

#[tokio::test]
async fn metrics_answer_this_host_and_count_what_happens() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let stranger = app.client();
    let failed = stranger
        .call(
            "login",
            &[("name", "root"), ("password", "not the password")],
        )
        .await;
    assert_eq!(failed.status.as_u16(), 401, "{}", failed.body);
    admin
        .call("list_designs", &[("include_deleted", "false")])
        .await
        .ok();
    // Paths nobody registered are counted under one label, whatever a client sends.
    for path in ["/nowhere-1", "/nowhere-2", "/api/made_up"] {
        reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    }
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    reqwest::Client::new()
        .request(odd, format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();

    let text = scrape(&app).await;
    assert!(
        text.contains("bulkhead_sign_in_failures_total 1\n"),
        "{text}"
    );
    let entries: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("bulkhead_audit_entries "))
        .and_then(|n| n.parse().ok())
        .expect(&text);
    assert!(entries >= 2, "{text}");
    assert!(
        text.contains(
            "bulkhead_http_requests_total{method=\"POST\",route=\"/api/login\",status=\"401\"} 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("bulkhead_http_requests_total{method=\"POST\",route=\"/api/list_designs\",status=\"200\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "bulkhead_http_requests_total{method=\"GET\",route=\"other\",status=\"404\"} 3\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains("nowhere") && !text.contains("made_up"),
        "{text}"
    );
    assert!(
        text.contains(
            "bulkhead_http_request_duration_seconds_count{method=\"POST\",route=\"/api/login\"} 1\n"
        ),
        "{text}"
    );

    // Through a proxy on this host a client looks local: refused, with what to do.
    let (status, _, text) = scrape_with(&app, &[("X-Forwarded-For", "203.0.113.9")]).await;
    assert_eq!(status, 403);
    assert!(text.contains("--metrics-token-file"), "{text}");
}

#[tokio::test]
async fn metrics_from_elsewhere_need_the_token_or_an_allowed_address() {
    let token = "a-metrics-token-0123456789";
    let app = TestApp::spawn_with(|c| c.metrics_token = Some(token.into())).await;
    let proxied = ("X-Forwarded-For", "203.0.113.9");
    let (status, _, _) = scrape_with(&app, &[proxied]).await;
    assert_eq!(status, 403);
    let wrong = "Bearer a-metrics-token-0123456788";
    let (status, _, _) = scrape_with(&app, &[proxied, (AUTHORIZATION.as_str(), wrong)]).await;
    assert_eq!(status, 403);
    let right = format!("Bearer {token}");
    let (status, _, text) = scrape_with(&app, &[proxied, (AUTHORIZATION.as_str(), &right)]).await;
    assert_eq!(status, 200, "{text}");

    let allowed =
        TestApp::spawn_with(|c| c.metrics_allow = vec!["127.0.0.0/8".parse().unwrap()]).await;
    let (status, _, _) = scrape_with(&allowed, &[proxied]).await;
    assert_eq!(status, 200);
}
