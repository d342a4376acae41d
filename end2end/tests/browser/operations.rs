//! The operating loop in a real browser, on this host's engine: an approver plans a design
//! (with its reachability delta), applies it and watches the job end, verifies it and reads
//! the report's matrices, sees a container moved by hand as drift at the next check, and
//! quarantines and releases a container from the engine's page, reads the story in the audit
//! view; a viewer sees all of it and can press none of it.

use app::model::Role;
use fantoccini::Locator;

use crate::fixtures::{Cleanup, document, local_engine};
use crate::harness::{Driver, Page, start_app_seeded};

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

#[tokio::test]
async fn apply_verify_drift_and_quarantine_from_the_browser() {
    let _engine = crate::harness::ENGINE.lock().await;
    crate::fixtures::probe_image().await;
    let name = format!("loop{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let doc = document(&name, "172.49.5.0/24", "64m");
    let seeded = name.clone();
    let (base, _dir) = start_app_seeded(
        &[("ann", Role::Approver), ("vic", Role::Viewer)],
        |db| async move {
            let mut conn = db.write.acquire().await.unwrap();
            server::store::designs::create(&mut conn, &seeded, &doc, 1, "seeded")
                .await
                .unwrap();
            server::store::engines::insert(&mut conn, &local_engine(0), None)
                .await
                .unwrap();
        },
    )
    .await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ann", "ann password 2026").await;

    // Plan: the changes and who would reach whom that nobody reaches now.
    p.open("/designs/1/operate").await;
    p.hydrated().await;
    p.wait_text("[data-test=live]", "Nothing is live").await;
    p.click("form[data-test=plan-form] [data-test=plan]").await;
    p.wait_text(
        "[data-test=plan-view] [data-test=summary]",
        "change(s) on local",
    )
    .await;
    p.wait_text("[data-test=delta] li.gained", "client → web")
        .await;
    p.screenshot("24-plan-delta").await;

    // Apply, and watch the job to its end.
    p.click("[data-test=apply]").await;
    let job = p.wait_path(|x| x.starts_with("/jobs/")).await;
    // Reloaded at once (while it runs, on this engine usually): the same job, followed to
    // its end.
    p.open(&job).await;
    p.wait_text("h1", &format!("apply of {name} r1 by ann"))
        .await;
    p.find("[data-test=job][data-result=applied]").await;

    // Verify: a job, then the report with both matrices.
    p.open("/designs/1/operate").await;
    p.hydrated().await;
    p.find(&format!("[data-live='{name}@local']")).await;
    p.click("[data-test=live] [data-test=verify]").await;
    p.wait_path(|x| x.starts_with("/jobs/")).await;
    p.find("[data-test=job][data-result=passed]").await;
    p.click("[data-test=report]").await;
    p.wait_path(|x| x.starts_with("/verifications/")).await;
    p.find("[data-test=verification][data-passed=true]").await;
    p.wait_text(
        "table[data-test=observed] [data-cell='client>web']",
        "tcp/80",
    )
    .await;
    p.find("table[data-test=predicted]").await;
    p.screenshot("25-verify-report").await;

    // What the firewall did: verify's probes went through the flow's rule, and those that
    // must not pass were stopped by the zone's drop, read from the host in the panel.
    p.open("/designs/1/operate").await;
    p.hydrated().await;
    p.click("[data-test=live] [data-test=show-counters]").await;
    let flow = p.find("[data-test=counters] tr[data-flow='0']").await;
    let packets: u64 = flow
        .attr("data-packets")
        .await
        .unwrap()
        .unwrap_or_default()
        .parse()
        .unwrap();
    assert!(packets > 0, "the flow's rule counted nothing");
    p.wait_text(
        "[data-test=counters] [data-test=top-blocked]",
        "zone app isolated",
    )
    .await;
    p.screenshot("25b-firewall-counters").await;

    // The same counts on the canvas: the flow's arrow and the zone whose isolation stopped
    // the probes carry badges.
    p.open("/designs/1").await;
    p.hydrated().await;
    p.click("[data-test=show-hits]").await;
    p.set_value("[data-test=hits-engine]", "1").await;
    p.wait_text("[data-test=hits-from]", "r1 on local").await;
    let on_canvas: u64 = p
        .find("g[data-flow='0'] [data-flow-hits]")
        .await
        .attr("data-flow-hits")
        .await
        .unwrap()
        .unwrap_or_default()
        .parse()
        .unwrap();
    assert!(
        on_canvas >= packets,
        "{on_canvas} on the canvas, {packets} in the panel"
    );
    p.wait_text("[data-zone='app'] .hits-blocked", "pkt").await;
    p.screenshot("25c-counts-on-the-canvas").await;

    // A container moved by hand is drift at the next check.
    let client = format!("{name}-client-1");
    let network = format!("{name}_app");
    docker(&["network", "disconnect", &network, &client]);
    p.open("/designs/1/operate").await;
    p.hydrated().await;
    p.click("[data-test=live] [data-test=check-drift]").await;
    p.wait_text(
        "[data-test=live] [data-test=drift][data-state=drifting]",
        "drifting",
    )
    .await;
    p.screenshot("26-drift").await;

    // Quarantine and release from the engine's page.
    let web = format!("{name}-web-1");
    p.open("/engines/1").await;
    p.hydrated().await;
    let row = format!("tr[data-container='{web}']");
    let reason = format!("{row} input[name=reason]");
    // The list is read from the engine after the page hydrates: fill the field once it stays.
    for _ in 0..20 {
        p.fill(&reason, "odd traffic").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        if p.value(&reason).await == "odd traffic" {
            break;
        }
    }
    p.click(&format!("{row} [data-test=quarantine]")).await;
    p.find(&format!(
        "tr[data-container='{web}'][data-quarantined=true]"
    ))
    .await;
    assert_eq!(
        docker(&["inspect", "-f", "{{len .NetworkSettings.Networks}}", &web]),
        "0"
    );
    p.screenshot("27-quarantined").await;
    p.click(&format!("{row} [data-test=release]")).await;
    p.find(&format!(
        "tr[data-container='{web}'][data-quarantined=false]"
    ))
    .await;
    assert_eq!(
        docker(&["inspect", "-f", "{{len .NetworkSettings.Networks}}", &web]),
        "1"
    );

    // The history: revision 1 against what is live on local (itself), and against nothing.
    p.open("/designs/1/history").await;
    p.hydrated().await;
    p.find("[data-test=revisions] tr[data-revision='1']").await;
    p.click("form[data-test=compare-form] [data-test=compare]")
        .await;
    p.wait_text(
        "[data-test=diff] [data-view=reachability] li.gained",
        "client → web",
    )
    .await;
    p.click("[data-test=diff] [data-tab=yaml]").await;
    p.wait_text("[data-test=diff] [data-view=yaml]", "client:")
        .await;
    p.screenshot("29-history-diff").await;

    // The audit view tells the story of all this.
    crate::audit::the_story_of_the_loop(&p).await;

    // The viewer sees the same, and has nothing to press.
    let v = driver.browser().await;
    let pv = Page::new(&v, &base);
    pv.sign_in("vic", "vic password 2026").await;
    pv.open("/designs/1/operate").await;
    pv.hydrated().await;
    pv.find("[data-test=live] [data-test=drift][data-state=drifting]")
        .await;
    pv.find("[data-test=live] [data-test=verified][data-state=passed]")
        .await;
    for control in [
        "[data-test=plan]",
        "[data-test=verify]",
        "[data-test=destroy]",
    ] {
        assert!(
            v.find(Locator::Css(control)).await.is_err(),
            "a viewer sees {control}"
        );
    }
    pv.open("/engines/1").await;
    pv.hydrated().await;
    pv.find(&format!("tr[data-container='{web}']")).await;
    for control in [
        "[data-test=quarantine]",
        "[data-test=release]",
        "[data-test=import-engine]",
    ] {
        assert!(
            v.find(Locator::Css(control)).await.is_err(),
            "a viewer sees {control}"
        );
    }
    pv.screenshot("28-engine-viewer").await;
    v.close().await.unwrap();
    c.close().await.unwrap();
}
