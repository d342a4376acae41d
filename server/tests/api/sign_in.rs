//! Sign-in under attack: parallel guesses, locks per name and address, what admins can
//! clear, addresses behind a trusted proxy, the aggregated audit of refusals, and the last
//! admin.

use crate::helpers::{Client, PASSWORD, TestApp};
use app::model::Role;
use server::clock::ManualClock;
use std::time::Duration;

const WRONG: &str = "not the password at all";

/// A client whose requests come through the trusted proxy on 127.0.0.1 from `address`.
async fn login_from(c: &Client, name: &str, password: &str, address: &str) -> (u16, String) {
    let res = c
        .http
        .post(format!("{}/api/login", c.base))
        .header("origin", &c.base)
        .header("accept", "application/json")
        .header("x-forwarded-for", address)
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Twelve wrong guesses at once: exactly five reach the password check, the rest are
/// refused by the lock, however the requests interleave.
#[tokio::test]
async fn a_burst_of_guesses_gets_five_past_the_lock() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let guesses = (0..12).map(|_| {
        let c = app.client();
        async move {
            c.call("login", &[("name", "root"), ("password", WRONG)])
                .await
                .status
                .as_u16()
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let throttled = answers.iter().filter(|s| **s == 429).count();
    assert_eq!(throttled, 7, "{answers:?}");
    assert!(
        answers.iter().all(|s| [401, 429, 503].contains(s)),
        "{answers:?}"
    );
    let actions = admin.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "sign-in-failed").count()
            + answers.iter().filter(|s| **s == 503).count(),
        5
    );
}

/// The lock holds a name from one address: the same name from another address still signs
/// in; twenty failures from one address lock that address for every name. Behind a trusted
/// proxy the address is the forwarded one; from elsewhere the header is ignored.
#[tokio::test]
async fn locks_are_per_name_and_address() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let admin = app.setup_admin().await;
    let c = app.client();
    for _ in 0..5 {
        assert_eq!(login_from(&c, "root", WRONG, "198.51.100.7").await.0, 401);
    }
    assert_eq!(
        login_from(&c, "root", PASSWORD, "198.51.100.7").await.0,
        429
    );
    assert_eq!(
        login_from(&c, "root", PASSWORD, "203.0.113.5").await.0,
        200,
        "another address is not locked out"
    );

    for i in 0..20 {
        let (status, _) = login_from(&c, &format!("guess{i}"), WRONG, "192.0.2.66").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, body) = login_from(&c, "root", PASSWORD, "192.0.2.66").await;
    assert_eq!(status, 429, "{body}");

    let page = admin
        .call("audit", &[("action", "sign-in-failed")])
        .await
        .ok();
    let addresses: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["address"].as_str().unwrap())
        .collect();
    assert!(
        addresses.contains(&"192.0.2.66") && addresses.contains(&"198.51.100.7"),
        "{addresses:?}"
    );
}

/// Without the trusted proxy setting, X-Forwarded-For cannot move a client out of its lock.
#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::spawn().await;
    app.setup_admin().await;
    let c = app.client();
    for i in 0..5 {
        login_from(&c, "root", WRONG, &format!("198.51.100.{i}")).await;
    }
    assert_eq!(login_from(&c, "root", PASSWORD, "203.0.113.5").await.0, 429);
}

