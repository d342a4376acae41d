//! A design's history from the browser's API: two revisions compared (structure,
//! reachability, findings, YAML), a revision against what is live on an engine, and an old
//! revision restored as a new one — by editors, audited.

use app::model::Role;

use crate::helpers::TestApp;

const FIRST: &str = "bulkhead: 1\nname: hist\nzones:\n  a: { trust: internal }\nservices:\n  web: { image: busybox:1.36, zones: [a] }\n  db: { image: postgres:16, zones: [a] }\n";

#[tokio::test]
async fn compare_and_restore_revisions() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    let id = editor.create_design("hist", "").await.to_string();
    editor.save(&id, "1", FIRST).await;
    let second = FIRST
        .replace("{ trust: internal }", "{ trust: internal, isolated: true }")
        .replace(
            "zones: [a] }\n  db",
            "zones: [a], hardening: { privileged: true } }\n  db",
        );
    editor.save(&id, "2", &second).await;

    // The history says what each revision changed, in one line.
    let detail = viewer.call("get_design", &[("id", &id)]).await.ok();
    let summaries: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["summary"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        summaries[0], "1 zone changed, 1 service changed",
        "{summaries:?}"
    );
    assert!(
        summaries[1].starts_with("+1 zone, +2 services"),
        "{summaries:?}"
    );
    assert_eq!(summaries.len(), 3);

    // Revision 3 against the one before it: viewers read every view.
    let d = viewer
        .call("diff_revisions", &[("id", &id), ("to", "3")])
        .await
        .ok();
    assert_eq!(d["from"], "revision 2", "{d}");
    assert!(d["changes"].to_string().contains("zones.a.isolated"), "{d}");
    assert!(d["delta"]["lost"].to_string().contains("\"db\""), "{d}");
    assert!(d["new_findings"].to_string().contains("privileged"), "{d}");
    assert!(
        d["yaml"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["tag"] == "+" && l["text"].as_str().unwrap().contains("isolated: true")),
        "{d}"
    );
    // Any two revisions, either way round.
    let back = viewer
        .call(
            "diff_revisions",
            &[("id", &id), ("to", "2"), ("against", "3")],
        )
        .await
        .ok();
    assert!(
        back["resolved_findings"].to_string().contains("privileged"),
        "{back}"
    );
    // Against what is live on an engine: nothing is, so everything is new.
    let engines = viewer.call("list_engines", &[]).await.ok();
    if let Some(local) = engines[0]["id"].as_i64() {
        let live = viewer
            .call(
                "diff_revisions",
                &[("id", &id), ("to", "3"), ("engine", &local.to_string())],
            )
            .await
            .ok();
        assert!(
            live["from"].as_str().unwrap().starts_with("nothing"),
            "{live}"
        );
    }
    let missing = viewer
        .call("diff_revisions", &[("id", &id), ("to", "9")])
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);

    // Restore revision 2 as revision 4: editors only, never the head, audited.
    let refused = viewer
        .call("restore_revision", &[("id", &id), ("revision", "2")])
        .await;
    assert_eq!(refused.status, 403);
    let head = editor
        .call("restore_revision", &[("id", &id), ("revision", "3")])
        .await;
    assert_eq!(head.status, 409, "{}", head.body);
    let restored = editor
        .call("restore_revision", &[("id", &id), ("revision", "2")])
        .await
        .ok();
    assert_eq!(restored["number"], 4, "{restored}");
    assert_eq!(restored["message"], "restored revision 2");
    let same = viewer
        .call(
            "diff_revisions",
            &[("id", &id), ("to", "4"), ("against", "2")],
        )
        .await
        .ok();
    assert_eq!(same["changes"], serde_json::json!([]), "{same}");
    assert_eq!(same["yaml"], serde_json::json!([]), "{same}");
    assert!(
        editor
            .audit_actions()
            .await
            .contains(&"design-revert".to_owned())
    );
}
