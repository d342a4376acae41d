use crate::helpers::{PASSWORD, TestApp};

/// A server function's form: field names and values.
type Form = Vec<(&'static str, String)>;
use app::model::Role;

/// A design from the template stores the template's document under the new name as
/// revision 1; saving appends revisions with author, time and message.
#[tokio::test]
async fn create_from_template_and_save_revisions() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "eve", Role::Editor).await;
    let id = editor.create_design("shop", "three-tier").await;
    let d = editor
        .call("get_design", &[("id", &id.to_string())])
        .await
        .ok();
    assert_eq!(d["head"], 1);
    let doc = d["document"].as_str().unwrap().to_string();
    assert!(doc.contains("name: shop"), "{doc}");
    assert!(doc.contains("database-tier"), "{doc}");
    assert!(design::parse_document(&doc).is_ok());

    let edited = doc.replace("session cache", "sessions");
    let r = editor
        .call(
            "save_design",
            &[
                ("id", &id.to_string()),
                ("base", "1"),
                ("document", &edited),
                ("message", "rename a note"),
            ],
        )
        .await
        .ok();
    assert_eq!(r["number"], 2);
    assert_eq!(r["author"], "eve");
    assert_eq!(r["message"], "rename a note");
    let d = editor
        .call("get_design", &[("id", &id.to_string())])
        .await
        .ok();
    assert_eq!(d["document"].as_str().unwrap(), edited);
    assert_eq!(d["history"].as_array().unwrap().len(), 2);
    let old = editor
        .call("get_design", &[("id", &id.to_string()), ("revision", "1")])
        .await
        .ok();
    assert_eq!(old["document"].as_str().unwrap(), doc);

    let blank = editor
        .call("create_design", &[("name", "empty")])
        .await
        .ok();
    let b = editor
        .call("get_design", &[("id", &blank["id"].to_string())])
        .await
        .ok();
    // A blank design starts hardened like the templates, and checks clean.
    let raw = design::parse_document(b["document"].as_str().unwrap()).unwrap();
    assert_eq!(raw.name, "empty");
    assert_eq!(
        raw.defaults.hardening,
        Some(design::templates::baseline_hardening())
    );
    let report = design::report::CheckReport::new(&raw);
    assert!(report.is_valid() && report.findings.is_empty());
}

