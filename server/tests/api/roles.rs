use crate::helpers::{Client, TestApp};
use app::model::Role;

/// An endpoint, the form to send it, and the least role it needs (`None`: anyone).
type Endpoint = (&'static str, Vec<(&'static str, String)>, Option<Role>);

/// The least role each endpoint needs; `None` = anyone, signed in or not.
fn endpoints(design: i64, deleted: i64, user: i64, head: i64) -> Vec<Endpoint> {
    let d = design.to_string();
    let u = user.to_string();
    vec![
        ("setup_needed", vec![], None),
        ("me", vec![], None),
        ("list_users", vec![], Some(Role::Admin)),
        (
            "create_user",
            vec![
                ("name", "x".into()),
                ("password", "p".into()),
                ("role", "viewer".into()),
            ],
            Some(Role::Admin),
        ),
        (
            "set_role",
            vec![("user_id", u.clone()), ("role", "viewer".into())],
            Some(Role::Admin),
        ),
        (
            "set_disabled",
            vec![("user_id", u.clone()), ("disabled", "false".into())],
            Some(Role::Admin),
        ),
        (
            "reset_password",
            vec![("user_id", u), ("password", "p".into())],
            Some(Role::Admin),
        ),
        (
            "list_designs",
            vec![("include_deleted", "false".into())],
            Some(Role::Viewer),
        ),
        (
            "list_designs",
            vec![("include_deleted", "true".into())],
            Some(Role::Admin),
        ),
        (
            "create_design",
            vec![("name", "-bad".into())],
            Some(Role::Editor),
        ),
        (
            "rename_design",
            vec![("id", d.clone()), ("name", "-bad".into())],
            Some(Role::Editor),
        ),
        (
            "delete_design",
            vec![("id", "999".into())],
            Some(Role::Editor),
        ),
        (
            "restore_design",
            vec![("id", deleted.to_string())],
            Some(Role::Admin),
        ),
        ("get_design", vec![("id", d.clone())], Some(Role::Viewer)),
        (
            "changes_on_latest",
            vec![("id", d.clone()), ("model", "{".into())],
            Some(Role::Viewer),
        ),
        (
            "save_design",
            vec![
                ("id", d),
                ("base", head.to_string()),
                ("document", "{".into()),
                ("message", "m".into()),
            ],
            Some(Role::Editor),
        ),
        ("audit", vec![], Some(Role::Viewer)),
        (
            "read_document",
            vec![("text", "zones: [".into())],
            Some(Role::Viewer),
        ),
        (
            "write_document",
            vec![("model", "{".into())],
            Some(Role::Viewer),
        ),
        (
            "import_compose",
            vec![("text", "services: [".into()), ("name", "x".into())],
            Some(Role::Viewer),
        ),
        // No engine 9999: allowed calls are refused for their content.
        ("list_engines", vec![], Some(Role::Viewer)),
        (
            "check_engine",
            vec![("id", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "add_engine",
            vec![("name", "-bad".into()), ("endpoint", "unix:///x".into())],
            Some(Role::Admin),
        ),
        (
            "update_engine",
            vec![
                ("id", "9999".into()),
                ("name", "-bad".into()),
                ("endpoint", "unix:///x".into()),
            ],
            Some(Role::Admin),
        ),
        (
            "remove_engine",
            vec![("id", "9999".into())],
            Some(Role::Admin),
        ),
        (
            "break_engine_lock",
            vec![("id", "9999".into())],
            Some(Role::Admin),
        ),
        (
            "plan_design",
            vec![("id", "9999".into()), ("engine_id", "9999".into())],
            Some(Role::Editor),
        ),
        (
            "apply_plan",
            vec![("plan_id", "9999".into())],
            Some(Role::Approver),
        ),
        ("get_job", vec![("id", "9999".into())], Some(Role::Viewer)),
        ("list_deployments", vec![], Some(Role::Viewer)),
        (
            "check_drift",
            vec![("design", "9999".into()), ("engine", "9999".into())],
            Some(Role::Viewer),
        ),
        ("list_live", vec![], Some(Role::Viewer)),
        (
            "diff_revisions",
            vec![("id", "9999".into()), ("to", "1".into())],
            Some(Role::Viewer),
        ),
        (
            "restore_revision",
            vec![("id", "9999".into()), ("revision", "1".into())],
            Some(Role::Editor),
        ),
        ("list_requests", vec![], Some(Role::Viewer)),
        (
            "get_request",
            vec![("id", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "open_request",
            vec![
                ("design", "9999".into()),
                ("engine", "9999".into()),
                ("title", "t".into()),
            ],
            Some(Role::Editor),
        ),
        (
            "push_request",
            vec![("id", "9999".into())],
            Some(Role::Editor),
        ),
        (
            "replan_request",
            vec![("id", "9999".into())],
            Some(Role::Editor),
        ),
        (
            "comment_request",
            vec![("id", "9999".into()), ("body", "b".into())],
            Some(Role::Viewer),
        ),
        (
            "review_request",
            vec![
                ("id", "9999".into()),
                ("verdict", "approve".into()),
                ("revision", "1".into()),
                ("plan_hash", "h".into()),
            ],
            Some(Role::Approver),
        ),
        (
            "withdraw_request",
            vec![("id", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "apply_request",
            vec![("id", "9999".into())],
            Some(Role::Approver),
        ),
        ("list_tokens", vec![], Some(Role::Admin)),
        (
            "create_token",
            vec![("user_id", "9999".into()), ("name", "ci".into())],
            Some(Role::Admin),
        ),
        (
            "revoke_token",
            vec![("id", "9999".into())],
            Some(Role::Admin),
        ),
        ("list_webhooks", vec![], Some(Role::Admin)),
        (
            "add_webhook",
            vec![("url", "not a url".into())],
            Some(Role::Admin),
        ),
        (
            "remove_webhook",
            vec![("id", "9999".into())],
            Some(Role::Admin),
        ),
        (
            "test_webhook",
            vec![("id", "9999".into())],
            Some(Role::Admin),
        ),
        (
            "verify_live",
            vec![("design", "9999".into()), ("engine", "9999".into())],
            Some(Role::Editor),
        ),
        (
            "destroy_live",
            vec![("design", "9999".into()), ("engine", "9999".into())],
            Some(Role::Approver),
        ),
        (
            "get_verification",
            vec![("id", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "engine_containers",
            vec![("engine", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "list_quarantines",
            vec![("engine", "9999".into())],
            Some(Role::Viewer),
        ),
        (
            "quarantine_container",
            vec![
                ("engine", "9999".into()),
                ("container", "x".into()),
                ("reason", "r".into()),
            ],
            Some(Role::Approver),
        ),
        (
            "release_container",
            vec![("engine", "9999".into()), ("container", "x".into())],
            Some(Role::Approver),
        ),
        (
            "import_engine",
            vec![("engine", "9999".into()), ("name", "imported".into())],
            Some(Role::Editor),
        ),
    ]
}

/// Every endpoint, called by every role and signed out: allowed exactly when the role is at
/// least the one the endpoint needs; refused with 401 (signed out) or 403 (role) otherwise.
/// Allowed calls use arguments that the endpoint then refuses for their content, so no call
/// changes state and the matrix is about roles alone.
#[tokio::test]
async fn role_matrix() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let mut clients: Vec<(Option<Role>, Client)> = vec![(None, app.client())];
    for role in Role::ALL {
        let c = app.login_as(&admin, &format!("as-{role}"), role).await;
        clients.push((Some(role), c));
    }
    let design = admin.create_design("matrix", "three-tier").await;
    let gone = admin.create_design("gone", "three-tier").await;
    admin
        .call("delete_design", &[("id", &gone.to_string())])
        .await
        .ok();
    // Another live design takes the deleted one's name, so restoring it is refused for its
    // content (a name conflict), not for the role.
    admin.create_design("gone", "three-tier").await;
    // No such user: admins get past the role check and are refused for the content.
    let target = 9999;
    let audit_before = admin.audit_actions().await.len();

    let mut failures = Vec::new();
    for (endpoint, args, needed) in endpoints(design, gone, target, 1) {
        for (role, client) in &clients {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let a = client.call(endpoint, &form).await;
            let allowed = match (needed, role) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(n), Some(r)) => r >= &n,
            };
            let refused_for_role = matches!(a.status.as_u16(), 401 | 403);
            let expected = if allowed { "allowed" } else { "refused" };
            if allowed == refused_for_role {
                failures.push(format!(
                    "{endpoint} {args:?} as {role:?}: expected {expected}, got {} {}",
                    a.status, a.body
                ));
            }
            if !allowed {
                let want = if role.is_none() {
                    "NotSignedIn"
                } else {
                    "Forbidden"
                };
                if a.error().as_deref() != Some(want) {
                    failures.push(format!(
                        "{endpoint} as {role:?}: expected {want}, got {}",
                        a.body
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "role matrix mismatches:\n{}",
        failures.join("\n")
    );
    // Only the setup of this test wrote to the log: no matrix call changed anything.
    assert_eq!(admin.audit_actions().await.len(), audit_before);
}
