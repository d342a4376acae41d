use crate::helpers::{PASSWORD, TestApp};
use app::model::Role;
use server::store::audit::{Verdict, verify};

/// Every changing action appends an entry with who, when, from where, what and on which
/// object; a viewer reads the log newest first and filters it by user, action and design.
#[tokio::test]
async fn actions_are_audited_and_filterable() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    let id = admin.create_design("audited", "three-tier").await;
    app.client()
        .call("login", &[("name", "vic"), ("password", "wrong password!")])
        .await;
    let page = viewer.call("audit", &[]).await.ok();
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

    let by_user = viewer.call("audit", &[("user", "vic")]).await.ok();
    assert!(
        by_user["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "vic")
    );
    let by_action = viewer.call("audit", &[("action", "setup")]).await.ok();
    assert_eq!(by_action["entries"].as_array().unwrap().len(), 1);
    let by_design = viewer
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
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    for n in 0..3 {
        admin.create_design(&format!("d{n}"), "three-tier").await;
    }
    let db = server::db::Db::open(&app.data_dir()).await.unwrap();
    assert_eq!(
        verify(&db.read).await.unwrap(),
        Verdict::Intact { entries: 4 }
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
    match verify(&db.read).await.unwrap() {
        Verdict::Broken { id, reason } => {
            assert_eq!(id, 3);
            assert!(reason.contains("changed"), "{reason}");
        }
        v => panic!("tampering not detected: {v:?}"),
    }
    let _ = PASSWORD;
}
