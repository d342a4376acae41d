use crate::helpers::{PASSWORD, TestApp};
use app::model::Role;
use server::store::audit::{Verdict, verify};

/// Every changing action appends an entry with who, when, from where, what and on which
/// object; an admin reads the log newest first and filters it by user, action and design.
#[tokio::test]
async fn actions_are_audited_and_filterable() {
    // The entries are counted: no engine registered at the first start.
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    app.login_as(&admin, "vic", Role::Viewer).await;
    let id = admin.create_design("audited", "three-tier").await;
    app.client()
        .call("login", &[("name", "vic"), ("password", "wrong password!")])
        .await;
    let page = admin.call("audit", &[]).await.ok();
    let entries = page["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "sign-in-failed",
            "design-create",
            "sign-in",
            "user-create",
            "setup"
        ]
    );
    let create = &entries[1];
    assert_eq!(create["actor"], "root");
    assert_eq!(create["address"], "127.0.0.1");
    assert_eq!(create["design_id"], id);
    assert_eq!(create["object_kind"], "design");
    assert!(create["summary"].as_str().unwrap().contains("audited"));

    let by_user = admin.call("audit", &[("user", "vic")]).await.ok();
    assert!(
        by_user["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "vic")
    );
    let by_action = admin.call("audit", &[("action", "setup")]).await.ok();
    assert_eq!(by_action["entries"].as_array().unwrap().len(), 1);
    let by_design = admin
        .call("audit", &[("design", &id.to_string())])
        .await
        .ok();
    assert_eq!(by_design["entries"].as_array().unwrap().len(), 1);
    assert!(
        by_design["designs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d[1] == "audited")
    );
}

/// The log cannot be changed through SQL (triggers refuse), and when it is changed behind
/// Bulkhead's back the chain check names the first broken entry.
#[tokio::test]
async fn chain_detects_tampering() {
    // The entries are counted: no engine registered at the first start.
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    for n in 0..3 {
        admin.create_design(&format!("d{n}"), "three-tier").await;
    }
    let db = server::db::Db::open(&app.data_dir()).await.unwrap();
    assert!(
        matches!(
            verify(&db).await.unwrap(),
            Verdict::Intact { entries: 4, .. }
        ),
        "{:?}",
        verify(&db).await
    );
    let refused = sqlx::query("UPDATE audit_log SET summary = 'nothing' WHERE id = 2")
        .execute(&db.write)
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    let refused = sqlx::query("DELETE FROM audit_log WHERE id = 2")
        .execute(&db.write)
        .await;
    assert!(refused.is_err());

    sqlx::query("DROP TRIGGER audit_log_append_only_update")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET summary = 'nothing to see' WHERE id = 3")
        .execute(&db.write)
        .await
        .unwrap();
    match verify(&db).await.unwrap() {
        Verdict::Broken { id, reason } => {
            assert_eq!(id, 3);
            assert!(reason.contains("changed"), "{reason}");
        }
        v => panic!("tampering not detected: {v:?}"),
    }
    let _ = PASSWORD;
}

/// An audit row's hashed columns: id, at, actor id, actor name, address, action, object kind,
/// object id, design id, target, summary, details.
type StoredEntry = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    String,
);

/// Someone who can write the database but has not the audit key cannot rewrite the chain:
/// an entry changed and every hash after it recomputed (as the old unkeyed chain allowed)
/// is still found.
#[tokio::test]
async fn a_rewritten_chain_is_found_without_the_key() {
    use sha2::{Digest, Sha256};
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    for n in 0..3 {
        admin.create_design(&format!("d{n}"), "three-tier").await;
    }
    let db = server::db::Db::open(&app.data_dir()).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_append_only_update")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET summary = 'created design nothing' WHERE id = 2")
        .execute(&db.write)
        .await
        .unwrap();
    // Recompute every hash from entry 2 on, the way a forger without the key would.
    let rows: Vec<StoredEntry> =
        sqlx::query_as("SELECT id, at, actor_id, actor_name, address, action, object_kind, object_id, design_id, target, summary, details FROM audit_log ORDER BY id")
            .fetch_all(&db.read)
            .await
            .unwrap();
    let mut prev: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = 1")
        .fetch_one(&db.read)
        .await
        .unwrap();
    for r in rows.iter().filter(|r| r.0 >= 2) {
        let text = serde_json::json!([
            prev, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11
        ])
        .to_string();
        let hash = hex::encode(Sha256::digest(text.as_bytes()));
        sqlx::query("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?")
            .bind(&prev)
            .bind(&hash)
            .bind(r.0)
            .execute(&db.write)
            .await
            .unwrap();
        prev = hash;
    }
    match verify(&db).await.unwrap() {
        Verdict::Broken { id, reason } => {
            assert_eq!(id, 2);
            assert!(reason.contains("without the audit key"), "{reason}");
        }
        v => panic!("the rewrite was not found: {v:?}"),
    }
}

