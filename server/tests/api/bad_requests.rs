//! Requests the server cannot read are the client's error: 400 with a message saying what to
//! do, never the 500 of a server failure, whoever sends them.

use crate::helpers::{Client, PASSWORD, TestApp};
use app::model::Role;

/// Who calls which endpoint with which form.
type Call<'a> = (&'a Client, &'a str, &'a [(&'a str, &'a str)]);

/// A server function called with a missing or unreadable argument answers 400 with the
/// `BadRequest` message, signed in or not, and changes nothing.
#[tokio::test]
async fn unreadable_arguments_answer_400() {
    let app = TestApp::spawn().await;
    let admin = app.setup_admin().await;
    let editor = app.login_as(&admin, "eve", Role::Editor).await;
    let anonymous = app.client();
    let cases: [Call; 6] = [
        (&anonymous, "login", &[("name", "root")]),
        (&anonymous, "login", &[]),
        (
            &admin,
            "create_user",
            &[("name", "bob"), ("password", PASSWORD)],
        ),
        (
            &admin,
            "set_role",
            &[("user_id", "two"), ("role", "editor")],
        ),
        (&admin, "set_role", &[("user_id", "1"), ("role", "emperor")]),
        (&editor, "get_design", &[("id", "not-a-number")]),
    ];
    for (client, endpoint, form) in cases {
        let answer = client.call(endpoint, form).await;
        assert_eq!(answer.status, 400, "{endpoint} {form:?}: {}", answer.body);
        assert_eq!(
            answer.error().as_deref(),
            Some("BadRequest"),
            "{endpoint}: {}",
            answer.body
        );
        let message = answer.body["BadRequest"]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("the form could not be read") && message.contains("try again"),
            "{endpoint}: {message}"
        );
    }
    // Nothing was created by the refused calls.
    let users = admin.call("list_users", &[]).await.ok();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eve", "root"]);
}
