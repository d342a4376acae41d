//! Team review in a real browser, on this host's engine: an editor proposes a revision in a
//! change request; an approver comments on a flow and requests changes; the editor pushes a
//! new revision, which dismisses that review; the approver approves, applies and verifies,
//! and the verify is attached to the request; a viewer sees all of it and can only comment.

use app::model::Role;
use fantoccini::Locator;

use crate::fixtures::{Cleanup, document, local_engine};
use crate::harness::{Driver, Page, start_app_seeded};

#[tokio::test]
async fn a_change_goes_from_proposal_to_verified_in_the_browser() {
    let _engine = crate::harness::ENGINE.lock().await;
    crate::fixtures::probe_image().await;
    let name = format!("review{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let subnet = "172.49.7.0/24";
    let (first, second) = (
        document(&name, subnet, "64m"),
        document(&name, subnet, "48m"),
    );
    let seeded = name.clone();
    let (base, _dir) = start_app_seeded(
        &[
            ("ed", Role::Editor),
            ("ann", Role::Approver),
            ("vic", Role::Viewer),
        ],
        |db| async move {
            let mut conn = db.write.acquire().await.unwrap();
            let id = server::store::designs::create(&mut conn, &seeded, &first, 1, "first")
                .await
                .unwrap();
            let d = server::store::designs::get(&mut conn, id)
                .await
                .unwrap()
                .unwrap();
            server::store::designs::append_revision(
                &mut conn,
                &d,
                &seeded,
                &second,
                "{}",
                1,
                "less memory",
            )
            .await
            .unwrap();
            server::store::engines::insert(&mut conn, &local_engine(1), None)
                .await
                .unwrap();
        },
    )
    .await;
    let mut driver = Driver::start().await;

    // The editor plans revision 1 and proposes it: no apply button here, a request instead.
    let e = driver.browser().await;
    let pe = Page::new(&e, &base);
    pe.sign_in("ed", "ed password 2026").await;
    pe.open("/designs/1/operate?rev=1").await;
    pe.hydrated().await;
    pe.click("form[data-test=plan-form] [data-test=plan]").await;
    pe.wait_text("[data-test=approval-policy]", "approved change request")
        .await;
    assert!(
        e.find(Locator::Css("[data-test=apply]")).await.is_err(),
        "a gated engine offers no direct apply"
    );
    pe.fill(
        "form[data-test=propose-form] input[name=title]",
        "Web and client",
    )
    .await;
    pe.click("form[data-test=propose-form] [data-test=propose]")
        .await;
    pe.wait_path(|x| x == "/requests/1").await;
    pe.find("[data-test=state][data-state=open]").await;
    pe.find("[data-test=plan-view]").await;
    pe.wait_text(
        "[data-test=diff] [data-view=reachability] li.gained",
        "client → web",
    )
    .await;
    pe.screenshot("30-request-opened").await;

    // The approver comments on the flow and requests changes.
    let a = driver.browser().await;
    let pa = Page::new(&a, &base);
    pa.sign_in("ann", "ann password 2026").await;
    pa.open("/requests/1").await;
    pa.hydrated().await;
    pa.fill(
        "form[data-test=comment-form] textarea[name=body]",
        "Is port 80 all it needs?",
    )
    .await;
    pa.set_value("form[data-test=comment-form] select[name=anchor]", "flow:0")
        .await;
    pa.click("form[data-test=comment-form] [data-test=comment]")
        .await;
    pa.wait_text(
        "[data-test=comments] [data-test=anchor]",
        "flow client -> web tcp/80",
    )
    .await;
    pa.fill(
        "[data-test=review-form] textarea[name=message]",
        "Keep the memory lower",
    )
    .await;
    pa.click("[data-test=review-form] [data-verdict=changes]")
        .await;
    pa.find("[data-test=state][data-state=changes-requested]")
        .await;

    // The anchor opens the designer with the flow selected.
    let href = pa
        .find("[data-test=comments] [data-test=anchor]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(href.ends_with("?rev=1&select=flow:0"), "{href}");

    // What revision 2 changed, marked on the canvas (from the history's link).
    pe.open("/designs/1/history").await;
    pe.hydrated().await;
    pe.click("tr[data-revision='2'] [data-test=canvas-compare]")
        .await;
    pe.wait_path(|x| x == "/designs/1?rev=2&compare=1").await;
    pe.hydrated().await;
    pe.wait_text("[data-test=compare-note]", "Compared with revision 1")
        .await;
    pe.find(".svc[data-service=web][data-mark=changed]").await;
    pe.find(".zone[data-zone=app]:not([data-mark=changed])")
        .await;

    // The editor pushes revision 2: the review is dismissed, the request open again.
    pe.open("/requests/1").await;
    pe.hydrated().await;
    pe.click("[data-test=push]").await;
    pe.find("[data-test=pushed] li[data-revision='2']").await;
    pe.find("[data-test=state][data-state=open]").await;
    pe.find("[data-test=reviews] li[data-dismissed=true]").await;

    // The approver approves what is proposed now, applies it and verifies it.
    pa.open("/requests/1").await;
    pa.hydrated().await;
    pa.click("[data-test=review-form] [data-verdict=approve]")
        .await;
    pa.find("[data-test=state][data-state=approved]").await;
    pa.screenshot("31-request-approved").await;
    pa.click("[data-test=apply-box] [data-test=apply]").await;
    pa.wait_path(|x| x.starts_with("/jobs/")).await;
    pa.find("[data-test=job][data-result=applied]").await;
    pa.open("/requests/1").await;
    pa.hydrated().await;
    pa.find("[data-test=state][data-state=applied]").await;
    pa.find("[data-test=deployment][data-result=applied]").await;
    pa.click("[data-test=deployment] [data-test=verify]").await;
    pa.wait_path(|x| x.starts_with("/jobs/")).await;
    pa.find("[data-test=job][data-result=passed]").await;
    pa.open("/requests/1").await;
    pa.hydrated().await;
    pa.find("[data-test=verification][data-passed=true]").await;
    pa.screenshot("32-request-verified").await;

    // The viewer sees everything and can only comment.
    let v = driver.browser().await;
    let pv = Page::new(&v, &base);
    pv.sign_in("vic", "vic password 2026").await;
    pv.open("/requests/1").await;
    pv.hydrated().await;
    pv.find("[data-test=state][data-state=applied]").await;
    pv.find("[data-test=verification][data-passed=true]").await;
    pv.find("[data-test=reviews] li[data-verdict=approve]")
        .await;
    pv.find("form[data-test=comment-form]").await;
    for control in [
        "[data-test=push]",
        "[data-test=replan]",
        "[data-test=review-form]",
        "[data-test=apply-box]",
        "[data-test=withdraw]",
        "[data-test=verify]",
    ] {
        assert!(
            v.find(Locator::Css(control)).await.is_err(),
            "a viewer sees {control}"
        );
    }
    pv.open("/requests").await;
    pv.hydrated().await;
    pv.open("/requests?all=1").await;
    pv.hydrated().await;
    pv.wait_text("[data-test=requests] tr[data-request='1']", "applied")
        .await;
    v.close().await.unwrap();
    a.close().await.unwrap();
    e.close().await.unwrap();
}