/// Removing the newest entries shows against the last signed checkpoint; a forged
/// checkpoint line shows too; without the key the database does not open, and says so.
#[tokio::test]
async fn truncation_and_a_lost_key_are_reported() {
    // The entries are counted: no engine registered at the first start.
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    for n in 0..3 {
        admin.create_design(&format!("d{n}"), "three-tier").await;
    }
    let db = server::db::Db::open(&app.data_dir()).await.unwrap();
    assert_eq!(
        server::store::audit::checkpoint_since(&db, 0)
            .await
            .unwrap(),
        4
    );
    assert!(matches!(
        verify(&db).await.unwrap(),
        Verdict::Intact { checkpoint: 4, .. }
    ));
    sqlx::query("DROP TRIGGER audit_log_append_only_delete")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 4")
        .execute(&db.write)
        .await
        .unwrap();
    match verify(&db).await.unwrap() {
        Verdict::Broken { reason, .. } => {
            assert!(reason.contains("newest entries were removed"), "{reason}")
        }
        v => panic!("truncation not found: {v:?}"),
    }

    let checkpoints = app.data_dir().join(server::store::audit::CHECKPOINTS_FILE);
    let text = std::fs::read_to_string(&checkpoints).unwrap();
    std::fs::write(&checkpoints, text.replace(" 4 ", " 3 ")).unwrap();
    match verify(&db).await.unwrap() {
        Verdict::Broken { reason, .. } => assert!(reason.contains("not signed"), "{reason}"),
        v => panic!("a forged checkpoint was not found: {v:?}"),
    }

    std::fs::remove_file(app.data_dir().join(server::store::audit::KEY_FILE)).unwrap();
    let err = server::db::Db::open(&app.data_dir())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("restore audit.key from your backup"), "{err}");
}

/// Viewers see design and engine events without client addresses; sign-ins, failed
/// attempts and user administration are for admins.
#[tokio::test]
async fn viewers_see_design_events_only() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    admin.create_design("shop", "three-tier").await;
    app.client()
        .call(
            "login",
            &[
                ("name", "someone-else"),
                ("password", "a wrong password here"),
            ],
        )
        .await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    let page = viewer.call("audit", &[]).await.ok();
    let entries = page["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        assert!(
            e["design_id"].is_i64() || e["object_kind"] == "engine",
            "{e}"
        );
        assert!(e["address"].is_null(), "{e}");
    }
    let sign_ins = viewer.call("audit", &[("group", "sign-in")]).await.ok();
    assert_eq!(sign_ins["entries"], serde_json::json!([]), "{sign_ins}");
    let failed = viewer
        .call("audit", &[("action", "sign-in-failed")])
        .await
        .ok();
    assert_eq!(failed["entries"], serde_json::json!([]), "{failed}");
    let users = page["users"].as_array().unwrap();
    assert!(!users.iter().any(|u| u == "someone-else"), "{users:?}");
    let full = admin.call("audit", &[]).await.ok();
    assert!(
        full["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "sign-in-failed")
    );
}

/// Archived entries leave a sealed record the chain goes on from; a record written without
/// the audit key (to let entries be deleted) is found, and entries no record covers still
/// cannot be deleted.
#[tokio::test]
async fn archives_are_sealed_and_nothing_else_is_deleted() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    for n in 0..3 {
        admin.create_design(&format!("d{n}"), "three-tier").await;
    }
    let db = &app.service.db;
    let actor = server::store::Actor {
        id: None,
        name: Some("bulkhead".into()),
        address: None,
    };
    let archived =
        server::store::audit::archive::archive(db, &app.data_dir(), "2999-01-01", &actor)
            .await
            .unwrap()
            .unwrap();
    assert_eq!((archived.first, archived.through), (1, 3));
    assert!(matches!(
        verify(db).await.unwrap(),
        Verdict::Intact { entries: 2, .. }
    ));
    // The first entry kept says it links to the archive.
    let kept = admin.call("audit_entry", &[("id", "4")]).await.ok();
    assert_eq!(kept["chain"]["links_back"], true, "{kept}");
    let refused = sqlx::query("DELETE FROM audit_log WHERE id = 4")
        .execute(&db.write)
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    sqlx::query(
        "INSERT INTO audit_archives (through, last_hash, entries, file, archived_at, seal) \
         VALUES (4, 'x', 1, 'forged', 'now', 'not a seal')",
    )
    .execute(&db.write)
    .await
    .unwrap();
    match verify(db).await.unwrap() {
        Verdict::Broken { reason, .. } => assert!(reason.contains("not sealed"), "{reason}"),
        v => panic!("a forged archive record was not found: {v:?}"),
    }
    let _ = PASSWORD;
}
