//! The audit view: every filter of the page (time, actor, action group and name, design,
//! engine, result, words), refused when it cannot be meant; an entry's detail with its
//! place in the chain; the filtered view exported as JSON Lines and CSV, checked offline.

use crate::helpers::{Client, PASSWORD, TestApp};
use app::model::Role;
use serde_json::{Value, json};
use server::store::Actor;
use server::store::audit::{NewEntry, append_alone};

async fn view(c: &Client, q: &[(&str, &str)]) -> Value {
    c.call("audit", q).await.ok()
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// Entries Bulkhead writes for applies and lock breaks, written here as the engine code
/// writes them (the engine tests drive the real ones).
async fn engine_entries(app: &TestApp) {
    let db = &app.service.db;
    let actor = Actor {
        id: Some(1),
        name: Some("root".into()),
        address: None,
    };
    let mut failed = NewEntry::new(&actor, "engine-apply", "apply of shop to prod failed")
        .design(2)
        .details(json!({ "result": "failed", "override": null }));
    failed.target = Some("prod");
    append_alone(db, failed).await.unwrap();
    let mut forced = NewEntry::new(&actor, "engine-apply", "applied shop to prod (OVERRIDE)")
        .design(2)
        .details(json!({ "result": "applied", "override": "hotfix approved by phone" }));
    forced.target = Some("prod");
    append_alone(db, forced).await.unwrap();
    let mut verified = NewEntry::new(&actor, "engine-verify", "=1+1 verified shop on prod")
        .design(2)
        .details(json!({ "result": "ok", "checks": 73, "mismatches": 0, "revision": 1 }));
    verified.target = Some("prod");
    append_alone(db, verified).await.unwrap();
}

#[tokio::test]
async fn every_filter_narrows_the_view_and_bad_ones_say_what_to_write() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    admin.create_design("audited", "three-tier").await;
    let shop = admin.create_design("shop", "three-tier").await;
    assert_eq!(shop, 2);
    app.client()
        .call(
            "login",
            &[("name", "vic"), ("password", "not the password")],
        )
        .await;
    engine_entries(&app).await;

    let all = actions(&view(&admin, &[]).await);
    assert_eq!(all.len(), 9, "{all:?}");
    assert_eq!(
        actions(&view(&admin, &[("group", "sign-in")]).await),
        ["sign-in-failed", "sign-in", "setup"]
    );
    assert_eq!(
        actions(&view(&admin, &[("group", "designs")]).await),
        ["design-create", "design-create"]
    );
    assert_eq!(
        actions(&view(&admin, &[("action", "user-create")]).await),
        ["user-create"]
    );
    // Attempts under a name count as that name's.
    assert_eq!(
        actions(&view(&admin, &[("user", "vic")]).await),
        ["sign-in-failed", "sign-in"]
    );
    assert_eq!(
        actions(&view(&admin, &[("engine", "prod")]).await),
        ["engine-verify", "engine-apply", "engine-apply"]
    );
    assert_eq!(
        actions(&view(&admin, &[("result", "failed")]).await),
        ["engine-apply", "sign-in-failed"]
    );
    let forced = view(&admin, &[("result", "override")]).await;
    assert_eq!(actions(&forced), ["engine-apply"]);
    assert_eq!(forced["entries"][0]["overridden"], true);
    assert_eq!(
        actions(&view(&admin, &[("result", "ok"), ("engine", "prod")]).await),
        ["engine-verify"]
    );
    // Words of the summary, a word's start included; quotes and operators are words too.
    assert_eq!(
        actions(&view(&admin, &[("q", "audit")]).await),
        ["design-create"]
    );
    assert_eq!(actions(&view(&admin, &[("q", "shop prod")]).await).len(), 3);
    assert_eq!(
        actions(&view(&admin, &[("q", "\"NEAR(shop\" OR")]).await).len(),
        0
    );
    // Every bound is inclusive: today holds everything, tomorrow nothing.
    let now = server::clock::now_text();
    let today = &now[..10];
    assert_eq!(
        actions(&view(&admin, &[("from", today), ("to", today)]).await).len(),
        9
    );
    assert_eq!(
        actions(&view(&admin, &[("from", "2999-01-01")]).await).len(),
        0
    );
    assert_eq!(
        actions(&view(&admin, &[("to", "2000-01-01")]).await).len(),
        0
    );
    // Filters combine.
    assert_eq!(
        actions(
            &view(
                &admin,
                &[("design", "2"), ("group", "engine"), ("result", "failed")]
            )
            .await
        ),
        ["engine-apply"]
    );

    // The story of a design: its key steps, oldest first, in words.
    let story = view(&admin, &[("design", "2")]).await;
    let labels: Vec<&str> = story["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "created by root",
            "apply to prod failed (root)",
            "applied to prod by root",
            "verified 73/73 on prod"
        ]
    );
    assert_eq!(story["timeline"][1]["tone"], "failed");
    assert_eq!(story["timeline"][2]["tone"], "override");
    assert_eq!(view(&admin, &[]).await["timeline"], json!([]));

    for (field, value, says) in [
        ("from", "yesterday", "2026-12-04T14:02"),
        (
            "group",
            "nope",
            "sign-in, users, designs, reviews, engine, audit",
        ),
        ("result", "maybe", "ok, failed or override"),
        ("action", "drop-table", "no audit action"),
        ("design", "two", "must be a number"),
        ("q", "--", "at least one word"),
    ] {
        let answer = admin.call("audit", &[(field, value)]).await;
        assert_eq!(answer.status, 400, "{field}={value}: {}", answer.body);
        assert!(
            answer.body.to_string().contains(says),
            "{field}={value}: {}",
            answer.body
        );
    }
    let answer = admin
        .call("audit", &[("from", "2026-12-05"), ("to", "2026-12-04")])
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.to_string().contains("ends before it starts"));

    // Below admin: design and engine entries, no sign-ins, no addresses.
    let seen = viewer.call("audit", &[]).await.ok();
    assert_eq!(seen["everything"], false);
    assert!(!actions(&seen).iter().any(|a| a.starts_with("sign-in")));
    assert_eq!(
        actions(&viewer.call("audit", &[("group", "users")]).await.ok()),
        Vec::<String>::new()
    );
    let _ = PASSWORD;
}