/// An admin can clear a user's lock, and a password reset clears it too; both are audited.
#[tokio::test]
async fn admins_clear_locks() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let eve = app.login_as(&admin, "eve", Role::Editor).await;
    let id = eve.call("me", &[]).await.ok()["id"].to_string();
    let c = app.client();
    let lock = || async {
        for _ in 0..5 {
            c.call("login", &[("name", "eve"), ("password", WRONG)])
                .await;
        }
        assert_eq!(
            c.call("login", &[("name", "eve"), ("password", PASSWORD)])
                .await
                .status,
            429
        );
    };
    lock().await;
    let row = admin.call("list_users", &[]).await.ok();
    let eve_row = row
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "eve")
        .unwrap();
    assert!(
        eve_row["recent_failures"].as_i64().unwrap() >= 5,
        "{eve_row}"
    );
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    assert_eq!(
        viewer
            .call("clear_sign_in_lock", &[("user_id", &id)])
            .await
            .status,
        403
    );
    admin
        .call("clear_sign_in_lock", &[("user_id", &id)])
        .await
        .ok();
    c.call("login", &[("name", "eve"), ("password", PASSWORD)])
        .await
        .ok();

    lock().await;
    let fresh = "a brand new password 2026";
    admin
        .call("reset_password", &[("user_id", &id), ("password", fresh)])
        .await
        .ok();
    c.call("login", &[("name", "eve"), ("password", fresh)])
        .await
        .ok();
    let actions = admin.audit_actions().await;
    assert!(actions.contains(&"user-unlock".to_string()), "{actions:?}");
}

/// Refusals during a lock are logged once, then as one count when the lock has ended.
#[tokio::test]
async fn refusals_during_a_lock_are_counted_not_logged_one_by_one() {
    let clock = ManualClock::new();
    let app = TestApp::spawn_with(|c| c.clock = clock.clock()).await;
    let admin = app.setup_admin().await;
    let c = app.client();
    for _ in 0..5 {
        c.call("login", &[("name", "root"), ("password", WRONG)])
            .await;
    }
    for _ in 0..30 {
        assert_eq!(
            c.call("login", &[("name", "root"), ("password", WRONG)])
                .await
                .status,
            429
        );
    }
    let throttled = |page: serde_json::Value| -> Vec<String> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap().to_owned())
            .collect()
    };
    let now = throttled(
        admin
            .call("audit", &[("action", "sign-in-throttled")])
            .await
            .ok(),
    );
    assert_eq!(now.len(), 1, "{now:#?}");
    clock.advance(Duration::from_secs(16 * 60));
    c.call("login", &[("name", "root"), ("password", PASSWORD)])
        .await
        .ok();
    let later = throttled(
        admin
            .call("audit", &[("action", "sign-in-throttled")])
            .await
            .ok(),
    );
    assert_eq!(later.len(), 2, "{later:#?}");
    assert!(
        later[0].contains("refused 29 more sign-in(s) as root"),
        "{later:#?}"
    );
}

/// Attempted names are cut to 64 characters in the log.
#[tokio::test]
async fn attempted_names_are_truncated() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let long = "x".repeat(200);
    app.client()
        .call("login", &[("name", &long), ("password", WRONG)])
        .await;
    let page = admin
        .call("audit", &[("action", "sign-in-failed")])
        .await
        .ok();
    let summary = page["entries"][0]["summary"].as_str().unwrap();
    assert!(summary.chars().count() < 100, "{summary}");
    assert!(summary.ends_with('…'), "{summary}");
}

/// Two admins demoting each other at once: one wins, and an active admin always remains.
#[tokio::test]
async fn an_active_admin_always_remains() {
    let app = TestApp::spawn().await;
    let root = app.setup_admin().await;
    let ann = app.login_as(&root, "ann", Role::Admin).await;
    let root_id = root.call("me", &[]).await.ok()["id"].to_string();
    let ann_id = ann.call("me", &[]).await.ok()["id"].to_string();
    let demote_ann = [("user_id", ann_id.as_str()), ("role", "viewer")];
    let demote_root = [("user_id", root_id.as_str()), ("role", "viewer")];
    let (a, b) = tokio::join!(
        root.call("set_role", &demote_ann),
        ann.call("set_role", &demote_root),
    );
    assert_eq!(
        [a.status.is_success(), b.status.is_success()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{} {} / {} {}",
        a.status,
        a.body,
        b.status,
        b.body
    );
    let survivor = if a.status.is_success() { "root" } else { "ann" };
    let c = app.client();
    c.call("login", &[("name", survivor), ("password", PASSWORD)])
        .await
        .ok();
    let users = c.call("list_users", &[]).await.ok();
    let admins = users
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["role"] == "admin" && u["disabled"] == false)
        .count();
    assert_eq!(admins, 1);
}
