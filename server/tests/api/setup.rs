use crate::helpers::{PASSWORD, TestApp};

/// `/healthz` answers 200 while the database is reachable.
#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let res = app.client().get("/healthz").await;
    assert_eq!(res.status(), 200);
}

/// An empty database sends every page to setup; setup needs the token the server printed,
/// creates an admin, signs them in, and is gone for good afterwards.
#[tokio::test]
async fn first_run_setup_then_gone() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = c.get("/designs").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/setup");
    assert_eq!(c.get("/setup").await.status(), 200);
    assert_eq!(
        c.call("setup_needed", &[]).await.ok(),
        serde_json::json!(true)
    );

    // Without the token the server printed, or with another, nothing is created.
    for token in ["", "00000000000000000000000000000000"] {
        let refused = c
            .call(
                "setup",
                &[("token", token), ("name", "root"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(refused.status, 400, "{token:?}");
        assert!(
            refused.body.to_string().contains("setup token"),
            "{}",
            refused.body
        );
    }
    assert_eq!(
        c.call("setup_needed", &[]).await.ok(),
        serde_json::json!(true)
    );

    let weak = c
        .call(
            "setup",
            &[
                ("token", &app.token),
                ("name", "root"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(
        weak.body.to_string().contains("at least 12"),
        "{}",
        weak.body
    );

    let me = c
        .call(
            "setup",
            &[
                ("token", &app.token),
                ("name", "root"),
                ("password", PASSWORD),
            ],
        )
        .await
        .ok();
    assert_eq!(me["role"], "admin");
    assert_eq!(c.call("me", &[]).await.ok()["name"], "root");

    let again = app
        .client()
        .call(
            "setup",
            &[
                ("token", &app.token),
                ("name", "evil"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.error().as_deref(), Some("Conflict"));
    assert_eq!(
        app.client().get("/setup").await.headers()["location"],
        "/login"
    );
    assert_eq!(
        c.call("setup_needed", &[]).await.ok(),
        serde_json::json!(false)
    );
}

/// Pages need a signed-in user; a visitor is sent to sign-in with the page to come back to.
#[tokio::test]
async fn protected_pages_redirect_to_sign_in() {
    let app = TestApp::spawn().await;
    app.setup_admin().await;
    for page in ["/designs", "/audit", "/admin/users", "/designs/1"] {
        let res = app.client().get(page).await;
        assert_eq!(res.status(), 303, "{page}");
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login"),
            "{page}"
        );
    }
    assert_eq!(app.client().get("/login").await.status(), 200);
}

/// Start-up problems stop the server with one line saying what to fix.
#[tokio::test]
async fn configuration_errors_are_clear() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let mut config = server::Config::new(file.path().join("data"));
    config.addr = "127.0.0.1:0".parse().unwrap();
    let e = server::Application::build(config)
        .await
        .err()
        .expect("a file is no data dir");
    assert!(e.to_string().contains("data directory"), "{e}");
    assert!(e.to_string().contains("--data"), "{e}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = server::Config::new(dir.path().to_path_buf());
    config.addr = taken.local_addr().unwrap();
    let e = server::Application::build(config)
        .await
        .err()
        .expect("the port is taken");
    assert!(e.to_string().contains("cannot listen"), "{e}");
    assert!(e.to_string().contains("--addr"), "{e}");
}

/// A migration that does not match the database stops the server with a clear line.
#[tokio::test]
async fn failed_migration_stops_start() {
    let dir = tempfile::tempdir().unwrap();
    server::db::Db::open(dir.path()).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("bulkhead.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = x'00'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let mut config = server::Config::new(dir.path().to_path_buf());
    config.addr = "127.0.0.1:0".parse().unwrap();
    let e = server::Application::build(config)
        .await
        .err()
        .expect("the migration fails");
    assert!(
        e.to_string().starts_with("database migration failed"),
        "{e}"
    );
}