#[tokio::test]
async fn an_entry_in_full_with_its_place_in_the_chain() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    admin.create_design("audited", "three-tier").await;
    engine_entries(&app).await;
    // 1 setup, 2 user-create, 3 sign-in, 4 design-create, 5-7 engine entries.
    let d = admin.call("audit_entry", &[("id", "5")]).await.ok();
    assert_eq!(d["entry"]["action"], "engine-apply");
    assert_eq!(d["entry"]["target"], "prod");
    assert!(
        d["details"]
            .as_str()
            .unwrap()
            .contains("\"result\": \"failed\""),
        "{d}"
    );
    assert_eq!(
        (d["previous"].clone(), d["next"].clone()),
        (json!(4), json!(6))
    );
    assert_eq!(
        d["chain"],
        json!({ "sealed": true, "links_back": true, "linked_from_next": true, "checkpoint": null })
    );
    server::store::audit::checkpoint_since(&app.service.db, 0)
        .await
        .unwrap();
    let newest = admin.call("audit_entry", &[("id", "7")]).await.ok();
    assert_eq!(newest["next"], Value::Null);
    assert_eq!(newest["chain"]["linked_from_next"], Value::Null);
    assert_eq!(newest["chain"]["checkpoint"], 7);

    // A viewer's neighbours skip what a viewer cannot read; what it cannot read is not found.
    let seen = viewer.call("audit_entry", &[("id", "4")]).await.ok();
    assert_eq!(seen["previous"], Value::Null);
    assert_eq!(viewer.call("audit_entry", &[("id", "3")]).await.status, 404);
    assert_eq!(admin.call("audit_entry", &[("id", "99")]).await.status, 404);
    assert_eq!(
        app.client()
            .call("audit_entry", &[("id", "4")])
            .await
            .status,
        401
    );

    // Changed behind Bulkhead's back: the entry says so.
    let db = &app.service.db;
    sqlx::query("DROP TRIGGER audit_log_append_only_update")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET summary = 'nothing happened' WHERE id = 5")
        .execute(&db.write)
        .await
        .unwrap();
    let d = admin.call("audit_entry", &[("id", "5")]).await.ok();
    assert_eq!(d["chain"]["sealed"], false);
    assert_eq!(d["chain"]["links_back"], true);
}

/// Runs `scripts/verify-audit-export.py` on `text`: exit code and what it printed.
fn check_offline(app: &TestApp, text: &str) -> (i32, String) {
    let file = app.dir.path().join("export.jsonl");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/verify-audit-export.py"
        ))
        .arg("--key")
        .arg(app.data_dir().join(server::store::audit::KEY_FILE))
        .arg(&file)
        .output()
        .expect("python3 runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn the_filtered_view_exports_with_its_hashes() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    admin.create_design("audited", "three-tier").await;
    engine_entries(&app).await;

    let res = admin.get("/audit/export?format=jsonl&engine=prod").await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("bulkhead-audit-") && disposition.ends_with(".jsonl\""));
    let text = res.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0]["view"], json!({ "engine": "prod" }));
    assert_eq!(lines[4]["entries"], 3);
    assert_eq!(lines[4]["last_hash"], lines[3]["hash"]);
    let ids: Vec<i64> = lines[1..4]
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [5, 6, 7], "oldest first");
    let (code, out) = check_offline(&app, &text);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 3 entries"), "{out}");

    // Everything, as CSV: a header row and one line per entry, read back by a CSV reader.
    let csv = admin
        .get("/audit/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let rows = csv_rows(&csv);
    assert_eq!(rows[0][..3], ["id", "at", "actor_id"]);
    assert_eq!(rows.len(), 8, "{csv}");
    assert_eq!(rows[5][5], "engine-apply");
    assert!(
        rows[5][11].contains("\"result\":\"failed\""),
        "{:?}",
        rows[5]
    );
    // A summary a spreadsheet would run as a formula is written as text.
    assert_eq!(rows[7][10], "'=1+1 verified shop on prod");

    // A viewer's export: its part of the log, addresses withheld, links still checked.
    let text = viewer
        .get("/audit/export?format=jsonl")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !text.contains("sign-in") && !text.contains("127.0.0.1"),
        "{text}"
    );
    let (code, out) = check_offline(&app, &text);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("withholds client addresses"), "{out}");

    for (path, status) in [
        ("/audit/export?format=xml", 400),
        ("/audit/export?format=csv&result=maybe", 400),
    ] {
        assert_eq!(admin.get(path).await.status(), status, "{path}");
    }
    assert_eq!(
        app.client().get("/audit/export?format=csv").await.status(),
        401
    );
}

/// The rows of a CSV text, header first, as a CSV reader reads them.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// An action outside the catalogue the filters offer is refused, so that none is recorded
/// where no filter finds it.
#[tokio::test]
async fn only_stable_actions_are_recorded() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let actor = Actor {
        id: None,
        name: Some("bulkhead".into()),
        address: None,
    };
    let err = append_alone(&app.service.db, NewEntry::new(&actor, "made-up", "x"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a stable audit action"),
        "{err}"
    );
}
