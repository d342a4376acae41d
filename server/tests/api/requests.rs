//! Change requests from the browser's API, on the real local engine: separation of duties
//! (nobody reviews a request they opened or wrote a revision of), reviews that name the
//! revision and plan they saw, approvals dismissed by a pushed revision or a changed plan,
//! the apply gate and the admin's override, the apply and verify recorded with the request,
//! and every step in the audit log.

use app::model::Role;
use serde_json::Value;

use crate::apply::{Cleanup, ENGINE, document};
use crate::helpers::{Client, TestApp};
use crate::operations::ended;

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Team {
    admin: Client,
    ed: Client,
    ann: Client,
    carl: Client,
    bob: Client,
    vic: Client,
}

async fn team(app: &TestApp) -> Team {
    let admin = app.setup_admin().await;
    Team {
        ed: app.login_as(&admin, "ed", Role::Editor).await,
        ann: app.login_as(&admin, "ann", Role::Approver).await,
        carl: app.login_as(&admin, "carl", Role::Approver).await,
        bob: app.login_as(&admin, "bob", Role::Approver).await,
        vic: app.login_as(&admin, "vic", Role::Viewer).await,
        admin,
    }
}

/// A design saved by `author` on the probe image (subnet apart from the other tests').
async fn design(author: &Client, name: &str, subnet: &str) -> (String, String) {
    let id = author.create_design(name, "").await.to_string();
    let text = document(name).replace("172.49.1.0/24", subnet);
    author.save(&id, "1", &text).await;
    (id, text)
}

async fn local(c: &Client) -> String {
    let engines = c.call("list_engines", &[]).await.ok();
    s(&engines[0]["id"])
}

async fn open(c: &Client, design: &str, engine: &str, title: &str) -> Value {
    c.call(
        "open_request",
        &[
            ("design", design),
            ("engine", engine),
            ("title", title),
            ("description", "why"),
        ],
    )
    .await
    .ok()
}

async fn review(c: &Client, r: &Value, verdict: &str, message: &str) -> crate::helpers::Answer {
    c.call(
        "review_request",
        &[
            ("id", &s(&r["row"]["id"])),
            ("verdict", verdict),
            ("revision", &s(&r["row"]["revision"])),
            ("plan_hash", &s(&r["plan"]["hash"])),
            ("message", message),
        ],
    )
    .await
}

/// The summary of the newest audit entry of `action`, as `c` reads the audit log.
async fn newest_summary(c: &Client, action: &str) -> String {
    let page = c.call("audit", &[("action", action)]).await.ok();
    page["entries"][0]["summary"]
        .as_str()
        .unwrap_or_else(|| panic!("no {action} entry: {page}"))
        .to_owned()
}

async fn get(c: &Client, id: &str) -> Value {
    c.call("get_request", &[("id", id)]).await.ok()
}

