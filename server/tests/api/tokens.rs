//! API tokens and the command line's change requests: admins make tokens (shown once, kept
//! hashed, audited), a token opens the JSON API as its user and never a page, a revoked one
//! is refused with 401; `bulkhead token create` bootstraps one from the shell, and
//! `bulkhead request open|approve|comment|status` drive a request on the running server.

use app::model::Role;
use serde_json::Value;

use crate::apply::{Cleanup, ENGINE, document};
use crate::helpers::{Client, TestApp};

/// A JSON API call with a token instead of a session (no cookie, no Origin: as a script).
async fn with_token(app: &TestApp, token: &str, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/{name}", app.base))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn user_id(admin: &Client, user: &str) -> String {
    let users = admin.call("list_users", &[]).await.ok();
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == user)
        .unwrap()["id"]
        .to_string()
}

async fn make(admin: &Client, user: &str, name: &str) -> String {
    let id = user_id(admin, user).await;
    let made = admin
        .call("create_token", &[("user_id", &id), ("name", name)])
        .await
        .ok();
    made["token"].as_str().unwrap().to_owned()
}

/// `bulkhead ARGS…` as a child process, without blocking the server that runs in this test.
async fn bulkhead(args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(args)
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn tokens_open_the_api_as_their_user_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let ed = app.login_as(&admin, "ed", Role::Editor).await;
    let token = make(&admin, "ed", "ci").await;
    assert!(token.starts_with("bht_") && token.len() == 68, "{token}");

    // The list never shows the secret; only admins read it.
    let list = admin.call("list_tokens", &[]).await.ok();
    assert_eq!(list[0]["name"], "ci");
    assert!(!list.to_string().contains(&token[4..]), "{list}");
    assert_eq!(ed.call("list_tokens", &[]).await.status, 403);
    let stored: String = sqlx::query_scalar("SELECT hash FROM api_tokens")
        .fetch_one(&app.service.db.read)
        .await
        .unwrap();
    assert_ne!(stored, token);
    // One token in force of a name per user.
    let ed_id = user_id(&admin, "ed").await;
    let twice = admin
        .call("create_token", &[("user_id", &ed_id), ("name", "ci")])
        .await;
    assert_eq!(twice.status, 400, "{}", twice.body);

    // The token acts as ed, with ed's role, on the JSON API only.
    let (status, me) = with_token(&app, &token, "me", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["name"], "ed");
    let (status, _) = with_token(&app, &token, "list_users", &[]).await;
    assert_eq!(status, 403);
    let (status, made) = with_token(&app, &token, "create_design", &[("name", "from-ci")]).await;
    assert_eq!(status, 200, "{made}");
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/designs", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    // The audit export takes a token too (a script exports for an auditor).
    let export = reqwest::Client::new()
        .get(format!(
            "{}/audit/export?format=jsonl&group=designs",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert!(export.text().await.unwrap().contains("from-ci"));
    let (status, _) = with_token(&app, "bht_not-a-token", "me", &[]).await;
    assert_eq!(status, 200, "an unknown token is nobody");
    let (status, _) = with_token(
        &app,
        "bht_not-a-token",
        "list_designs",
        &[("include_deleted", "false")],
    )
    .await;
    assert_eq!(status, 401);

    // A token cannot make tokens, not even an admin's.
    let root = make(&admin, "root", "admin-script").await;
    let (status, body) = with_token(
        &app,
        &root,
        "create_token",
        &[("user_id", &ed_id), ("name", "more")],
    )
    .await;
    assert_eq!(status, 403, "{body}");

    // Revoked: 401 from then on; audited, the token itself never.
    let id = list[0]["id"].to_string();
    admin.call("revoke_token", &[("id", &id)]).await.ok();
    let (status, _) = with_token(
        &app,
        &token,
        "list_designs",
        &[("include_deleted", "false")],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(admin.call("revoke_token", &[("id", &id)]).await.status, 409);
    let actions = admin.audit_actions().await;
    for a in ["token-create", "token-revoke"] {
        assert!(actions.contains(&a.to_owned()), "{actions:?}");
    }
    let page = admin
        .call("audit", &[("action", "token-create")])
        .await
        .ok();
    assert!(!page.to_string().contains(&token[4..]), "{page}");
}

#[tokio::test]
async fn the_command_line_drives_a_change_request() {
    let _engine = ENGINE.lock().await;
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    app.login_as(&admin, "carl", Role::Approver).await;
    app.login_as(&admin, "bob", Role::Approver).await;
    let data = app.data_dir();
    let data = data.to_str().unwrap();

    // Tokens bootstrapped from the shell: the token is the last line of standard output.
    let mut files = Vec::new();
    for user in ["carl", "bob"] {
        let (code, out, err) = bulkhead(&[
            "token", "create", "--user", user, "--name", "ci", "--data", data,
        ])
        .await;
        assert_eq!(code, 0, "{err}");
        let token = out.lines().last().unwrap().trim().to_owned();
        assert!(token.starts_with("bht_"), "{out}");
        let file = app.dir.path().join(format!("{user}.token"));
        std::fs::write(&file, format!("{token}\n")).unwrap();
        files.push(file);
    }
    let (code, _, err) = bulkhead(&[
        "token", "create", "--user", "nobody", "--name", "ci", "--data", data,
    ])
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no user named `nobody`"), "{err}");
    let (carl, bob) = (files[0].to_str().unwrap(), files[1].to_str().unwrap());

    let name = format!("clireq{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let file = app.dir.path().join("design.yaml");
    let text = document(&name).replace("172.49.1.0/24", "172.49.9.0/24");
    std::fs::write(&file, &text).unwrap();
    let server = ["--server", app.base.as_str()];
    let open = |token: &str| {
        let mut args = vec![
            "request",
            "open",
            file.to_str().unwrap(),
            "--design",
            name.as_str(),
            "--engine",
            "local",
            "--format",
            "json",
            "--token-file",
        ];
        args.push(token);
        args.extend(server);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| async move {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        bulkhead(&refs).await
    };

    // Carl proposes the file: the design is made, the file saved, a request opened.
    let (code, out, err) = run(open(carl)).await;
    assert_eq!(code, 0, "{err}");
    let opened: Value = serde_json::from_str(out.trim()).expect(&out);
    let id = opened["id"].to_string();
    assert!(
        opened["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/requests/{id}")),
        "{opened}"
    );
    let with = |verb: &str, token: &str, extra: &[&str]| {
        let mut args: Vec<String> = ["request", verb, id.as_str(), "--token-file", token]
            .into_iter()
            .map(str::to_owned)
            .collect();
        args.extend(server.iter().map(|s| (*s).to_owned()));
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };

    // Not approved yet: status exits 1. The author approving their own request is refused.
    let (code, out, _) = run(with("status", bob, &[])).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("is open"), "{out}");
    let (code, _, err) = run(with("approve", carl, &[])).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("separation of duties"), "{err}");
    let (code, _, err) = run(with("comment", bob, &["--message", "ports look right"])).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(with("approve", bob, &[])).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("approved"), "{out}");
    let (code, out, _) = run(with("status", bob, &["--format", "json"])).await;
    assert_eq!(code, 0, "{out}");
    let status: Value = serde_json::from_str(out.trim()).expect(&out);
    assert_eq!(status["state"], "approved");

    // The file again, unchanged: the same request, nothing dismissed. Changed: pushed to
    // the same request, which dismisses the approval.
    let (code, out, err) = run(open(carl)).await;
    assert_eq!(code, 0, "{err}");
    let again: Value = serde_json::from_str(out.trim()).expect(&out);
    assert_eq!(again["id"].to_string(), id);
    assert_eq!(again["state"], "approved", "{again}");
    std::fs::write(&file, text.replace("memory: 64m", "memory: 48m")).unwrap();
    let (code, out, err) = run(open(carl)).await;
    assert_eq!(code, 0, "{err}");
    let pushed: Value = serde_json::from_str(out.trim()).expect(&out);
    assert_eq!(pushed["id"].to_string(), id);
    assert_eq!(pushed["state"], "open", "{pushed}");
    let (code, _, _) = run(with("status", bob, &[])).await;
    assert_eq!(code, 1);

    // A revoked token is refused (401) with what happened.
    let tokens = admin.call("list_tokens", &[]).await.ok();
    let bobs = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["user"] == "bob")
        .unwrap()["id"]
        .to_string();
    admin.call("revoke_token", &[("id", &bobs)]).await.ok();
    let (code, _, err) = run(with("status", bob, &[])).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("refused the token"), "{err}");
    // A file that holds no token, a server that does not answer: exit 2.
    let (code, _, err) = run(with("status", file.to_str().unwrap(), &[])).await;
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = bulkhead(&[
        "request",
        "status",
        &id,
        "--token-file",
        carl,
        "--server",
        "http://127.0.0.1:9",
    ])
    .await;
    assert_eq!(code, 2, "{err}");
}