/// Saving on top of a stale revision is refused with a conflict naming who saved meanwhile;
/// nothing is stored.
#[tokio::test]
async fn stale_save_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let alice = app.login_as(&admin, "alice", Role::Editor).await;
    let bob = app.login_as(&admin, "bob", Role::Editor).await;
    let id = alice
        .create_design("shared", "three-tier")
        .await
        .to_string();
    let doc = alice.call("get_design", &[("id", &id)]).await.ok()["document"]
        .as_str()
        .unwrap()
        .to_string();
    alice
        .call(
            "save_design",
            &[
                ("id", &id),
                ("base", "1"),
                ("document", &format!("{doc}\n# alice")),
                ("message", "a"),
            ],
        )
        .await
        .ok();
    let stale = bob
        .call(
            "save_design",
            &[
                ("id", &id),
                ("base", "1"),
                ("document", &format!("{doc}\n# bob")),
                ("message", "b"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    let text = stale.body.to_string();
    assert!(text.contains("revision 2 by alice"), "{text}");
    let d = bob.call("get_design", &[("id", &id)]).await.ok();
    assert_eq!(d["head"], 2);
    assert!(d["document"].as_str().unwrap().ends_with("# alice"));
}

/// Bad input gets a clear error naming the field, and nothing is stored.
#[tokio::test]
async fn bad_input_is_refused_whole() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let id = admin.create_design("d1", "three-tier").await.to_string();
    let cases: Vec<(&str, Form, &str)> = vec![
        ("create_design", vec![("name", "".into())], "name"),
        (
            "create_design",
            vec![("name", "x".repeat(64))],
            "at most 63",
        ),
        ("create_design", vec![("name", "a;rm -rf".into())], "name"),
        (
            "create_design",
            vec![("name", "ok"), ("template", "nope")]
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
            "template",
        ),
        (
            "create_user",
            vec![
                ("name", "".into()),
                ("password", PASSWORD.into()),
                ("role", "viewer".into()),
            ],
            "name",
        ),
        (
            "save_design",
            vec![
                ("id", id.clone()),
                ("base", "1".into()),
                ("document", "zones: [".into()),
                ("message", "".into()),
            ],
            "document",
        ),
        (
            "save_design",
            vec![
                ("id", id.clone()),
                ("base", "1".into()),
                (
                    "document",
                    format!("bulkhead: 1\nname: d1\n#{}", "x".repeat(1024 * 1024)),
                ),
                ("message", "".into()),
            ],
            "1 MiB",
        ),
        (
            "save_design",
            vec![
                ("id", id.clone()),
                ("base", "1".into()),
                (
                    "document",
                    "bulkhead: 1\nname: d1\nzones: {}\nservices: {}\nbogus: 1\n".into(),
                ),
                ("message", "".into()),
            ],
            "bogus",
        ),
        (
            "rename_design",
            vec![("id", id.clone()), ("name", "bad name".into())],
            "name",
        ),
    ];
    for (endpoint, args, says) in cases {
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = admin.call(endpoint, &form).await;
        assert_eq!(a.status, 400, "{endpoint} {says}: {}", a.body);
        assert!(
            a.body.to_string().contains(says),
            "{endpoint}: {} should mention {says}",
            a.body
        );
    }
    // Malformed YAML says where.
    let a = admin
        .call(
            "save_design",
            &[
                ("id", &id),
                ("base", "1"),
                ("document", "bulkhead: 1\nname: d1\nzones: {\n"),
                ("message", ""),
            ],
        )
        .await;
    assert!(a.body.to_string().contains("line"), "{}", a.body);
    // Invalid UTF-8 in the form is refused as unreadable.
    let raw = reqwest::Client::new()
        .post(format!("{}/api/create_design", app.base))
        .header("origin", &app.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"name=%FF%FE".to_vec())
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_client_error(), "{}", raw.status());
    let d = admin.call("get_design", &[("id", &id)]).await.ok();
    assert_eq!(d["head"], 1, "nothing was stored");
    let list = admin
        .call("list_designs", &[("include_deleted", "true")])
        .await
        .ok();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// Rename keeps the history and renames the document; delete is soft; an admin restores.
#[tokio::test]
async fn rename_delete_restore() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "ed", Role::Editor).await;
    let id = editor
        .create_design("before", "three-tier")
        .await
        .to_string();
    editor
        .call("rename_design", &[("id", &id), ("name", "after")])
        .await
        .ok();
    let d = editor.call("get_design", &[("id", &id)]).await.ok();
    assert_eq!(d["name"], "after");
    assert_eq!(d["head"], 2);
    assert!(d["document"].as_str().unwrap().contains("name: after"));
    let dup = editor
        .create_design("other", "three-tier")
        .await
        .to_string();
    let clash = editor
        .call("rename_design", &[("id", &dup), ("name", "after")])
        .await;
    assert_eq!(clash.status, 400);

    editor.call("delete_design", &[("id", &id)]).await.ok();
    let live = editor
        .call("list_designs", &[("include_deleted", "false")])
        .await
        .ok();
    assert!(
        live.as_array()
            .unwrap()
            .iter()
            .all(|d| d["name"] != "after")
    );
    assert_eq!(editor.call("get_design", &[("id", &id)]).await.status, 404);
    let restore = editor.call("restore_design", &[("id", &id)]).await;
    assert_eq!(restore.status, 403);
    let all = admin
        .call("list_designs", &[("include_deleted", "true")])
        .await
        .ok();
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "after" && d["deleted"] == true)
    );
    admin.call("restore_design", &[("id", &id)]).await.ok();
    let d = editor.call("get_design", &[("id", &id)]).await.ok();
    assert_eq!(d["head"], 2, "history kept");
    let actions = admin.audit_actions().await;
    for a in [
        "design-create",
        "design-rename",
        "design-delete",
        "design-restore",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} audited");
    }
}