#[tokio::test]
async fn separation_of_duties_and_reviews_of_what_was_seen() {
    let _engine = ENGINE.lock().await;
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let name = format!("sod{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (id, text) = design(&t.ann, &name, "172.49.4.0/24").await;
    let engine = local(&t.ann).await;

    // Viewers do not propose; an approver (who may edit) does.
    let refused = t
        .vic
        .call(
            "open_request",
            &[("design", &id), ("engine", &engine), ("title", "x")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let blank = t
        .ann
        .call(
            "open_request",
            &[("design", &id), ("engine", &engine), ("title", "  ")],
        )
        .await;
    assert_eq!(blank.status, 400, "{}", blank.body);
    let r = open(&t.ann, &id, &engine, "web and client").await;
    let rid = s(&r["row"]["id"]);
    assert_eq!(r["row"]["state"], "open", "{r}");
    assert_eq!(r["row"]["revision"], 2);
    assert_eq!(r["row"]["approvals_required"], 1);
    assert_eq!(r["plan"]["changes"], 3, "{r}");
    assert!(r["can"]["review"] == false, "the author cannot review: {r}");
    // One request in progress per design and engine.
    let twice =
        t.ed.call(
            "open_request",
            &[("design", &id), ("engine", &engine), ("title", "again")],
        )
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(
        twice.body.to_string().contains(&format!("#{rid}")),
        "{}",
        twice.body
    );

    // The author never reviews their own request.
    let own = review(&t.ann, &r, "approve", "").await;
    assert_eq!(own.status, 403, "{}", own.body);
    assert!(
        own.body.to_string().contains("separation of duties"),
        "{}",
        own.body
    );

    // Carl (an approver) writes revision 3 and pushes it: now neither Ann nor Carl may
    // review it; Bob may.
    t.carl
        .save(
            &id,
            "2",
            &text.replace(
                "memory: 64m, pids_limit: 64 }\n    compose: { command: [sleep",
                "memory: 32m, pids_limit: 64 }\n    compose: { command: [sleep",
            ),
        )
        .await;
    let pushed = t.carl.call("push_request", &[("id", &rid)]).await.ok();
    assert_eq!(pushed["row"]["revision"], 3, "{pushed}");
    assert_eq!(pushed["revisions"].as_array().unwrap().len(), 2);
    for c in [&t.ann, &t.carl] {
        let refused = review(c, &pushed, "approve", "").await;
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
    // Editors and viewers review nothing.
    for c in [&t.ed, &t.vic] {
        assert_eq!(review(c, &pushed, "approve", "").await.status, 403);
    }

    // A review names the revision and the plan its reviewer saw: an old one is refused.
    let stale = review(&t.bob, &r, "approve", "").await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.body.to_string().contains("changed while you read it"),
        "{}",
        stale.body
    );
    let mut forged = pushed.clone();
    forged["plan"]["hash"] = Value::String("0".repeat(64));
    assert_eq!(review(&t.bob, &forged, "approve", "").await.status, 409);

    // Requesting changes needs a message; it holds the request back, and apply with it.
    let bare = review(&t.bob, &pushed, "changes", " ").await;
    assert_eq!(bare.status, 400, "{}", bare.body);
    let changes = review(&t.bob, &pushed, "changes", "keep 64m").await.ok();
    assert_eq!(changes["row"]["state"], "changes-requested", "{changes}");
    let held = t.bob.call("apply_request", &[("id", &rid)]).await;
    assert_eq!(held.status, 409, "{}", held.body);
    // Only admins override, and only with a reason.
    let not_admin = t
        .bob
        .call(
            "apply_request",
            &[("id", &rid), ("override_reason", "urgent")],
        )
        .await;
    assert_eq!(not_admin.status, 403, "{}", not_admin.body);

    // A new revision (by Ed, an editor) dismisses every review; Bob approves it.
    t.ed.save(&id, "3", &text).await;
    let again = t.ed.call("push_request", &[("id", &rid)]).await.ok();
    assert_eq!(again["row"]["state"], "open", "{again}");
    let reviews = again["reviews"].as_array().unwrap();
    assert!(
        reviews.iter().all(|v| v["dismissed"]
            .as_str()
            .is_some_and(|d| d.contains("revision 4 was pushed by ed"))),
        "{again}"
    );
    let approved = review(&t.bob, &again, "approve", "").await.ok();
    assert_eq!(approved["row"]["state"], "approved", "{approved}");
    assert_eq!(approved["row"]["approvals"], 1);
    assert_eq!(approved["can"]["apply"], true, "{approved}");

    // The discussion: viewers comment, anchored to what the revision has.
    let commented = t
        .vic
        .call(
            "comment_request",
            &[
                ("id", &rid),
                ("body", "why does client reach web?"),
                ("anchor", "service:web"),
            ],
        )
        .await
        .ok();
    let c = &commented["comments"][0];
    assert_eq!(c["anchor"]["label"], "service web", "{commented}");
    assert_eq!(c["revision"], 4);
    for bad in ["service:nope", "flow:9", "port:80"] {
        let refused = t
            .vic
            .call(
                "comment_request",
                &[("id", &rid), ("body", "x"), ("anchor", bad)],
            )
            .await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.body);
    }
    // Viewers change nothing else.
    for (call, form) in [
        ("push_request", vec![("id", rid.as_str())]),
        ("replan_request", vec![("id", rid.as_str())]),
        ("apply_request", vec![("id", rid.as_str())]),
        ("withdraw_request", vec![("id", rid.as_str())]),
    ] {
        assert_eq!(t.vic.call(call, &form).await.status, 403, "{call}");
    }
    // Only the author or an admin withdraws.
    assert_eq!(
        t.bob.call("withdraw_request", &[("id", &rid)]).await.status,
        403
    );
    let gone = t.ann.call("withdraw_request", &[("id", &rid)]).await.ok();
    assert_eq!(gone["row"]["state"], "withdrawn");
    assert_eq!(
        t.ann.call("push_request", &[("id", &rid)]).await.status,
        409
    );

    let actions = t.vic.audit_actions().await;
    for action in [
        "request-open",
        "request-push",
        "request-changes",
        "request-approve",
        "request-comment",
        "request-withdraw",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
    let listed = t.vic.call("list_requests", &[("design", &id)]).await.ok();
    assert_eq!(listed[0]["state"], "withdrawn", "{listed}");
    let _ = &t.admin;
}

#[tokio::test]
async fn an_approved_request_is_applied_and_verified() {
    let _engine = ENGINE.lock().await;
    crate::helpers::probe_image().await;
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let name = format!("req{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (id, _) = design(&t.ed, &name, "172.49.8.0/24").await;
    let engine = local(&t.ed).await;
    let r = open(&t.ed, &id, &engine, "first apply").await;
    let rid = s(&r["row"]["id"]);

    // Not approved: apply is refused; the direct path too.
    let early = t.bob.call("apply_request", &[("id", &rid)]).await;
    assert_eq!(early.status, 409, "{}", early.body);
    let direct = t
        .bob
        .call("apply_plan", &[("plan_id", &s(&r["plan"]["id"]))])
        .await;
    assert_eq!(direct.status, 409, "{}", direct.body);

    let approved = review(&t.bob, &r, "approve", "looks right").await.ok();
    assert_eq!(approved["can"]["apply"], true, "{approved}");
    let job = t.bob.call("apply_request", &[("id", &rid)]).await.ok();
    assert_eq!(ended(&t.bob, &job).await["result"], "applied");
    let done = get(&t.vic, &rid).await;
    assert_eq!(done["row"]["state"], "applied", "{done}");
    assert_eq!(done["deployment"]["result"], "applied", "{done}");
    assert!(done["deployment"]["override_reason"].is_null());
    assert!(done["deployment"]["verification"].is_null());
    let request_of: Option<i64> =
        sqlx::query_scalar("SELECT request_id FROM deployments WHERE design_name = ?")
            .bind(&name)
            .fetch_one(&app.service.db.read)
            .await
            .unwrap();
    assert_eq!(request_of.map(|r| r.to_string()), Some(rid.clone()));

    // Verify after apply: its result is attached to the request.
    let verify =
        t.ed.call("verify_live", &[("design", &id), ("engine", &engine)])
            .await
            .ok();
    assert_eq!(ended(&t.ed, &verify).await["result"], "passed");
    let verified = get(&t.vic, &rid).await;
    assert_eq!(
        verified["deployment"]["verification"][1], true,
        "{verified}"
    );
    // An applied request takes no more reviews nor applies.
    assert_eq!(review(&t.carl, &approved, "approve", "").await.status, 409);
    assert_eq!(
        t.bob.call("apply_request", &[("id", &rid)]).await.status,
        409
    );
    let actions = t.vic.audit_actions().await;
    assert!(
        actions.contains(&"request-applied".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_changed_engine_dismisses_approvals_and_admins_override_with_a_reason() {
    let _engine = ENGINE.lock().await;
    crate::helpers::probe_image().await;
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let name = format!("ovr{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (id, _) = design(&t.ed, &name, "172.49.6.0/24").await;
    let engine = local(&t.ed).await;
    t.admin.set_approvals(&engine, 2).await;
    let r = open(&t.ed, &id, &engine, "two approvals").await;
    let rid = s(&r["row"]["id"]);
    let one = review(&t.bob, &r, "approve", "").await.ok();
    assert_eq!(one["row"]["state"], "open", "one of two: {one}");
    assert_eq!(one["row"]["approvals"], 1);

    // The engine changes (a network made by hand): planning again gives another plan, and
    // the approval of the old one is dismissed, saying what changed.
    let stray = format!("{name}-stray");
    let made = std::process::Command::new("docker")
        .args(["network", "create", &stray])
        .output()
        .unwrap();
    assert!(made.status.success());
    let replanned = t.ed.call("replan_request", &[("id", &rid)]).await;
    let _ = std::process::Command::new("docker")
        .args(["network", "rm", &stray])
        .output();
    let replanned = replanned.ok();
    assert_ne!(replanned["plan"]["hash"], r["plan"]["hash"], "{replanned}");
    assert_eq!(replanned["row"]["approvals"], 0, "{replanned}");
    let dismissed = replanned["reviews"][0]["dismissed"]
        .as_str()
        .unwrap_or_default();
    assert!(dismissed.contains("the plan changed"), "{replanned}");

    // An admin overrides the missing approvals: never without a reason, and the override is
    // flagged on the request, the deployment and in the audit log.
    let replanned = t.ed.call("replan_request", &[("id", &rid)]).await.ok();
    for reason in [None, Some("   ")] {
        let mut form = vec![("id", rid.as_str())];
        if let Some(r) = reason {
            form.push(("override_reason", r));
        }
        let refused = t.admin.call("apply_request", &form).await;
        assert_eq!(refused.status, 409, "{}", refused.body);
    }
    assert_eq!(replanned["can"]["override_needed"], true);
    let job = t
        .admin
        .call(
            "apply_request",
            &[
                ("id", &rid),
                (
                    "override_reason",
                    "outage: the fix cannot wait for two reviews",
                ),
            ],
        )
        .await
        .ok();
    assert_eq!(ended(&t.admin, &job).await["result"], "applied");
    let done = get(&t.vic, &rid).await;
    assert_eq!(done["row"]["state"], "applied", "{done}");
    assert_eq!(
        done["deployment"]["override_reason"],
        "outage: the fix cannot wait for two reviews"
    );
    for action in ["request-override", "engine-apply-start", "engine-apply"] {
        let summary = newest_summary(&t.vic, action).await;
        assert!(summary.contains("OVERRIDE"), "{action}: {summary}");
    }
    let actions = t.vic.audit_actions().await;
    assert!(
        actions.contains(&"request-dismiss".to_owned()),
        "{actions:?}"
    );
    let _ = &t.carl;
    let _ = &t.ann;
}

/// Whoever wrote a revision between what is live and what is proposed wrote part of the
/// change, even if that revision was never pushed: they do not review it either. A request
/// left being applied by a server that stopped ends as apply-failed at the next start.
#[tokio::test]
async fn authors_of_unpushed_revisions_do_not_review_and_interrupted_applies_fail() {
    let _engine = ENGINE.lock().await;
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let name = format!("mid{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (id, text) = design(&t.ed, &name, "172.49.11.0/24").await;
    let engine = local(&t.ed).await;
    // Bob (an approver) writes revision 3; Ed writes revision 4 on top and proposes it.
    t.bob
        .save(&id, "2", &text.replace("memory: 64m", "memory: 40m"))
        .await;
    t.ed.save(&id, "3", &text).await;
    let r = open(&t.ed, &id, &engine, "on top of bob's").await;
    assert_eq!(r["row"]["revision"], 4, "{r}");
    let refused = review(&t.bob, &r, "approve", "").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.to_string().contains("separation of duties"),
        "{}",
        refused.body
    );
    let approved = review(&t.carl, &r, "approve", "").await.ok();
    assert_eq!(approved["row"]["state"], "approved", "{approved}");

    // As if the server had stopped while the request was being applied.
    let rid = s(&r["row"]["id"]);
    sqlx::query("UPDATE change_requests SET state = 'applying' WHERE id = ?")
        .bind(r["row"]["id"].as_i64().unwrap())
        .execute(&app.service.db.write)
        .await
        .unwrap();
    let busy = t.ed.call("push_request", &[("id", &rid)]).await;
    assert_eq!(busy.status, 409, "{}", busy.body);
    assert_eq!(
        server::requests::recover_interrupted(&app.service.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(get(&t.vic, &rid).await["row"]["state"], "apply-failed");
    let summary = newest_summary(&t.vic, "request-apply-failed").await;
    assert!(summary.contains("server stopped"), "{summary}");
}
