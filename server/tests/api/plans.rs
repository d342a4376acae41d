//! Plans in the browser's API: an editor plans a revision on the real local engine and gets
//! the changes grouped by kind with their reasons and the firewall step; the plan is stored
//! with its hash and the engine's fingerprint; viewers cannot plan; an engine that does not
//! answer is said to be so.

use app::model::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn editors_plan_a_revision_on_the_local_engine() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    // A name of its own, so that nothing on the engine has it.
    let name = format!("plan{}", std::process::id());
    let design = editor.create_design(&name, "three-tier").await.to_string();
    let engines = editor.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].as_i64().unwrap().to_string();

    let plan = editor
        .call("plan_design", &[("id", &design), ("engine_id", &local)])
        .await
        .ok();
    assert_eq!(plan["design"], name.as_str());
    assert_eq!(plan["revision"], 1);
    assert_eq!(plan["engine"], "local");
    assert!(plan["conflicts"].as_array().unwrap().is_empty(), "{plan}");
    let groups: Vec<&str> = plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["create"], "{plan}");
    let creates = plan["groups"][0]["lines"].as_array().unwrap();
    // Three networks and five containers, each with its reason.
    assert_eq!(creates.len(), 8, "{plan}");
    assert_eq!(plan["changes"], 8);
    assert!(
        creates
            .iter()
            .all(|l| !l["reason"].as_str().unwrap().is_empty())
    );
    assert!(
        plan["firewall"]
            .as_str()
            .unwrap()
            .starts_with("install BH-"),
        "{plan}"
    );
    // Stored, with the hash of what was shown and the engine's fingerprint.
    let db = &app.service.db;
    let (stored, hash, fingerprint): (String, String, String) =
        sqlx::query_as("SELECT plan, hash, fingerprint FROM plans WHERE id = ?")
            .bind(plan["id"].as_i64().unwrap())
            .fetch_one(&db.read)
            .await
            .unwrap();
    use sha2::Digest;
    assert_eq!(hash, hex::encode(sha2::Sha256::digest(stored.as_bytes())));
    assert_eq!(plan["hash"], hash.as_str());
    assert_eq!(plan["fingerprint"], fingerprint.as_str());

    // Viewers read, they do not plan.
    let refused = viewer
        .call("plan_design", &[("id", &design), ("engine_id", &local)])
        .await;
    assert_eq!(refused.status, 403);

    // An engine that does not answer is said to be so, and nothing is stored.
    let unreachable = admin
        .call(
            "add_engine",
            &[("name", "gone"), ("endpoint", "tcp://127.0.0.1:9")],
        )
        .await
        .ok();
    let gone = unreachable["id"].as_i64().unwrap().to_string();
    let answer = editor
        .call("plan_design", &[("id", &design), ("engine_id", &gone)])
        .await;
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert!(
        answer.body.to_string().contains("did not answer"),
        "{}",
        answer.body
    );
    let plans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans")
        .fetch_one(&db.read)
        .await
        .unwrap();
    assert_eq!(plans, 1);
}
