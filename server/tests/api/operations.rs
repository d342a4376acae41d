//! After apply, from the browser's API on the real local engine: the plan's reachability
//! delta against what is live; verify as a job whose report is stored and readable by
//! viewers; drift recorded on demand and by the background check, audited only when its
//! state changes; quarantine and release of a container, locked, recorded and audited;
//! `drift --engine` and `destroy --data` from the command line; a live engine imported as a
//! new design. Each call is refused to the roles below the one it needs.

use std::time::{Duration, Instant};

use app::model::Role;
use server::engine::DockerEngine;

use crate::apply::{Cleanup, ENGINE, document, plan};
use crate::helpers::Client;

/// Waits for a job to end and returns it.
pub(crate) async fn ended(client: &Client, job: &serde_json::Value) -> serde_json::Value {
    let id = job["id"].as_u64().unwrap().to_string();
    let start = Instant::now();
    loop {
        let view = client.call("get_job", &[("id", &id)]).await.ok();
        if view["result"] != "running" {
            return view;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the job did not end: {view}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn docker(args: &[&str]) -> String {
    let out = std::process::Command::new("docker")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn networks_of(container: &str) -> String {
    docker(&[
        "inspect",
        "-f",
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
        container,
    ])
}

async fn count(client: &Client, action: &str) -> usize {
    client
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == action)
        .count()
}

#[tokio::test]
async fn verify_drift_and_quarantine_after_apply() {
    let _engine = ENGINE.lock().await;
    let engine = DockerEngine::connect()
        .await
        .expect("the local engine answers");
    engine.ensure_probe_image().await.unwrap();
    let app = crate::helpers::TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let approver = app.login_as(&admin, "ann", Role::Approver).await;
    let viewer = app.login_as(&admin, "vic", Role::Viewer).await;
    let name = format!("ops{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let text = document(&name).replace("172.49.1.0/24", "172.49.3.0/24");
    let id = editor.create_design(&name, "").await.to_string();
    editor.save(&id, "1", &text).await;
    let engines = editor.call("list_engines", &[]).await.ok();
    let local = engines[0]["id"].as_i64().unwrap().to_string();
    admin.set_approvals(&local, 0).await;
    let pair = [("design", id.as_str()), ("engine", local.as_str())];

    // Nothing is live: the delta is against an empty design, every allowed pair is new.
    let first = plan(&editor, &id, &local).await;
    assert!(first["delta"]["baseline"].is_null(), "{first}");
    // The plan is recorded, then the apply's start and its end.
    assert_eq!(count(&viewer, "engine-plan").await, 1);
    assert!(
        first["delta"]["gained"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["from"] == "client" && g["to"] == "web" && g["ports"] == "tcp/80"),
        "{first}"
    );
    let job = approver
        .call(
            "apply_plan",
            &[("plan_id", &first["id"].as_i64().unwrap().to_string())],
        )
        .await
        .ok();
    assert_eq!(ended(&approver, &job).await["result"], "applied");
    assert_eq!(count(&viewer, "engine-apply-start").await, 1);
    // The firewall's install is an entry of its own.
    assert_eq!(count(&viewer, "engine-firewall").await, 1);

    // Live: revision 2 on local, not yet checked nor verified.
    let live = viewer.call("list_live", &[("design", &id)]).await.ok();
    assert_eq!(live.as_array().unwrap().len(), 1, "{live}");
    assert_eq!(live[0]["revision"], 2);
    assert!(live[0]["verified"].is_null(), "{live}");

    // Verify: editors start it, viewers may not; the report is stored and viewers read it.
    assert_eq!(viewer.call("verify_live", &pair).await.status, 403);
    let job = editor.call("verify_live", &pair).await.ok();
    assert_eq!(job["kind"], "verify");
    let done = ended(&editor, &job).await;
    assert_eq!(done["result"], "passed", "{done}");
    let report_id = done["verification"].as_i64().unwrap().to_string();
    let report = viewer
        .call("get_verification", &[("id", &report_id)])
        .await
        .ok();
    assert_eq!(report["summary"]["passed"], true, "{report}");
    assert_eq!(report["summary"]["mismatches"], 0);
    let checks = report["checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["from"] == "client"
            && c["to"] == "web"
            && c["port"] == 80
            && c["observed"] == true),
        "{report}"
    );
    assert!(count(&viewer, "engine-verify").await == 1);
    let live = viewer.call("list_live", &[("design", &id)]).await.ok();
    assert_eq!(live[0]["verified"]["passed"], true, "{live}");
    // The scheduled verify: each live design whose last report is older than the interval,
    // done by `schedule`; a fresh report is not due.
    let service = &app.service;
    server::watch::verify::verify_due(
        &service.db,
        &service.config.clock,
        &service.jobs,
        Duration::from_secs(3600),
    )
    .await
    .unwrap();
    assert_eq!(count(&viewer, "engine-verify").await, 1, "not due yet");
    server::watch::verify::verify_due(
        &service.db,
        &service.config.clock,
        &service.jobs,
        Duration::ZERO,
    )
    .await
    .unwrap();
    let live = viewer.call("list_live", &[("design", &id)]).await.ok();
    assert_eq!(live[0]["verified"]["by"], "schedule", "{live}");
    assert_eq!(count(&viewer, "engine-verify").await, 2);

    // What the firewall did: the verifies' probes went through the flow's rule and into the
    // zone's isolation drop; a viewer reads it, with rates from the second reading on.
    let counters = viewer.call("firewall_counters", &pair).await.ok();
    let rule = |c: &serde_json::Value, start: &str| {
        c["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"].as_str().unwrap().starts_with(start))
            .cloned()
            .unwrap_or_else(|| panic!("no rule {start} in {c}"))
    };
    let flow = rule(&counters, "flow[0] allow client>web tcp/80");
    assert_eq!(
        (flow["kind"].as_str(), flow["flow"].as_i64()),
        (Some("allow"), Some(0))
    );
    assert!(flow["packets"].as_u64().unwrap() > 0, "{counters}");
    assert!(
        rule(&counters, "zone app isolated")["packets"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        flow["rate"].is_null() && counters["interval"].is_null(),
        "{counters}"
    );
    let again = viewer.call("firewall_counters", &pair).await.ok();
    let first_interval = again["interval"].as_f64().unwrap();
    assert!(first_interval > 0.0, "{again}");
    // The background round reads every deployment too: the next rates cover the time since.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let round = std::time::Instant::now();
    server::counters::read_all(&app.service).await.unwrap();
    let after_round = viewer.call("firewall_counters", &pair).await.ok();
    assert!(
        after_round["interval"].as_f64().unwrap() <= round.elapsed().as_secs_f64(),
        "{after_round}"
    );
    assert!(rule(&again, "flow[0] allow")["rate"].is_number(), "{again}");
    assert_eq!(
        viewer
            .call(
                "firewall_counters",
                &[("design", id.as_str()), ("engine", "999")]
            )
            .await
            .status,
        404
    );

    // A new revision without the flow: the delta against revision 2 live there.
    let without_flow = text.replace(
        "flows:\n  - { from: client, to: web, ports: [tcp/80] }\n",
        "",
    );
    editor.save(&id, "2", &without_flow).await;
    let second = plan(&editor, &id, &local).await;
    assert_eq!(second["delta"]["baseline"], 2, "{second}");
    assert!(
        second["delta"]["lost"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["from"] == "client" && g["to"] == "web"),
        "{second}"
    );

    // Drift: a container moved by hand shows at once, and is audited once, not at every check.
    let client = format!("{name}-client-1");
    let network = networks_of(&client);
    let address = docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        &client,
    ]);
    docker(&["network", "disconnect", &network, &client]);
    let drift = viewer.call("check_drift", &pair).await.ok();
    assert_eq!(drift["state"], "drifting", "{drift}");
    viewer.call("check_drift", &pair).await.ok();
    assert_eq!(count(&viewer, "engine-drift").await, 1);
    // The metrics say the same: one apply, a verify without mismatches, the drift, and the
    // engine up once it was checked.
    viewer.call("check_engine", &[("id", &local)]).await.ok();
    let metrics = crate::metrics::scrape(&app).await;
    for line in [
        "bulkhead_applies_total{result=\"applied\"} 1".to_owned(),
        format!("bulkhead_verify_mismatches{{design=\"{name}\",engine=\"local\"}} 0"),
        format!("bulkhead_drift{{design=\"{name}\",engine=\"local\",state=\"drifting\"}} 1"),
        "bulkhead_engine_up{engine=\"local\"} 1".to_owned(),
    ] {
        assert!(
            metrics.contains(&format!("{line}\n")),
            "{line} in {metrics}"
        );
    }
    assert!(
        metrics.contains(&format!(
            "bulkhead_firewall_packets_total{{design=\"{name}\",engine=\"local\",rule=\"flow[0] allow client>web tcp/80 zone app\",verdict=\"accept\"}} "
        )),
        "{metrics}"
    );
    // …and the designs list says it needs a look.
    let list = viewer
        .call("list_designs", &[("include_deleted", "false")])
        .await
        .ok();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name.as_str())
        .unwrap()
        .clone();
    assert!(
        row["alerts"].to_string().contains("drifting on local"),
        "{row}"
    );
    // Put back by hand: the background check finds it in sync, and that change is audited.
    docker(&[
        "network", "connect", "--ip", &address, "--alias", "client", &network, &client,
    ]);
    server::watch::drift::check_all(&app.service.db)
        .await
        .unwrap();
    let live = viewer.call("list_live", &[("design", &id)]).await.ok();
    assert_eq!(live[0]["drift"]["state"], "in-sync", "{live}");
    assert_eq!(count(&viewer, "engine-drift").await, 2);

    // The command line checks the same baseline.
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(["drift", "--engine", "local", "--data"])
        .arg(app.data_dir())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&cli.stdout);
    assert!(
        cli.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(
        out.contains(&format!("{name} r2 on local: in-sync")),
        "{out}"
    );

    // Quarantine: approvers only, with a reason; it cuts every network and keeps the record.
    let web = format!("{name}-web-1");
    let before = networks_of(&web);
    let cut = [
        ("engine", local.as_str()),
        ("container", web.as_str()),
        ("reason", "odd traffic"),
    ];
    assert_eq!(editor.call("quarantine_container", &cut).await.status, 403);
    let blank = approver
        .call(
            "quarantine_container",
            &[("engine", &local), ("container", &web), ("reason", " ")],
        )
        .await;
    assert_eq!(blank.status, 409, "{}", blank.body);
    let long = "x".repeat(server::quarantine::MAX_REASON_CHARS + 1);
    let too_long = approver
        .call(
            "quarantine_container",
            &[("engine", &local), ("container", &web), ("reason", &long)],
        )
        .await;
    assert!(
        too_long.body.to_string().contains("fewer words"),
        "{}",
        too_long.body
    );
    approver.call("quarantine_container", &cut).await.ok();
    assert_eq!(networks_of(&web), "");
    let twice = approver.call("quarantine_container", &cut).await;
    assert!(
        twice.body.to_string().contains("already quarantined"),
        "{}",
        twice.body
    );
    let listed = viewer
        .call("engine_containers", &[("engine", &local)])
        .await
        .ok();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == web.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["quarantine"]["reason"], "odd traffic", "{row}");
    // Bulkhead never cuts off what it did not create.
    let foreign = approver
        .call(
            "quarantine_container",
            &[
                ("engine", &local),
                ("container", "no-such-container"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(foreign.status, 409, "{}", foreign.body);
    let release = [("engine", local.as_str()), ("container", web.as_str())];
    assert_eq!(viewer.call("release_container", &release).await.status, 403);
    approver.call("release_container", &release).await.ok();
    assert_eq!(networks_of(&web), before);
    let history = viewer
        .call("list_quarantines", &[("engine", &local)])
        .await
        .ok();
    assert_eq!(history[0]["released_by"], "ann", "{history}");
    assert_eq!(count(&viewer, "engine-quarantine").await, 1);
    assert_eq!(count(&viewer, "engine-release").await, 1);

    // Import the live engine as a new design (editors).
    assert_eq!(
        viewer
            .call("import_engine", &[("engine", &local), ("name", "seen")])
            .await
            .status,
        403
    );
    let imported = editor
        .call(
            "import_engine",
            &[("engine", &local), ("name", &format!("{name}-seen"))],
        )
        .await
        .ok();
    let detail = editor
        .call("get_design", &[("id", &imported["id"].to_string())])
        .await
        .ok();
    assert!(detail.to_string().contains("172.49.3."), "{detail}");

    // Destroy from the browser: approvers only, a job under the lock, recorded; nothing of
    // the design is live any more.
    assert_eq!(editor.call("destroy_live", &pair).await.status, 403);
    let job = approver.call("destroy_live", &pair).await.ok();
    let done = ended(&approver, &job).await;
    assert_eq!(done["result"], "removed", "{done}");
    assert!(docker(&["ps", "-aq", "--filter", &format!("name={web}")]).is_empty());
    let live = viewer.call("list_live", &[("design", &id)]).await.ok();
    assert_eq!(live.as_array().unwrap().len(), 0, "{live}");
    assert_eq!(count(&viewer, "engine-destroy").await, 1);
    // So is its removal.
    assert_eq!(count(&viewer, "engine-firewall").await, 2);
    let again = approver.call("destroy_live", &pair).await;
    assert!(
        again.body.to_string().contains("not live"),
        "{}",
        again.body
    );

    // Destroy from the command line is recorded the same way (nothing is left to remove).
    let file = app.dir.path().join("ops.yaml");
    std::fs::write(&file, &text).unwrap();
    let destroy = std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .arg("destroy")
        .arg(&file)
        .args(["--yes", "--data"])
        .arg(app.data_dir())
        .output()
        .unwrap();
    assert!(
        destroy.status.success(),
        "{}",
        String::from_utf8_lossy(&destroy.stderr)
    );
    assert_eq!(count(&viewer, "engine-destroy").await, 2);
    // Nothing was left to remove: no firewall entry.
    assert_eq!(count(&viewer, "engine-firewall").await, 2);
}
