//! Engines: the local one registered at first start, checked on the real Docker engine;
//! admins register, change and forget engines (TLS files shown to them alone); an endpoint
//! that would hand out root is refused; one lock per engine, whoever asks at once.

use std::time::Instant;

use app::model::Role;
use server::store::engines::{self, Taken};

use crate::helpers::TestApp;

/// The engine called `name` in a `list_engines` answer.
fn engine<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no engine {name} in {list}"))
}

#[tokio::test]
async fn the_local_engine_is_found_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vera", Role::Viewer).await;

    let list = viewer.call("list_engines", &[]).await.ok();
    let local = engine(&list, "local");
    assert_eq!(local["endpoint"], "unix:///var/run/docker.sock");
    assert_eq!(local["created_by"], "Bulkhead");
    assert_eq!(local["approvals_required"], 1);
    let id = local["id"].as_i64().unwrap().to_string();
    assert!(
        admin
            .audit_actions()
            .await
            .contains(&"engine-register".to_owned())
    );

    // A viewer checks it on demand: the real engine answers.
    let checked = viewer.call("check_engine", &[("id", &id)]).await.ok();
    let status = &checked["status"];
    assert!(status["error"].is_null(), "{checked}");
    assert!(!status["engine_version"].as_str().unwrap().is_empty());
    assert_eq!(status["firewall_backend"], "iptables");
    assert_eq!(status["can_change_firewall"], true, "{status}");
    // …and the list shows what was learned.
    let list = viewer.call("list_engines", &[]).await.ok();
    assert_eq!(engine(&list, "local")["status"], *status);
}

#[tokio::test]
async fn admins_register_change_and_forget_engines() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vera", Role::Viewer).await;

    // Plain TCP beyond loopback is root for anyone on the network: refused, with a way out.
    let refused = admin
        .call(
            "add_engine",
            &[("name", "lan"), ("endpoint", "tcp://10.1.2.3:2375")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.to_string().contains("TLS"), "{}", refused.body);

    // An engine over TLS that does not answer: registered, and said to be unreachable fast.
    let started = Instant::now();
    let added = admin
        .call(
            "add_engine",
            &[
                ("name", "remote"),
                ("endpoint", "tcp://127.0.0.1:9"),
                ("tls_ca", "/etc/bulkhead/ca.pem"),
                ("tls_cert", "/etc/bulkhead/cert.pem"),
                ("tls_key", "/etc/bulkhead/key.pem"),
                ("note", "the staging box"),
                ("approvals_required", "0"),
            ],
        )
        .await
        .ok();
    println!(
        "an unreachable engine registered and checked in {:?}",
        started.elapsed()
    );
    assert_eq!(added["endpoint"], "https://127.0.0.1:9");
    assert_eq!(added["uses_tls"], true);
    assert_eq!(added["tls"]["key"], "/etc/bulkhead/key.pem");
    assert_eq!(added["approvals_required"], 0);
    let error = added["status"]["error"].as_str().unwrap();
    assert!(!error.is_empty(), "{added}");
    let id = added["id"].as_i64().unwrap().to_string();

    // The viewer sees the engine, not where its key is.
    let list = viewer.call("list_engines", &[]).await.ok();
    let seen = engine(&list, "remote");
    assert_eq!(seen["uses_tls"], true);
    assert!(seen["tls"].is_null(), "{seen}");
    assert!(!list.to_string().contains("key.pem"));

    // A second engine of the same name is refused.
    let twice = admin
        .call(
            "add_engine",
            &[("name", "REMOTE"), ("endpoint", "tcp://127.0.0.1:2375")],
        )
        .await;
    assert_eq!(twice.status, 400, "{}", twice.body);

    // Changed, then forgotten; each step in the audit log, which viewers read too.
    let changed = admin
        .call(
            "update_engine",
            &[
                ("id", &id),
                ("name", "staging"),
                ("endpoint", "tcp://127.0.0.1:2375"),
                ("approvals_required", "2"),
            ],
        )
        .await
        .ok();
    assert_eq!(changed["name"], "staging");
    assert_eq!(changed["approvals_required"], 2);
    let three = admin
        .call(
            "update_engine",
            &[
                ("id", &id),
                ("name", "staging"),
                ("endpoint", "tcp://127.0.0.1:2375"),
                ("approvals_required", "3"),
            ],
        )
        .await;
    assert_eq!(three.status, 400, "{}", three.body);
    assert!(
        three.body.to_string().contains("0, 1 or 2"),
        "{}",
        three.body
    );
    assert_eq!(changed["uses_tls"], false);
    admin.call("remove_engine", &[("id", &id)]).await.ok();
    let list = viewer.call("list_engines", &[]).await.ok();
    assert!(!list.to_string().contains("staging"), "{list}");
    let actions = viewer.audit_actions().await;
    for action in ["engine-register", "engine-update", "engine-remove"] {
        assert!(actions.contains(&action.to_owned()), "{actions:?}");
    }
}

