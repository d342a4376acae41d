//! Designer figures for the closing note, measured in Chromium with `performance.now()`:
//! a 100-service design opened to interactive, one edit to the updated matrix, and the tab's
//! memory. Run after `scripts/build-release.sh` with
//! `BULKHEAD_SITE=target/site cargo run --release -p end2end --example designer-bench`.

#[path = "../tests/browser/harness.rs"]
#[allow(dead_code, reason = "the harness is shared with the browser tests")]
mod harness;

use app::model::Role;
use harness::{Driver, Page, start_app_with};
use serde_json::json;

fn hundred_services() -> String {
    let mut y = String::from("bulkhead: 1\nname: big\nzones:\n");
    for z in 0..10 {
        y += &format!(
            "  z{z}: {{ trust: internal{} }}\n",
            if z % 3 == 0 { ", isolated: true" } else { "" }
        );
    }
    y += "services:\n";
    for s in 0..100 {
        let zone = s % 10;
        let extra = if s % 7 == 0 {
            format!(", z{}", (zone + 1) % 10)
        } else {
            String::new()
        };
        y += &format!("  s{s}: {{ image: busybox:1, zones: [z{zone}{extra}] }}\n");
    }
    y += "flows:\n";
    for s in (0..100).step_by(3) {
        y += &format!(
            "  - {{ from: s{s}, to: s{}, ports: [tcp/80] }}\n",
            (s + 10) % 100
        );
    }
    y
}

#[tokio::main]
async fn main() {
    let (base, _dir) = start_app_with(&[("ada", Role::Admin)]).await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    p.open("/designs").await;
    p.fill("form[data-test=create-design] input[name=name]", "big")
        .await;
    p.find("form[data-test=create-design] select[name=template]")
        .await
        .select_by_value("")
        .await
        .unwrap();
    p.click("form[data-test=create-design] button[type=submit]")
        .await;
    let path = p.wait_path(|x| x.starts_with("/designs/")).await;
    p.hydrated().await;
    p.click("[data-test=tab-yaml]").await;
    p.set_value("[data-test=document]", &hundred_services())
        .await;
    p.click("[data-test=tab-canvas]").await;
    p.wait_text("[data-test=save-blocked]", "").await;
    p.click("[data-test=save]").await;
    p.wait_text("[data-test=revision]", "revision 2").await;

    let mut open_ms = Vec::new();
    for _ in 0..5 {
        p.open(&path).await;
        p.find("td[data-from='s99'][data-to='s0']").await;
        let ms = p
            .find("body")
            .await
            .attr("data-hydrated-ms")
            .await
            .unwrap()
            .unwrap();
        open_ms.push(ms.parse::<f64>().unwrap());
    }
    // One edit (undo/redo of a move) to the next frame, where the matrix is up to date.
    p.drag(
        ".svc[data-service='s1']",
        "[data-zone='z5'] .zone-head",
        0.0,
        0.0,
        false,
    )
    .await;
    let mut edit_ms = Vec::new();
    let mut analysis_ms = Vec::new();
    for i in 0..20 {
        let button = if i % 2 == 0 {
            "[data-test=undo]"
        } else {
            "[data-test=redo]"
        };
        // From the click to the last change the edit makes to the page (matrix, cards,
        // checks), seen by a MutationObserver; the page is quiet again well within 400 ms.
        let t = c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 const b = document.querySelector(arguments[0]);\
                 const root = document.querySelector('[data-test=designer]');\
                 let last = 0;\
                 const obs = new MutationObserver(() => { last = performance.now(); });\
                 obs.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });\
                 const t0 = performance.now(); b.click();\
                 setTimeout(() => { obs.disconnect(); done(last - t0); }, 400);",
                vec![json!(button)],
            )
            .await
            .unwrap();
        edit_ms.push(t.as_f64().unwrap());
        let a = p
            .find("[data-test=designer]")
            .await
            .attr("data-analysis-us")
            .await
            .unwrap()
            .unwrap();
        analysis_ms.push(a.parse::<f64>().unwrap() / 1000.0);
    }
    let heap = c
        .execute(
            "return performance.memory ? performance.memory.usedJSHeapSize : null",
            vec![],
        )
        .await
        .unwrap();
    let renderer_rss_kib: u64 = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            std::fs::read_to_string(e.path().join("cmdline"))
                .ok()
                .map(|c| (e.path(), c))
        })
        .filter(|(_, c)| c.contains("--type=renderer") && c.contains("chromium"))
        .filter_map(|(p, _)| std::fs::read_to_string(p.join("status")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .map(str::to_string)
        })
        .filter_map(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0);
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "100-service design, open to interactive (navigation start to hydrated), median of 5: {:.0} ms",
        med(&mut open_ms)
    );
    println!(
        "one edit to the last DOM change (matrix, cards, checks), median of 20: {:.1} ms (max {:.1})",
        med(&mut edit_ms.clone()),
        edit_ms.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "analysis alone (validate + reachability + findings + matrix), median: {:.2} ms",
        med(&mut analysis_ms)
    );
    println!(
        "JS heap used: {:.1} MB; largest renderer RSS: {:.0} MB",
        heap.as_f64().unwrap_or(0.0) / 1e6,
        renderer_rss_kib as f64 / 1024.0
    );
    c.close().await.unwrap();
}
