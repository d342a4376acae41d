//! The path through the host in the designer: with the three-tier template's protections
//! off, `api` reaches `lb`'s published port through the host although they share no zone
//! (a hatched cell, explained in the legend), `frontend` reaches it both ways, and the
//! internal-only `postgres` not at all; turning `host.protect_published` back on closes it.

use crate::designer::new_design;
use crate::harness::{Driver, Page, start_app_with};
use app::model::Role;

#[tokio::test]
async fn designer_shows_published_ports_reached_through_the_host() {
    let (base, _dir) = start_app_with(&[("ada", Role::Admin)]).await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    new_design(&p, "pub", "three-tier").await;

    // The template closes the path: protect_host and protect_published are both on.
    p.wait_cell("api", "lb", "cell-denied").await;
    p.click("[data-field='host.protect_host']").await;
    p.wait_cell("api", "lb", "cell-denied").await;
    p.click("[data-field='host.protect_published']").await;
    p.wait_cell("api", "lb", "cell-via-host").await;
    p.wait_cell("postgres", "lb", "cell-denied").await;
    p.wait_cell("frontend", "lb", "cell-any").await;
    let both = p
        .find("td[data-from='frontend'][data-to='lb']")
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(both.contains("cell-host"), "{both}");
    let legend = p
        .find(".matrix-panel .legend.cell-via-host")
        .await
        .attr("title")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(legend.contains("whatever its zones"), "{legend}");
    p.screenshot("60-designer-via-host").await;

    // Closed again: the hatched cell goes.
    p.click("[data-field='host.protect_published']").await;
    p.wait_cell("api", "lb", "cell-denied").await;
    c.close().await.unwrap();
}