#[tokio::test]
async fn one_job_at_a_time_per_engine() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let list = admin.call("list_engines", &[]).await.ok();
    let id = engine(&list, "local")["id"].as_i64().unwrap();
    let now = app.service.config.clock.unix();

    // Two takers at the same moment, each on a connection of its own (as the server and a
    // command line would be): exactly one wins, the other learns who holds it.
    let own = || async {
        use sqlx::ConnectOptions;
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(app.data_dir().join("bulkhead.db"))
            .busy_timeout(std::time::Duration::from_secs(10))
            .connect()
            .await
            .unwrap()
    };
    let (mut a, mut b) = (own().await, own().await);
    let (first, second) = tokio::join!(
        engines::lock(&mut a, id, "apply of three-tier r7 by alice", now),
        engines::lock(&mut b, id, "apply of three-tier r8 by bob", now),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    let (token, held) = match (first, second) {
        (Taken::Ours(t), Taken::HeldBy(h)) | (Taken::HeldBy(h), Taken::Ours(t)) => (t, h),
        other => panic!("not exactly one winner: {other:?}"),
    };
    assert!(held.holder.starts_with("apply of three-tier"), "{held:?}");
    drop((a, b));

    // The page shows the holder; the engine cannot be forgotten while it is in use.
    let list = editor.call("list_engines", &[]).await.ok();
    let lock = &engine(&list, "local")["lock"];
    assert!(
        lock["holder"].as_str().unwrap().starts_with("apply of"),
        "{lock}"
    );
    let busy = admin
        .call("remove_engine", &[("id", &id.to_string())])
        .await;
    assert_eq!(busy.status, 409, "{}", busy.body);
    assert!(busy.body.to_string().contains("apply of"), "{}", busy.body);

    // A lock whose holder stopped renewing it expires; renewing keeps it.
    let mut conn = own().await;
    assert!(engines::renew(&mut conn, id, &token, now).await.unwrap());
    let later = now + engines::LOCK_LEASE_SECS + 1;
    assert!(
        engines::holder_of(&mut conn, id, later)
            .await
            .unwrap()
            .is_none()
    );
    drop(conn);

    // Only an admin breaks a lock, and that is audited.
    let refused = editor
        .call("break_engine_lock", &[("id", &id.to_string())])
        .await;
    assert_eq!(refused.status, 403);
    admin
        .call("break_engine_lock", &[("id", &id.to_string())])
        .await
        .ok();
    let mut conn = own().await;
    assert!(
        !engines::renew(&mut conn, id, &token, now).await.unwrap(),
        "a broken lock is no longer its holder's"
    );
    assert!(matches!(
        engines::lock(&mut conn, id, "apply by carol", now)
            .await
            .unwrap(),
        Taken::Ours(_)
    ));
    assert!(
        admin
            .audit_actions()
            .await
            .contains(&"engine-lock-break".to_owned())
    );
}
