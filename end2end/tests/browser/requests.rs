//! Team review in a real browser, on this host's engine: an editor proposes a revision in a
//! change request; an approver comments on a flow and requests changes; the editor pushes a
//! new revision, which dismisses that review; the approver approves, applies and verifies,
//! and the verify is attached to the request; a viewer sees all of it and can only comment.

use app::model::Role;
use fantoccini::Locator;
use server::engine::{DockerEngine, PROBE_IMAGE};

use crate::harness::{Driver, Page, start_app_seeded};

fn document(name: &str, memory: &str) -> String {
    let hardening = format!(
        "{{ cap_drop: [ALL], no_new_privileges: true, read_only: true, memory: {memory}, pids_limit: 64 }}"
    );
    format!(
        "bulkhead: 1\nname: {name}\nzones:\n  app: {{ trust: internal, isolated: true, subnet: 172.49.7.0/24 }}\n\
         services:\n  web:\n    image: {PROBE_IMAGE}\n    zones: [app]\n    hardening: {hardening}\n    \
         compose: {{ command: [httpd, -f, -p, \"0.0.0.0:80\", -h, /] }}\n  client:\n    image: {PROBE_IMAGE}\n    \
         zones: [app]\n    hardening: {hardening}\n    compose: {{ command: [sleep, \"3600\"] }}\n\
         flows:\n  - {{ from: client, to: web, ports: [tcp/80] }}\n"
    )
}

/// Takes the design off the engine whatever happens to the test.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let label = format!("label=io.bulkhead.design={}", self.0);
        let run = |args: &[&str]| {
            std::process::Command::new("docker")
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
        };
        for id in run(&["ps", "-aq", "--filter", &label]).split_whitespace() {
            run(&["rm", "-f", id]);
        }
        for id in run(&["network", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["network", "rm", id]);
        }
        let name = design::model::DesignName::parse(&self.0).unwrap();
        let chain = design::compile::chain_name(&name);
        while std::process::Command::new("iptables")
            .args(["-w", "-D", "DOCKER-USER", "-j", &chain])
            .output()
            .is_ok_and(|o| o.status.success())
        {}
        for flag in ["-F", "-X"] {
            let _ = std::process::Command::new("iptables")
                .args(["-w", flag, &chain])
                .output();
        }
    }
}

#[tokio::test]
async fn a_change_goes_from_proposal_to_verified_in_the_browser() {
    let _engine = crate::harness::ENGINE.lock().await;
    DockerEngine::connect()
        .await
        .expect("the local engine answers")
        .ensure_probe_image()
        .await
        .unwrap();
    let name = format!("review{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (first, second) = (document(&name, "64m"), document(&name, "48m"));
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
            let local = server::store::engines::EngineFields {
                name: "local".into(),
                endpoint: "unix:///var/run/docker.sock".into(),
                tls_ca: None,
                tls_cert: None,
                tls_key: None,
                note: String::new(),
                approvals_required: 1,
            };
            server::store::engines::insert(&mut conn, &local, None)
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
