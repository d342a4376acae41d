//! Webhooks against a local HTTP listener: every change of a request's state is posted as
//! JSON with a Slack-compatible `text`; a failed delivery is retried with backoff and its
//! result shown; a dead webhook never holds up a review; admins test a webhook.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::model::Role;
use serde_json::Value;

use crate::apply::{Cleanup, ENGINE, document};
use crate::helpers::{Client, TestApp};

/// A listener that records what it is sent; it answers 500 to the very first post.
async fn listener() -> (String, Arc<Mutex<Vec<Value>>>) {
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let calls = Arc::new(Mutex::new(0u32));
    let record = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let (record, calls) = (Arc::clone(&record), Arc::clone(&calls));
            async move {
                let mut n = calls.lock().unwrap();
                *n += 1;
                if *n == 1 {
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                record
                    .lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap_or(Value::String(body)));
                axum::http::StatusCode::OK
            }
        }),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", socket.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(socket, app).await.unwrap() });
    (url, seen)
}

async fn deliveries(admin: &Client, until: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let hooks = admin.call("list_webhooks", &[]).await.ok();
        if until(&hooks) {
            return hooks;
        }
        assert!(start.elapsed() < Duration::from_secs(40), "{hooks}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn request_events_reach_webhooks_and_a_dead_one_blocks_nothing() {
    let _engine = ENGINE.lock().await;
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let ed = app.login_as(&admin, "ed", Role::Editor).await;
    let bob = app.login_as(&admin, "bob", Role::Approver).await;
    let (url, seen) = listener().await;
    let engines = admin.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].to_string();

    // Admins only; http(s) URLs only.
    assert_eq!(ed.call("add_webhook", &[("url", &url)]).await.status, 403);
    let bad = admin
        .call("add_webhook", &[("url", "file:///etc/passwd")])
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let live = admin.call("add_webhook", &[("url", &url)]).await.ok();
    let dead = admin
        .call(
            "add_webhook",
            &[("url", "http://127.0.0.1:9/gone"), ("engine", &local)],
        )
        .await
        .ok();
    assert_eq!(dead["engine"], "local");

    let name = format!("hook{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let id = ed.create_design(&name, "").await.to_string();
    ed.save(
        &id,
        "1",
        &document(&name).replace("172.49.1.0/24", "172.49.10.0/24"),
    )
    .await;
    let started = Instant::now();
    let r = ed
        .call(
            "open_request",
            &[("design", &id), ("engine", &local), ("title", "hooked")],
        )
        .await
        .ok();
    let rid = r["row"]["id"].to_string();
    let approved = bob
        .call(
            "review_request",
            &[
                ("id", &rid),
                ("verdict", "approve"),
                ("revision", &r["row"]["revision"].to_string()),
                ("plan_hash", r["plan"]["hash"].as_str().unwrap()),
            ],
        )
        .await
        .ok();
    assert_eq!(approved["row"]["state"], "approved");
    // The dead webhook did not hold the review up (its first attempt alone may take seconds).
    assert!(started.elapsed() < Duration::from_secs(20));

    // Both events arrive, the first after a retry (the listener refused it once).
    let hooks = deliveries(&admin, |h| {
        h[0]["deliveries"]
            .as_array()
            .is_some_and(|d| d.len() == 2 && d.iter().all(|x| x["state"] == "delivered"))
    })
    .await;
    let first = &hooks[0]["deliveries"][1];
    assert_eq!(first["event"], "request-open", "{hooks}");
    assert_eq!(first["attempts"], 2, "{hooks}");
    assert_eq!(first["last_result"], "HTTP 200");
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    let approve = got
        .iter()
        .find(|v| v["event"] == "request-approve")
        .unwrap();
    assert_eq!(approve["request"]["state"], "approved");
    assert_eq!(approve["request"]["design"], name.as_str());
    assert_eq!(approve["actor"], "bob");
    assert!(
        approve["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/requests/{rid}")),
        "{approve}"
    );
    assert!(
        approve["text"].as_str().unwrap().contains("bob approved"),
        "{approve}"
    );

    // The dead one shows why, and is still being retried (or given up).
    let hooks = deliveries(&admin, |h| {
        h[1]["deliveries"][0]["attempts"].as_i64().unwrap_or(0) >= 2
    })
    .await;
    let d = &hooks[1]["deliveries"][0];
    assert_eq!(d["last_result"], "could not connect", "{hooks}");
    assert!(d["state"] == "pending" || d["state"] == "failed", "{hooks}");

    // A test message, on demand.
    admin
        .call("test_webhook", &[("id", &live["id"].to_string())])
        .await
        .ok();
    deliveries(&admin, |h| {
        h[0]["deliveries"][0]["event"] == "test" && h[0]["deliveries"][0]["state"] == "delivered"
    })
    .await;
    admin
        .call("remove_webhook", &[("id", &dead["id"].to_string())])
        .await
        .ok();
    let actions = admin.audit_actions().await;
    for a in ["webhook-add", "webhook-remove"] {
        assert!(actions.contains(&a.to_owned()), "{actions:?}");
    }
}
