use crate::harness::{Driver, Page, TEST_SITE, site, start_app, start_app_for_setup};
use fantoccini::Locator;
use server::front_end::FrontEnd;

const ADMIN_PASSWORD: &str = "admin password 2026";
const BOB_PASSWORD: &str = "bob's password 2026";

/// The foundation's whole story in a real browser: first-run setup with the token the server
/// printed, sign-in, a design from
/// the three-tier template listed and edited, parse errors shown, a second browser saving a
/// stale revision sees the conflict, the audit page shows it all, sign-out, and a protected
/// page sends a signed-out visitor to sign-in.
#[tokio::test]
async fn foundation_story_in_chromium() {
    let (base, token, _data) = start_app_for_setup().await;
    let mut driver = Driver::start().await;
    let a = driver.browser().await;
    let pa = Page::new(&a, &base);

    // First run: every page leads to setup.
    pa.open("/designs").await;
    pa.wait_path(|p| p == "/setup").await;
    pa.screenshot("01-setup").await;
    pa.fill("form[data-test=setup-form] input[name=token]", &token)
        .await;
    pa.fill("form[data-test=setup-form] input[name=name]", "admin")
        .await;
    pa.fill(
        "form[data-test=setup-form] input[name=password]",
        ADMIN_PASSWORD,
    )
    .await;
    pa.fill(
        "form[data-test=setup-form] input[name=confirm]",
        ADMIN_PASSWORD,
    )
    .await;
    pa.click("form[data-test=setup-form] button[type=submit]")
        .await;
    pa.wait_path(|p| p == "/designs").await;
    pa.wait_text("[data-test=whoami]", "admin").await;

    // Create a design from the template; it opens, and it is listed.
    pa.fill("form[data-test=create-design] input[name=name]", "web-host")
        .await;
    pa.find("form[data-test=create-design] select[name=template]")
        .await
        .select_by_value("three-tier")
        .await
        .unwrap();
    pa.click("form[data-test=create-design] button[type=submit]")
        .await;
    let design_path = pa.wait_path(|p| p.starts_with("/designs/")).await;
    pa.wait_text("[data-test=design-name]", "web-host").await;
    pa.hydrated().await;
    let doc = pa.open_yaml().await;
    assert!(
        doc.contains("name: web-host") && doc.contains("database-tier"),
        "{doc}"
    );
    pa.open("/designs").await;
    pa.find("tr[data-design='web-host'] a").await;
    pa.screenshot("02-designs").await;

    // Edit: a parse error is shown where it is and blocks saving; a valid edit saves as r2.
    pa.open(&design_path).await;
    pa.open_yaml().await;
    pa.set_value("[data-test=document]", &format!("{doc}zones: [\n"))
        .await;
    let err = pa.wait_text("[data-test=parse-error]", "line").await;
    assert!(err.contains("line"), "{err}");
    assert!(
        pa.find("[data-test=save]")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .is_some()
    );
    pa.screenshot("03-parse-error").await;
    let edited = doc.replace("session cache", "sessions, reviewed");
    assert_ne!(edited, doc);
    pa.set_value("[data-test=document]", &edited).await;
    pa.wait_text("[data-test=parse-status]", "parses").await;
    pa.find("[data-test=unsaved]").await;
    pa.fill(
        "form[data-test=save-form] input[name=message]",
        "note the review",
    )
    .await;
    pa.click("[data-test=save]").await;
    pa.wait_text("[data-test=revision]", "revision 2").await;

    // A second user, made on the admin page, in a second browser.
    pa.open("/admin/users").await;
    pa.fill("form[data-test=create-user] input[name=name]", "bob")
        .await;
    pa.fill(
        "form[data-test=create-user] input[name=password]",
        BOB_PASSWORD,
    )
    .await;
    pa.find("form[data-test=create-user] select[name=role]")
        .await
        .select_by_value("editor")
        .await
        .unwrap();
    pa.click("form[data-test=create-user] button[type=submit]")
        .await;
    pa.find("tr[data-user='bob']").await;

    let b = driver.browser().await;
    let pb = Page::new(&b, &base);
    pb.open("/login").await;
    pb.fill("form[data-test=login-form] input[name=name]", "bob")
        .await;
    pb.fill(
        "form[data-test=login-form] input[name=password]",
        BOB_PASSWORD,
    )
    .await;
    pb.click("form[data-test=login-form] button[type=submit]")
        .await;
    pb.wait_path(|p| p == "/designs").await;
    pb.open(&design_path).await;
    pb.wait_text("[data-test=revision]", "revision 2").await;
    pb.open_yaml().await;

    // Admin saves revision 3 while bob still edits revision 2.
    pa.open(&design_path).await;
    pa.open_yaml().await;
    pa.set_value(
        "[data-test=document]",
        &edited.replace("reviewed", "reviewed twice"),
    )
    .await;
    pa.click("[data-test=save]").await;
    pa.wait_text("[data-test=revision]", "revision 3").await;

    let bobs = edited.replace("reviewed", "bob was here");
    pb.set_value("[data-test=document]", &bobs).await;
    pb.click("[data-test=save]").await;
    let conflict = pb
        .wait_text("[data-error=conflict]", "revision 3 by admin")
        .await;
    assert!(conflict.contains("Nothing was saved"), "{conflict}");
    assert_eq!(
        pb.value("[data-test=document]").await,
        bobs,
        "bob's text is kept"
    );
    pb.find("[data-test=load-latest]").await;
    pb.screenshot("04-conflict").await;

    // The audit page shows what happened, newest first.
    pa.open("/audit").await;
    for action in [
        "setup",
        "design-create",
        "design-save",
        "user-create",
        "sign-in",
    ] {
        pa.find(&format!("tr[data-action='{action}']")).await;
    }
    let first = pa.find("table[data-test=audit-list] tbody tr").await;
    assert_eq!(
        first.attr("data-action").await.unwrap().as_deref(),
        Some("design-save")
    );
    pa.screenshot("05-audit").await;

    // Sign out; a protected page now sends the visitor to sign-in.
    pa.click("[data-test=sign-out]").await;
    pa.wait_path(|p| p.starts_with("/login")).await;
    a.goto(&format!("{base}/designs")).await.unwrap();
    pa.wait_path(|p| p.starts_with("/login")).await;
    assert!(a.find(Locator::Css("[data-test=whoami]")).await.is_err());

    a.close().await.unwrap();
    b.close().await.unwrap();
}

/// The page says which build hydrated it, and it is the build the server found in its site
/// directory. The tests' own front end is a debug build in its own directory, so `make test`
/// never replaces the release one that `make run` serves from `target/site`.
#[tokio::test]
async fn front_end_build_is_known_and_apart() {
    let site = site();
    let found = FrontEnd::inspect(&site);
    if std::env::var_os("BULKHEAD_SITE").is_none() {
        assert!(site.ends_with(TEST_SITE), "{}", site.display());
        assert_eq!(found, FrontEnd::Debug, "{}", site.display());
    }
    let kind = match found {
        FrontEnd::Release => "release",
        FrontEnd::Debug => "debug",
        other => panic!("the front end in {} is {other}", site.display()),
    };
    let (base, _data) = start_app().await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.open("/setup").await;
    p.find(&format!("html[data-front-end='{kind}']")).await;
}
