use crate::helpers::{PASSWORD, TestApp};

/// State-changing requests from another origin, with no origin, or marked cross-site by the
/// browser are refused with 403 before anything runs; GET never changes state.
#[tokio::test]
async fn cross_site_requests_refused() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let form = [
        ("token", app.token.as_str()),
        ("name", "root"),
        ("password", PASSWORD),
    ];
    for (origin, site) in [
        (Some("http://evil.example"), None),
        (None, None),
        (Some(app.base.as_str()), Some("cross-site")),
        (Some(app.base.as_str()), Some("same-site")),
        (Some("null"), None),
    ] {
        let a = c.call_with("setup", &form, origin, site).await;
        assert_eq!(a.status, 403, "{origin:?} {site:?}");
    }
    // Nothing was created by the refused calls.
    assert_eq!(
        c.call("setup_needed", &[]).await.ok(),
        serde_json::json!(true)
    );
    // The same call from the page's own origin works.
    let ok = c
        .call_with("setup", &form, Some(&app.base), Some("same-origin"))
        .await;
    assert!(ok.status.is_success(), "{}", ok.body);
    // localhost names the same loopback server.
    let port = app.base.rsplit(':').next().unwrap();
    let local = c
        .call_with("me", &[], Some(&format!("http://localhost:{port}")), None)
        .await;
    assert!(local.status.is_success());
    // Server functions do not answer GET.
    let get = c.get("/api/logout").await;
    assert!(
        get.status().is_client_error() || get.status() == 405,
        "{}",
        get.status()
    );
}
