//! The engines page in a real browser: an admin registers this host's Docker engine from the
//! page and sees it answer, then plans a design there from the design's page; a viewer sees
//! the same engine, checks it, and has nothing to change.

use app::model::Role;
use fantoccini::Locator;

use crate::harness::{Driver, Page, start_app_with};

#[tokio::test]
async fn engines_page_registers_and_checks_the_local_engine() {
    let _engine = crate::harness::ENGINE.lock().await;
    let (base, _dir) = start_app_with(&[("ada", Role::Admin), ("vic", Role::Viewer)]).await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    p.open("/engines").await;
    p.wait_text("main", "No engine is registered yet").await;

    // Register the local socket (the form starts with its address).
    p.click("details.card summary").await;
    p.fill("form[data-test=add-engine] input[name=name]", "local")
        .await;
    assert_eq!(
        p.value("form[data-test=add-engine] input[name=endpoint]")
            .await,
        "unix:///var/run/docker.sock"
    );
    // Applies here need no approval (the review loop has its own test).
    p.set_value(
        "form[data-test=add-engine] select[name=approvals_required]",
        "0",
    )
    .await;
    p.click("form[data-test=add-engine] button[type=submit]")
        .await;
    p.find("[data-engine=local] [data-state=reachable]").await;
    p.wait_text("[data-engine=local]", "applying here needs no approval")
        .await;
    let version = p
        .wait_text("[data-engine=local] [data-test=version]", "API")
        .await;
    assert!(
        version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{version}"
    );
    p.click("[data-engine=local] [data-test=check]").await;
    p.find("[data-engine=local] [data-state=reachable]").await;
    p.screenshot("20-engines-admin").await;

    // From a design, plan it on that engine: the changes by kind, and the firewall step.
    let name = format!("e2e{}", std::process::id());
    p.open("/designs").await;
    p.fill("form[data-test=create-design] input[name=name]", &name)
        .await;
    p.find("form[data-test=create-design] select[name=template]")
        .await
        .select_by_value("three-tier")
        .await
        .unwrap();
    p.click("form[data-test=create-design] button[type=submit]")
        .await;
    p.wait_path(|x| x.starts_with("/designs/")).await;
    p.find("[data-test=designer]").await;
    p.hydrated().await;
    p.click("[data-test=operate]").await;
    p.wait_path(|x| x.contains("/operate")).await;
    p.hydrated().await;
    p.click("form[data-test=plan-form] [data-test=plan]").await;
    p.wait_text(
        "[data-test=plan-view] [data-test=summary]",
        "8 change(s) on local",
    )
    .await;
    p.find("[data-test=plan-view] [data-group=create]").await;
    p.wait_text("[data-test=plan-view] [data-test=firewall]", "install BH-")
        .await;
    p.screenshot("22-plan").await;

    // Apply it: the job page follows it to its end. The template's images are not on this
    // engine (no registry here), so the job fails before changing anything, and says why.
    p.click("[data-test=apply]").await;
    let job = p.wait_path(|x| x.starts_with("/jobs/")).await;
    p.find("[data-test=job][data-result=failed]").await;
    p.wait_text(
        "[data-test=job] [data-test=summary]",
        "is not on the engine",
    )
    .await;
    // The plan's changes were listed from the start; none was attempted.
    p.find("[data-test=job] li[data-state=not-attempted]").await;
    p.screenshot("23-job-failed").await;
    // Reloading shows the same job where it stands.
    p.open(&job).await;
    p.find("[data-test=job][data-result=failed]").await;
    // The design's page lists the apply, failed, with what stopped it.
    p.click("a[href$='/operate']").await;
    p.wait_path(|x| x.ends_with("/operate")).await;
    p.find("[data-test=deployments] tr[data-result=failed]")
        .await;
    // Nothing was applied, so nothing is live there and nothing drifts.
    p.wait_text("[data-test=live]", "Nothing is live").await;

    // The viewer: the same engine, a check on demand, no way to change anything.
    let v = driver.browser().await;
    let pv = Page::new(&v, &base);
    pv.sign_in("vic", "vic password 2026").await;
    pv.open("/engines").await;
    pv.find("[data-engine=local] [data-state=reachable]").await;
    pv.click("[data-engine=local] [data-test=check]").await;
    pv.find("[data-engine=local] [data-state=reachable]").await;
    for control in [
        "[data-test=add-engine]",
        "[data-test=edit]",
        "[data-test=remove]",
    ] {
        assert!(
            v.find(Locator::Css(control)).await.is_err(),
            "a viewer sees {control}"
        );
    }
    pv.screenshot("21-engines-viewer").await;
    v.close().await.unwrap();
    c.close().await.unwrap();
}
