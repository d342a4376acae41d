//! Audit forwarding against local listeners: every entry after a destination was added
//! reaches it in order with its hash, as RFC 5424 syslog over UDP and TCP and as JSON Lines
//! to a file and an HTTP endpoint; a failed delivery is retried from where it stopped; a
//! destination that hangs holds up no audited action; test messages; admins only; bad
//! destinations refused with what to write.

use std::time::{Duration, Instant};

use app::model::Role;
use serde_json::Value;

use crate::helpers::{Client, TestApp};

use crate::listeners::{hanging, http, tcp, udp};

async fn add(admin: &Client, kind: &str, target: &str) -> i64 {
    let row = admin
        .call("add_forwarder", &[("kind", kind), ("target", target)])
        .await
        .ok();
    row["id"].as_i64().unwrap()
}

/// Waits until every destination in `ids` has nothing left to send.
async fn settled(admin: &Client, ids: &[i64]) -> Value {
    let start = Instant::now();
    loop {
        let list = admin.call("list_forwarders", &[]).await.ok();
        let done = ids.iter().all(|id| {
            list.as_array()
                .unwrap()
                .iter()
                .any(|f| f["id"].as_i64() == Some(*id) && f["behind"] == 0 && f["failures"] == 0)
        });
        if done {
            return list;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{list:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The log as the export has it: one JSON value an entry.
async fn exported(admin: &Client) -> Vec<Value> {
    let text = admin
        .get("/audit/export?format=jsonl")
        .await
        .text()
        .await
        .unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("hash").is_some())
        .collect()
}

/// A syslog message's header fields and its JSON body: (pri, msgid, sd, entry).
fn syslog(message: &str) -> (String, String, String, Value) {
    let (head, body) = message
        .split_once('\u{feff}')
        .expect("a BOM before the message");
    let fields: Vec<&str> = head.splitn(7, ' ').collect();
    assert!(fields[0].len() > 3 && fields[0].ends_with(">1"), "{head}");
    assert_eq!(fields[3], "bulkhead", "{head}");
    let pri = fields[0].trim_end_matches("1").to_owned();
    (
        pri,
        fields[5].to_owned(),
        fields[6].trim_end().to_owned(),
        serde_json::from_str(body).unwrap(),
    )
}

#[tokio::test]
async fn every_entry_reaches_each_destination_in_order() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let (udp_addr, udp_seen) = udp().await;
    let (tcp_addr, tcp_seen) = tcp().await;
    let (url, http_seen) = http().await;
    let dir = app.data_dir().join("forwarded");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("audit.jsonl");
    let ids = [
        add(&admin, "syslog-udp", &udp_addr).await,
        add(&admin, "syslog-tcp", &tcp_addr).await,
        add(&admin, "file", file.to_str().unwrap()).await,
        add(&admin, "http", &url).await,
    ];
    // Audited actions of several kinds, one of them failed.
    admin.create_design("forwarded", "three-tier").await;
    app.login_as(&admin, "vic", Role::Viewer).await;
    let refused = app
        .client()
        .call("login", &[("name", "vic"), ("password", "wrong password")])
        .await;
    assert!(refused.error().is_some());
    let list = settled(&admin, &ids).await;

    let log = exported(&admin).await;
    let first_after = |forwarder: i64| -> Vec<&Value> {
        // Each destination starts with the entry that records its own addition.
        let at = log
            .iter()
            .position(|e| {
                e["action"] == "audit-forward-add"
                    && e["object_id"].as_str() == Some(&forwarder.to_string())
            })
            .unwrap();
        log[at..].iter().collect()
    };
    let delivered = |id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"].as_i64() == Some(id))
            .unwrap()["delivered"]
            .as_i64()
            .unwrap()
    };

    // Syslog, UDP and TCP: every entry in order, the header agreeing with the entry.
    for (seen, id) in [(&udp_seen, ids[0]), (&tcp_seen, ids[1])] {
        let want = first_after(id);
        let got = seen.lock().unwrap().clone();
        let got: Vec<(String, String, String, Value)> = got.iter().map(|m| syslog(m)).collect();
        let entries: Vec<&Value> = got.iter().map(|g| &g.3).collect();
        assert_eq!(entries, want, "destination {id}");
        assert_eq!(delivered(id), want.len() as i64);
        for (pri, msgid, sd, entry) in &got {
            assert_eq!(msgid, entry["action"].as_str().unwrap());
            assert!(sd.starts_with("[bulkhead@32473 "), "{sd}");
            assert!(sd.contains(&format!("id=\"{}\"", entry["id"])), "{sd}");
            assert!(sd.contains(&format!("hash=\"{}\"", entry["hash"].as_str().unwrap())));
            let failed = entry["action"] == "sign-in-failed";
            assert_eq!(pri, if failed { "<108>" } else { "<109>" }, "{sd}");
            if failed {
                assert!(sd.contains("result=\"failed\""), "{sd}");
            }
        }
    }
    // The file and the HTTP endpoint: the export's lines themselves. The endpoint's first
    // answer was a 500: the batch came again, and nothing twice.
    let lines = |text: Vec<String>| -> Vec<Value> {
        text.iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let in_file = std::fs::read_to_string(&file).unwrap();
    let in_file = lines(in_file.lines().map(str::to_owned).collect());
    assert_eq!(in_file.iter().collect::<Vec<_>>(), first_after(ids[2]));
    let posted = lines(http_seen.lock().unwrap().clone());
    assert_eq!(posted.iter().collect::<Vec<_>>(), first_after(ids[3]));
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let http_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"].as_i64() == Some(ids[3]))
        .unwrap();
    assert_eq!(http_row["last_error"], "HTTP 500", "{http_row}");

    // Test messages: sent now, said so; a file is only checked.
    let said = admin
        .call("test_forwarder", &[("id", &ids[0].to_string())])
        .await
        .ok();
    assert!(
        said.as_str().unwrap().contains("UDP does not say"),
        "{said}"
    );
    let start = Instant::now();
    while !udp_seen
        .lock()
        .unwrap()
        .iter()
        .any(|m| syslog(m).1 == "test")
    {
        assert!(start.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let said = admin
        .call("test_forwarder", &[("id", &ids[2].to_string())])
        .await
        .ok();
    assert!(said.as_str().unwrap().contains("can be written"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().lines().count(),
        in_file.len()
    );

    // Removing one is audited, and it gets nothing more.
    admin
        .call("remove_forwarder", &[("id", &ids[0].to_string())])
        .await
        .ok();
    assert!(
        admin
            .audit_actions()
            .await
            .contains(&"audit-forward-remove".to_owned())
    );
    let kept = settled(&admin, &ids[1..]).await;
    assert_eq!(kept.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_destination_that_hangs_or_fails_holds_up_nothing() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let (url, release) = hanging().await;
    let hung = add(&admin, "http", &url).await;
    // A closed port: connecting fails at once, and the failure is shown.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let dead = add(&admin, "syslog-tcp", &closed).await;
    // The destination holds its first post; audited actions go on regardless.
    for n in 0..3 {
        let created = tokio::time::timeout(
            Duration::from_secs(30),
            admin.create_design(&format!("held-{n}"), "three-tier"),
        )
        .await;
        assert!(created.is_ok(), "an audited action waited for forwarding");
    }
    let start = Instant::now();
    let row = loop {
        let list = admin.call("list_forwarders", &[]).await.ok();
        let row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"].as_i64() == Some(dead))
            .unwrap()
            .clone();
        if row["failures"].as_i64().unwrap() > 0 {
            break row;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{row}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("could not connect"),
        "{row}"
    );
    assert!(row["behind"].as_i64().unwrap() >= 4, "{row}");
    // Retention keeps what a destination has still to send.
    let unsent: i64 = sqlx::query_scalar("SELECT delivered_id FROM audit_forwarders WHERE id = ?")
        .bind(dead)
        .fetch_one(&app.service.db.read)
        .await
        .unwrap();
    let actor = server::store::Actor {
        id: None,
        name: Some("cli:test".into()),
        address: None,
    };
    // Archiving stops at what the dead destination has not sent, then says why it archives
    // nothing more.
    let refusal = loop {
        match server::store::audit::archive::archive(
            &app.service.db,
            &app.data_dir(),
            "9999-12-31T00:00:00Z",
            &actor,
        )
        .await
        {
            Ok(archived) => {
                assert!(
                    archived.is_some_and(|a| a.through <= unsent),
                    "archived past {unsent}"
                )
            }
            Err(e) => break e.to_string(),
        }
    };
    assert!(
        refusal.contains("kept until forwarding sends them")
            && refusal.contains(&format!("syslog-tcp {closed}"))
            && refusal.contains("/admin/forwarding"),
        "{refusal}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE id > ?")
        .bind(unsent)
        .fetch_one(&app.service.db.read)
        .await
        .unwrap();
    assert!(kept >= 4, "{kept}");
    let answer = admin
        .call("test_forwarder", &[("id", &dead.to_string())])
        .await;
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .body
            .to_string()
            .contains("the test failed: could not connect"),
        "{}",
        answer.body
    );
    // Released, the held destination catches up with everything.
    let _ = release.send(());
    settled(&admin, &[hung]).await;
}

#[tokio::test]
async fn admins_only_and_bad_destinations_say_what_to_write() {
    let app = TestApp::spawn_with(|c| c.register_local_engine = false).await;
    let admin = app.setup_admin().await;
    let approver = app.login_as(&admin, "ann", Role::Approver).await;
    for (name, form) in [
        ("list_forwarders", vec![]),
        (
            "add_forwarder",
            vec![("kind", "file"), ("target", "/tmp/x.jsonl")],
        ),
        ("remove_forwarder", vec![("id", "1")]),
        ("test_forwarder", vec![("id", "1")]),
    ] {
        let answer = approver.call(name, &form).await;
        assert_eq!(
            answer.error().as_deref(),
            Some("Forbidden"),
            "{name}: {}",
            answer.body
        );
    }
    for (kind, target, field, says) in [
        (
            "pigeon",
            "x",
            "kind",
            "choose syslog-udp, syslog-tcp, file or http",
        ),
        ("syslog-udp", "nohost", "target", "write e.g. 127.0.0.1:514"),
        ("syslog-tcp", "host:70000", "target", "host:port"),
        ("file", "audit.jsonl", "target", "not an absolute path"),
        ("file", "/tmp/audit.txt", "target", "does not end in .jsonl"),
        (
            "file",
            "/no/such/dir/audit.jsonl",
            "target",
            "create it first",
        ),
        ("http", "ftp://logs.example.org", "target", "http or https"),
    ] {
        let answer = admin
            .call("add_forwarder", &[("kind", kind), ("target", target)])
            .await;
        assert_eq!(answer.status, 400, "{kind} {target}");
        let body = answer.body.to_string();
        assert!(
            body.contains(field) && body.contains(says),
            "{kind} {target}: {body}"
        );
    }
    assert_eq!(
        admin.call("list_forwarders", &[]).await.ok(),
        serde_json::json!([])
    );
    let missing = admin.call("remove_forwarder", &[("id", "99")]).await;
    assert_eq!(missing.error().as_deref(), Some("NotFound"));
}
