//! The history page of a design with 1,000 revisions, measured in Chromium: first contentful
//! paint and the end of the HTML's arrival, from the browser's own performance entries.
//! Run with `cargo run --release -p end2end --example history-paint` (any front end: the
//! page paints from the server's HTML before its WebAssembly arrives).

#[path = "../tests/browser/harness.rs"]
#[allow(dead_code, reason = "the harness is shared with the browser tests")]
mod harness;

use app::model::Role;
use harness::{Driver, Page, start_app_seeded};
use serde_json::json;

fn document(k: usize) -> String {
    let mut y =
        String::from("bulkhead: 1\nname: hist\nzones:\n  a: { trust: internal }\nservices:\n");
    for j in 0..20 {
        let tag = if j == k % 20 { k } else { 1 };
        y += &format!("  s{j}: {{ image: 'img{j}:{tag}', zones: [a] }}\n");
    }
    y
}

#[tokio::main]
async fn main() {
    let (base, _dir) = start_app_seeded(&[("ada", Role::Admin)], |db| async move {
        let mut conn = db.write.acquire().await.unwrap();
        let id = server::store::designs::create(&mut conn, "hist", &document(0), 1, "first")
            .await
            .unwrap();
        for k in 1..1000 {
            let d = server::store::designs::get(&mut conn, id)
                .await
                .unwrap()
                .unwrap();
            server::store::designs::append_revision(
                &mut conn,
                &d,
                "hist",
                &document(k),
                "{}",
                1,
                "step",
            )
            .await
            .unwrap();
        }
    })
    .await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    // Revisions seeded below the API have no summary yet: each read works out 100.
    for _ in 0..11 {
        p.open("/designs/1/history").await;
    }
    let mut paint = Vec::new();
    let mut html = Vec::new();
    for _ in 0..5 {
        p.open("/designs/1/history").await;
        p.find("[data-test=revisions] tr[data-revision='1']").await;
        let v = c
            .execute(
                "const nav = performance.getEntriesByType('navigation')[0]; \
                 const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint'); \
                 return [nav.responseEnd - nav.requestStart, fcp ? fcp.startTime - nav.requestStart : -1, \
                 document.querySelectorAll('[data-test=revisions] tr[data-revision]').length, \
                 document.querySelectorAll('[data-test=summary]').length];",
                vec![],
            )
            .await
            .unwrap();
        let v = v.as_array().unwrap().clone();
        html.push(v[0].as_f64().unwrap());
        paint.push(v[1].as_f64().unwrap());
        assert_eq!(v[2], json!(1000), "{v:?}");
        assert!(v[3].as_u64().unwrap() >= 1000, "{v:?}");
    }
    paint.sort_by(f64::total_cmp);
    html.sort_by(f64::total_cmp);
    println!(
        "history of 1,000 revisions in Chromium: first contentful paint median {:.0} ms (min {:.0}, max {:.0}); HTML in full after {:.0} ms median (5 loads)",
        paint[2], paint[0], paint[4], html[2]
    );
    c.close().await.unwrap();
}
