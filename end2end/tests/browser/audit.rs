//! The audit view in a real browser, on what the operating loop (operations.rs) recorded on
//! the live engine: the design's timeline tells the apply, the verify and the drift in order;
//! the filter form narrows the view by engine and action and the address holds it; the CSV
//! export of that view reads back as the same entries.

use crate::harness::Page;
use serde_json::json;

/// Run by the operating-loop test once it has applied, verified and seen drift on `local`
/// (design 1); `p` is signed in.
pub async fn the_story_of_the_loop(p: &Page<'_>) {
    p.open("/audit?design=1").await;
    let steps = p
        .wait_text("[data-test=timeline]", "drift detected on local")
        .await;
    let at = |needle: &str| {
        steps
            .find(needle)
            .unwrap_or_else(|| panic!("the timeline misses {needle:?}: {steps}"))
    };
    assert!(
        at("applied to local by ann") < at("verified ") && at("verified ") < at("drift detected"),
        "out of order: {steps}"
    );
    p.screenshot("30-audit-timeline").await;

    // And what the firewall did since the apply, from the same view.
    p.hydrated().await;
    p.click("[data-test=firewall-since] [data-test=show-firewall-since]")
        .await;
    p.wait_text(
        "[data-test=firewall-since] [data-firewall-since=local] [data-test=top-blocked]",
        "zone app isolated",
    )
    .await;

    // Narrow the view by engine and action through the form; the address holds the view.
    let form = "form[data-test=audit-filter]";
    p.set_value(&format!("{form} select[name=engine]"), "local")
        .await;
    p.set_value(&format!("{form} select[name=action]"), "engine-apply")
        .await;
    p.click(&format!("{form} [data-test=apply-filter]")).await;
    let path = p
        .wait_path(|x| x.contains("engine=local") && x.contains("action=engine-apply"))
        .await;
    p.hydrated().await;
    let rows = p
        .c
        .execute(
            "return [...document.querySelectorAll('[data-test=audit-list] tbody tr')].map(r => r.dataset.action)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows, json!(["engine-apply"]), "{path}");

    // The export of that view, fetched as the browser downloads it, reads back the same.
    let href = p
        .find("[data-test=export-csv]")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("the export link has an address");
    assert!(
        href.contains("engine=local") && href.contains("format=csv"),
        "{href}"
    );
    let text =
        p.c.execute(
            "return fetch(arguments[0]).then(r => r.ok ? r.text() : 'HTTP ' + r.status)",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let text = text.as_str().unwrap_or_default();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "{text}");
    let r = &records[0];
    assert_eq!(&r[column("action")], "engine-apply");
    assert_eq!(&r[column("target")], "local");
    assert_eq!(&r[column("actor_name")], "ann");
    assert_eq!(r[column("hash")].len(), 64, "{text}");
    // An approver reads no client addresses.
    assert_eq!(&r[column("address")], "");

    // The entry in full, from its row.
    p.click("[data-test=audit-list] tbody tr a").await;
    p.wait_path(|x| x.starts_with("/audit/")).await;
    p.wait_text("[data-test=entry-action]", "engine-apply")
        .await;
    p.find("[data-test=entry-chain] li[data-ok=true]").await;
    p.wait_text("[data-test=entry-details]", "\"plan_hash\"")
        .await;
    p.screenshot("31-audit-entry").await;
}

/// An admin forwards the audit log to a file from the forwarding page: the destination
/// shows its status, gets the entries written after it, and answers a test.
#[tokio::test]
async fn forwarding_from_the_admin_page() {
    let (base, dir) = crate::harness::start_app_with(&[("ada", app::model::Role::Admin)]).await;
    let mut driver = crate::harness::Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    p.open("/admin/forwarding").await;
    p.hydrated().await;
    p.wait_text("[data-test=no-forwarder]", "not forwarded")
        .await;
    let file = dir.path().join("audit.jsonl");
    let form = "form[data-test=add-forwarder]";
    p.set_value(&format!("{form} select[name=kind]"), "file")
        .await;
    // A path that is refused keeps the form and says what to write.
    p.fill(&format!("{form} input[name=target]"), "audit.jsonl")
        .await;
    p.click(&format!("{form} button[type=submit]")).await;
    p.wait_text("[role=alert]", "not an absolute path").await;
    p.fill(
        &format!("{form} input[name=target]"),
        file.to_str().unwrap(),
    )
    .await;
    p.click(&format!("{form} button[type=submit]")).await;
    let card = "[data-forwarder='1']";
    p.find(card).await;
    // Its own addition is the first entry it gets.
    for _ in 0..50 {
        p.click("[data-test=refresh]").await;
        if p.find(card)
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref()
            == Some("up to date")
            && std::fs::read_to_string(&file).is_ok_and(|t| t.contains("audit-forward-add"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    p.wait_text(
        &format!("{card} [data-test=status]"),
        "up to date: 1 entry delivered",
    )
    .await;
    p.click(&format!("{card} [data-test=test]")).await;
    p.wait_text("[data-test=test-outcome]", "can be written")
        .await;
    p.screenshot("32-audit-forwarding").await;
}