/// The designer's browser build has no YAML code: the server gives it the model with the
/// document, reads and writes YAML for its YAML tab, reads Compose files, and stores a
/// model sent as JSON as canonical YAML.
#[tokio::test]
async fn documents_are_read_and_written_for_the_browser() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let viewer = app.login_as(&admin, "vera", Role::Viewer).await;
    let id = admin.create_design("shop", "three-tier").await;
    let d = viewer
        .call("get_design", &[("id", &id.to_string())])
        .await
        .ok();
    let doc = d["document"].as_str().unwrap();
    let model: design::RawDesign = serde_json::from_value(d["model"].clone()).unwrap();
    assert_eq!(model, design::parse_document(doc).unwrap());
    assert!(d["model_error"].is_null());

    // Write out, read back: the same model; a broken text says where.
    let json = serde_json::to_string(&model).unwrap();
    let yaml = viewer
        .call("write_document", &[("model", &json)])
        .await
        .ok();
    let yaml = yaml.as_str().unwrap().to_owned();
    assert_eq!(yaml, design::to_canonical_yaml(&model));
    let back = viewer.call("read_document", &[("text", &yaml)]).await.ok();
    assert_eq!(
        serde_json::from_value::<design::RawDesign>(back).unwrap(),
        model
    );
    let broken = viewer
        .call("read_document", &[("text", &format!("{yaml}zones: [\n"))])
        .await;
    assert_eq!(broken.status.as_u16(), 400, "{}", broken.body);
    assert!(broken.body.to_string().contains("line"), "{}", broken.body);

    // What a save of an edited model would change on top of the newest revision, worded by
    // the server (the browser carries no diff code).
    let mut edited = model.clone();
    edited.flows.pop();
    let words = viewer
        .call(
            "changes_on_latest",
            &[
                ("id", &id.to_string()),
                ("model", &serde_json::to_string(&edited).unwrap()),
            ],
        )
        .await
        .ok();
    let words = words.as_str().unwrap();
    assert!(
        words.starts_with("Revision 1 by root is the newest.")
            && words.contains("no longer reachable (1)"),
        "{words}"
    );
    let unreadable = viewer
        .call(
            "changes_on_latest",
            &[("id", &id.to_string()), ("model", "{")],
        )
        .await;
    assert_eq!(unreadable.status.as_u16(), 400, "{}", unreadable.body);

    // Bad input is refused with what to do, and changes nothing.
    let bad_model = viewer
        .call("write_document", &[("model", "{\"name\": 3}")])
        .await;
    assert_eq!(bad_model.status.as_u16(), 400, "{}", bad_model.body);
    assert!(
        bad_model.body.to_string().contains("does not read"),
        "{}",
        bad_model.body
    );
    let bad_compose = viewer
        .call(
            "import_compose",
            &[("text", "services: [\n"), ("name", "shop")],
        )
        .await;
    assert_eq!(bad_compose.status.as_u16(), 400, "{}", bad_compose.body);
    assert!(
        bad_compose.body.to_string().contains("cannot be imported"),
        "{}",
        bad_compose.body
    );
    let bad_name = viewer
        .call(
            "import_compose",
            &[("text", "services: {}\n"), ("name", "-x")],
        )
        .await;
    assert_eq!(bad_name.status.as_u16(), 400, "{}", bad_name.body);
    let huge = "#".repeat(app::model::MAX_DOCUMENT_BYTES + 1);
    let too_big = viewer.call("read_document", &[("text", &huge)]).await;
    assert_eq!(too_big.status.as_u16(), 400, "{}", too_big.body);
    assert!(
        too_big.body.to_string().contains("1 MiB"),
        "{}",
        too_big.body
    );

    // A Compose file becomes zones and services.
    let compose =
        "services:\n  web:\n    image: nginx:1.27\n    networks: [front]\nnetworks:\n  front: {}\n";
    let imported = viewer
        .call("import_compose", &[("text", compose), ("name", "shop")])
        .await
        .ok();
    assert!(
        imported["model"]["zones"]["front"].is_object(),
        "{imported}"
    );
    assert!(
        imported["model"]["services"]["web"].is_object(),
        "{imported}"
    );

    // Saving the model as JSON stores canonical YAML.
    let mut changed = model.clone();
    changed.description = Some("from the designer".into());
    let r = admin
        .call(
            "save_design",
            &[
                ("id", &id.to_string()),
                ("base", "1"),
                ("document", &serde_json::to_string(&changed).unwrap()),
                ("message", "designer"),
            ],
        )
        .await
        .ok();
    assert_eq!(r["number"], 2);
    let d = viewer
        .call("get_design", &[("id", &id.to_string())])
        .await
        .ok();
    assert_eq!(
        d["document"].as_str().unwrap(),
        design::to_canonical_yaml(&changed)
    );
}

/// The export route refuses every artifact of a revision with an unaccepted error finding
/// (409, with what to do), serves it once the finding is accepted with a reason, and serves
/// the design file in either case.
#[tokio::test]
async fn export_route_refuses_unaccepted_error_findings() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "eve", Role::Editor).await;
    let id = editor.create_design("ops", "three-tier").await;
    let doc = |accept: &str| {
        format!(
            "bulkhead: 1\nname: ops\nservices:\n  probe:\n    image: 'example/probe:1'\n    network: closed\n    hardening: {{ security_opt: ['seccomp=unconfined'] }}\n{accept}"
        )
    };
    let save = |base: i64, text: String| {
        let editor = &editor;
        async move {
            editor
                .call(
                    "save_design",
                    &[
                        ("id", &id.to_string()),
                        ("base", &base.to_string()),
                        ("document", &text),
                        ("message", "probe"),
                    ],
                )
                .await
                .ok()
        }
    };
    save(1, doc("")).await;
    let refused = editor.get(&format!("/designs/{id}/export/compose")).await;
    assert_eq!(refused.status(), 409);
    let body = refused.text().await.unwrap();
    assert!(body.contains("profile-disabled"), "{body}");
    assert!(body.contains("reason"), "{body}");
    let design_file = editor.get(&format!("/designs/{id}/export/design")).await;
    assert_eq!(design_file.status(), 200);

    save(
        2,
        doc("    accept: [{code: profile-disabled, reason: 'runs the perf profiler'}]\n"),
    )
    .await;
    for format in ["compose", "iptables", "iptables-script", "nftables"] {
        let served = editor.get(&format!("/designs/{id}/export/{format}")).await;
        assert_eq!(served.status(), 200, "{format}");
    }
    let old = editor
        .get(&format!("/designs/{id}/export/compose?rev=2"))
        .await;
    assert_eq!(old.status(), 409, "revision 2 is still refused");
}
