//! Apply from the browser's API, on the real local engine: an approver applies a stored
//! plan as a job; a second apply at the same moment is told who holds the engine; the page's
//! event stream replays the steps and ends with the result; the deployment and the audit
//! entry record it; a plan the engine has moved away from is refused; editors cannot apply.

use app::model::Role;
use server::engine::{self, DockerEngine, PROBE_IMAGE};

use crate::helpers::{Client, TestApp};

/// A design on the probe image: an isolated zone with one flow, so the firewall is needed.
pub(crate) fn document(name: &str) -> String {
    format!(
        "bulkhead: 1
name: {name}
zones:
  app: {{ trust: internal, isolated: true, subnet: 172.49.1.0/24 }}
services:
  web:
    image: {PROBE_IMAGE}
    zones: [app]
    hardening: {{ cap_drop: [ALL], no_new_privileges: true, read_only: true, memory: 64m, pids_limit: 64 }}
    compose: {{ command: [httpd, -f, -p, \"0.0.0.0:80\", -h, /] }}
  client:
    image: {PROBE_IMAGE}
    zones: [app]
    hardening: {{ cap_drop: [ALL], no_new_privileges: true, read_only: true, memory: 64m, pids_limit: 64 }}
    compose: {{ command: [sleep, \"3600\"] }}
flows:
  - {{ from: client, to: web, ports: [tcp/80] }}
host:
  protect_host: true
"
    )
}

/// Removes what a design of this test left on the engine, whether the test passed or not
/// (containers, networks and firewall chains carry the design's name).
pub(crate) struct Cleanup(pub(crate) String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let run = |args: &[&str]| {
            std::process::Command::new(args[0])
                .args(&args[1..])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
        };
        let label = format!("label=io.bulkhead.design={}", self.0);
        for id in run(&["docker", "ps", "-aq", "--filter", &label]).split_whitespace() {
            run(&["docker", "rm", "-f", id]);
        }
        for id in run(&["docker", "network", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["docker", "network", "rm", id]);
        }
        let name = design::model::DesignName::parse(&self.0).unwrap();
        for (from, chain) in [
            ("DOCKER-USER", design::compile::chain_name(&name)),
            ("INPUT", design::compile::input_chain_name(&name)),
        ] {
            while std::process::Command::new("iptables")
                .args(["-w", "-D", from, "-j", &chain])
                .output()
                .is_ok_and(|o| o.status.success())
            {}
            run(&["iptables", "-w", "-F", &chain]);
            run(&["iptables", "-w", "-X", &chain]);
        }
    }
}

/// One of these tests at a time: a plan's fingerprint covers every network on the engine,
/// so one test's apply would make the other's plan stale (as it should).
pub(crate) static ENGINE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) async fn plan(client: &Client, design: &str, engine: &str) -> serde_json::Value {
    client
        .call("plan_design", &[("id", design), ("engine_id", engine)])
        .await
        .ok()
}

#[tokio::test]
async fn approvers_apply_a_plan_as_a_job() {
    let _engine = ENGINE.lock().await;
    let docker = DockerEngine::connect()
        .await
        .expect("the local engine answers");
    docker.ensure_probe_image().await.unwrap();
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let approver = app.login_as(&admin, "ann", Role::Approver).await;
    let name = format!("apply{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let id = editor.create_design(&name, "").await.to_string();
    editor
        .call(
            "save_design",
            &[
                ("id", &id),
                ("base", "1"),
                ("document", &document(&name)),
                ("message", "two services"),
            ],
        )
        .await
        .ok();
    let engines = editor.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].as_i64().unwrap().to_string();
    // Nothing applied yet: drift has no baseline, and says so.
    let none = editor
        .call("check_drift", &[("design", &id), ("engine", &local)])
        .await;
    assert_eq!(none.status, 409, "{}", none.body);
    assert!(
        none.body.to_string().contains("no baseline"),
        "{}",
        none.body
    );
    let p = plan(&editor, &id, &local).await;
    assert_eq!(p["changes"], 3, "{p}");
    assert_eq!(p["approvals_required"], 1, "{p}");
    let plan_id = p["id"].as_i64().unwrap().to_string();

    // The local engine asks for an approved change request: a plan is not applied directly.
    let gated = approver.call("apply_plan", &[("plan_id", &plan_id)]).await;
    assert_eq!(gated.status, 409, "{}", gated.body);
    assert!(
        gated.body.to_string().contains("change request"),
        "{}",
        gated.body
    );
    // Where the engine asks for none, approvers apply plans directly.
    admin.set_approvals(&local, 0).await;

    // Editors plan; applying needs an approver.
    let refused = editor.call("apply_plan", &[("plan_id", &plan_id)]).await;
    assert_eq!(refused.status, 403);

    // Two applies at the same moment: one job, one refusal naming the holder.
    let form = [("plan_id", plan_id.as_str())];
    let (a, b) = tokio::join!(
        approver.call("apply_plan", &form),
        admin.call("apply_plan", &form),
    );
    let (job, busy, winner) = if a.status.is_success() {
        (a, b, "ann")
    } else {
        (b, a, "root")
    };
    assert_eq!(busy.status, 409, "{}", busy.body);
    assert!(
        busy.body.to_string().contains("is in use: apply of"),
        "{}",
        busy.body
    );
    let job = job.ok();
    let job_id = job["id"].as_u64().unwrap();
    // The job lists every change from the start, queued.
    let steps = job["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3, "{job}");
    assert!(steps.iter().all(|s| s["state"] == "queued"), "{job}");

    // The event stream: every step, then the end with the result.
    let stream = approver
        .get(&format!("/jobs/{job_id}/events"))
        .await
        .text()
        .await
        .unwrap();
    assert!(stream.contains("event: step"), "{stream}");
    assert!(stream.contains("create network"), "{stream}");
    let end = stream
        .split("event: end\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no end event: {stream}"));
    let data = end.lines().next().unwrap().trim_start_matches("data: ");
    let ended: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(ended["result"], "applied", "{ended}");
    // A reconnect after the third step gets only what followed.
    let resumed = approver
        .http
        .get(format!("{}/jobs/{job_id}/events", approver.base))
        .header("last-event-id", "3")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !resumed.contains("id: 1\n") && !resumed.contains("id: 3\n"),
        "{resumed}"
    );
    assert!(resumed.contains("event: end"), "{resumed}");

    // Recorded: the deployment, and the audit entry, which viewers read too.
    let view = approver
        .call("get_job", &[("id", &job_id.to_string())])
        .await
        .ok();
    assert_eq!(view["result"], "applied");
    let deployment = view["deployment"].as_i64().unwrap();
    let (result, firewall, actor): (String, String, String) =
        sqlx::query_as("SELECT result, firewall, actor_name FROM deployments WHERE id = ?")
            .bind(deployment)
            .fetch_one(&app.service.db.read)
            .await
            .unwrap();
    assert_eq!((result.as_str(), actor.as_str()), ("applied", winner));
    assert!(firewall.ends_with("in place"), "{firewall}");
    assert!(
        editor
            .audit_actions()
            .await
            .contains(&"engine-apply".to_owned())
    );
    // In sync with what was applied, firewall included.
    let drift = editor
        .call("check_drift", &[("design", &id), ("engine", &local)])
        .await
        .ok();
    assert_eq!(drift["state"], "in-sync", "{drift}");
    // The history shows it, for the design and for the engine.
    for args in [[("design", id.as_str())], [("engine", local.as_str())]] {
        let history = editor.call("list_deployments", &args).await.ok();
        assert_eq!(history[0]["id"], deployment, "{history}");
        assert_eq!(history[0]["revision"], 2);
        assert_eq!(history[0]["result"], "applied");
    }
    // The lock is free again.
    let engines = editor.call("list_engines", &[]).await.ok();
    assert!(engines[0]["lock"].is_null(), "{engines}");

    // A plan the engine has moved away from is refused: plan, change the engine by hand,
    // apply.
    let stale = plan(&editor, &id, &local).await;
    assert_eq!(stale["changes"], 0, "{stale}");
    let container = format!("{name}-client-1");
    let stopped = std::process::Command::new("docker")
        .args(["stop", "-t", "0", &container])
        .output()
        .unwrap();
    assert!(stopped.status.success());
    let refused = approver
        .call(
            "apply_plan",
            &[("plan_id", &stale["id"].as_i64().unwrap().to_string())],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body.to_string().contains("changed since plan"),
        "{}",
        refused.body
    );
    // The refusal is in the audit log, as a failed engine operation on the design.
    let refusals = approver
        .call(
            "audit",
            &[("action", "engine-refused"), ("result", "failed")],
        )
        .await
        .ok();
    let newest = &refusals["entries"][0];
    assert_eq!(
        newest["design_id"].as_i64(),
        id.parse::<i64>().ok(),
        "{refusals}"
    );
    assert_eq!(newest["target"], "local");
    assert!(
        newest["summary"]
            .as_str()
            .unwrap()
            .contains("apply of plan"),
        "{refusals}"
    );
    // …and the stopped container is drift from the applied revision, which viewers see.
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    let drift = viewer
        .call("check_drift", &[("design", &id), ("engine", &local)])
        .await
        .ok();
    assert_eq!(drift["state"], "drifting", "{drift}");
    assert_eq!(drift["revision"], 2);
    assert!(
        drift["differences"].to_string().contains(&container),
        "{drift}"
    );

    // Destroy takes it all away again (the guard would, too, if the test failed).
    let valid = design::check(&design::parse_document(&document(&name)).unwrap()).unwrap();
    let destroyed = engine::destroy(&valid, &docker).await.unwrap();
    assert_eq!(destroyed.containers.len(), 2, "{destroyed:?}");
}

/// `bulkhead apply --data DIR` takes the same lock as the web server and leaves the same
/// record: refused while a job holds the engine, then applied, recorded as a deployment and
/// in the audit log as done by `cli:<user>`.
#[tokio::test]
async fn the_command_line_leaves_the_same_trail() {
    let _engine = ENGINE.lock().await;
    let docker = DockerEngine::connect()
        .await
        .expect("the local engine answers");
    docker.ensure_probe_image().await.unwrap();
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let name = format!("cli{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let file = app.dir.path().join("design.yaml");
    std::fs::write(
        &file,
        document(&name).replace("172.49.1.0/24", "172.49.2.0/24"),
    )
    .unwrap();
    let apply_with = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
            .arg("apply")
            .arg(&file)
            .args(extra)
            .args(["--yes", "--data"])
            .arg(app.data_dir())
            .output()
            .unwrap()
    };
    let apply = || apply_with(&["--override", "  hotfix from the shell  "]);

    // The local engine asks for an approved change request: without one, only an override
    // with a written reason applies from the shell; a blank reason is none.
    for extra in [&[][..], &["--override", "  "][..]] {
        let gated = apply_with(extra);
        let stderr = String::from_utf8_lossy(&gated.stderr);
        assert_eq!(gated.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("change request") || stderr.contains("written reason"),
            "{stderr}"
        );
    }

    // A job of the web server holds the engine: the command line waits its turn.
    let engines = admin.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].as_i64().unwrap();
    let now = app.service.config.clock.unix();
    {
        let mut conn = app.service.db.write.acquire().await.unwrap();
        server::store::engines::lock(&mut conn, local, "apply of shop r3 by alice", now)
            .await
            .unwrap();
    }
    let refused = apply();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("in use: apply of shop r3 by alice"),
        "{stderr}"
    );
    // Each refusal is in the audit log, as the server records its own (newest first).
    let refusals = admin
        .call("audit", &[("action", "engine-refused")])
        .await
        .ok();
    let summaries: Vec<&str> = refusals["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(
        summaries
            .iter()
            .all(|s| s.starts_with(&format!("apply of {name} on local refused (command line)"))),
        "{summaries:?}"
    );
    assert!(summaries[0].contains("in use: apply of shop r3 by alice"));
    assert!(summaries[2].contains("change request"), "{summaries:?}");
    admin
        .call("break_engine_lock", &[("id", &local.to_string())])
        .await
        .ok();

    let applied = apply();
    let stderr = String::from_utf8_lossy(&applied.stderr);
    assert!(applied.status.success(), "{stderr}");
    assert!(stderr.contains("recorded as deployment"), "{stderr}");
    let (result, actor, firewall): (String, String, String) = sqlx::query_as(
        "SELECT result, actor_name, firewall FROM deployments WHERE design_name = ?",
    )
    .bind(&name)
    .fetch_one(&app.service.db.read)
    .await
    .unwrap();
    assert_eq!(result, "applied");
    assert!(actor.starts_with("cli:"), "{actor}");
    assert!(firewall.ends_with("in place"), "{firewall}");
    let reason: Option<String> =
        sqlx::query_scalar("SELECT override_reason FROM deployments WHERE design_name = ?")
            .bind(&name)
            .fetch_one(&app.service.db.read)
            .await
            .unwrap();
    assert_eq!(reason.as_deref(), Some("hotfix from the shell"));
    let page = admin
        .call("audit", &[("action", "engine-apply")])
        .await
        .ok();
    let entry = &page["entries"][0];
    assert!(
        entry["actor"].as_str().unwrap().starts_with("cli:"),
        "{entry}"
    );
    // The lock is free again.
    let engines = admin.call("list_engines", &[]).await.ok();
    assert!(engines[0]["lock"].is_null(), "{engines}");
    // --no-firewall leaves the design's firewall to the exported script, and the record says so.
    let skipped = std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .arg("apply")
        .arg(&file)
        .args(["--override", "test", "--yes", "--no-firewall", "--data"])
        .arg(app.data_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&skipped.stderr);
    assert!(stderr.contains("--no-firewall"), "{stderr}");
    let firewall: String = sqlx::query_scalar(
        "SELECT firewall FROM deployments WHERE design_name = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(&name)
    .fetch_one(&app.service.db.read)
    .await
    .unwrap();
    assert!(
        firewall.starts_with("skipped with --no-firewall"),
        "{firewall}"
    );
}

/// A revision with an error finding nobody accepted is planned (the plan says what blocks
/// it) but never applied, and the engine is not even locked for it.
#[tokio::test]
async fn unaccepted_error_findings_block_apply() {
    let _engine = ENGINE.lock().await;
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let name = format!("blocked{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let id = admin.create_design(&name, "").await.to_string();
    let privileged = document(&name).replace(
        "read_only: true, memory: 64m, pids_limit: 64 }\n    compose: { command: [httpd",
        "read_only: true, memory: 64m, pids_limit: 64, privileged: true }\n    compose: { command: [httpd",
    );
    assert!(privileged.contains("privileged: true"));
    admin
        .call(
            "save_design",
            &[
                ("id", &id),
                ("base", "1"),
                ("document", &privileged),
                ("message", "privileged"),
            ],
        )
        .await
        .ok();
    let engines = admin.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].as_i64().unwrap().to_string();
    admin.set_approvals(&local, 0).await;
    let p = plan(&admin, &id, &local).await;
    assert!(p["blocked"].to_string().contains("privileged"), "{p}");
    let refused = admin
        .call(
            "apply_plan",
            &[("plan_id", &p["id"].as_i64().unwrap().to_string())],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body.to_string().contains("privileged"),
        "{}",
        refused.body
    );
    let engines = admin.call("list_engines", &[]).await.ok();
    assert!(engines[0]["lock"].is_null(), "{engines}");
    let history = admin.call("list_deployments", &[]).await.ok();
    assert_eq!(history, serde_json::json!([]));
}
