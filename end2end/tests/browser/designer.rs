use crate::harness::{Driver, Page, start_app_with};
use app::model::Role;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

/// Creates a design from the designs page and opens it in the designer.
pub(crate) async fn new_design(p: &Page<'_>, name: &str, template: &str) -> String {
    p.open("/designs").await;
    p.fill("form[data-test=create-design] input[name=name]", name)
        .await;
    p.find("form[data-test=create-design] select[name=template]")
        .await
        .select_by_value(template)
        .await
        .unwrap();
    p.click("form[data-test=create-design] button[type=submit]")
        .await;
    let path = p.wait_path(|x| x.starts_with("/designs/")).await;
    p.find("[data-test=designer]").await;
    p.hydrated().await;
    path
}

async fn rename_selected(p: &Page<'_>, field: &str, name: &str) {
    let input = p.find(&format!("[data-field={field}]")).await;
    input.clear().await.unwrap();
    input
        .send_keys(&format!("{name}{}", enter()))
        .await
        .unwrap();
}

/// Drops a new service into `zone`: it asks for its image (the field takes the focus, empty,
/// and Checks says the image is missing) rather than defaulting to a floating tag.
async fn add_service(p: &Page<'_>, zone: &str, name: &str, image: &str) {
    p.drag(
        "[data-palette=service]",
        &format!("[data-zone='{zone}']"),
        0.0,
        30.0,
        false,
    )
    .await;
    let image_field = "[data-test=panel] input[data-field$='.image']";
    p.wait_focus(image_field).await;
    assert_eq!(p.value(image_field).await, "");
    p.wait_text("[data-test=problems]", "has no image").await;
    rename_selected(p, "service-name", name).await;
    p.find(&format!(".svc[data-service='{name}']")).await;
    p.fill(&format!("[data-field='services.{name}.image']"), image)
        .await;
}

async fn add_flow(p: &Page<'_>, from: &str, from_zone: &str, to: &str, ports: &str) {
    p.drag(
        &format!(".svc[data-service='{from}'][data-card-zone='{from_zone}'] .flow-handle"),
        &format!(".svc[data-service='{to}']"),
        0.0,
        0.0,
        false,
    )
    .await;
    p.fill("[data-test=pending-ports]", ports).await;
    p.click("[data-test=pending-ok]").await;
}

/// The three-tier design built on a blank design with the pointer alone: zones dragged from
/// the palette, services dropped into zones, two gateways made by Shift-dragging, flows drawn
/// from card handles; saved, reloaded, the same design comes back and checks clean.
#[tokio::test]
async fn designer_builds_three_tier_by_drag_and_drop() {
    let (base, _dir) = start_app_with(&[("ada", Role::Admin)]).await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    let path = new_design(&p, "dnd", "").await;

    // A new design protects the host; the zones may still reach the ports typed here.
    let protect = p.find("[data-field='host.protect_host']").await;
    assert_eq!(
        protect.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    // And its published ports from the zones (reached through the host only along flows
    // via the host).
    let published = p.find("[data-field='host.protect_published']").await;
    assert_eq!(
        published.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    rename_selected(&p, "'host.host_ports'", "udp/53").await;

    for (trust, name, dx, dy) in [
        ("public", "public-dmz", -330.0, -230.0),
        ("internal", "application-tier", 70.0, -230.0),
        ("vault", "database-tier", -330.0, 60.0),
    ] {
        p.drag(
            &format!("[data-palette=zone-{trust}]"),
            "[data-test=canvas]",
            dx,
            dy,
            false,
        )
        .await;
        rename_selected(&p, "zone-name", name).await;
        p.find(&format!("[data-zone='{name}']")).await;
    }
    p.click("[data-field='zones.database-tier.isolated']").await;

    add_service(&p, "public-dmz", "lb", "nginx:1.27").await;
    add_service(&p, "public-dmz", "frontend", "my-frontend").await;
    add_service(&p, "application-tier", "api", "my-api").await;
    add_service(&p, "database-tier", "postgres", "postgres:15").await;
    add_service(&p, "database-tier", "cache", "redis:7").await;

    // Shift-drop: the service also joins the zone (a gateway).
    p.drag(
        ".svc[data-service='frontend']",
        "[data-zone='application-tier']",
        0.0,
        60.0,
        true,
    )
    .await;
    p.find(".svc[data-service='frontend'][data-card-zone='application-tier']")
        .await;
    p.drag(
        ".svc[data-service='api']",
        "[data-zone='database-tier'] .zone-head",
        0.0,
        0.0,
        true,
    )
    .await;
    p.find(".svc[data-service='api'][data-card-zone='database-tier']")
        .await;

    add_flow(&p, "api", "database-tier", "postgres", "tcp/5432").await;
    add_flow(&p, "api", "database-tier", "cache", "tcp/6379").await;
    p.find("g.flow[data-flow='1']").await;
    p.wait_cell("api", "postgres", "cell-ports").await;
    p.wait_cell("postgres", "cache", "cell-denied").await;
    p.wait_cell("frontend", "postgres", "cell-denied").await;
    p.screenshot("10-designer-three-tier").await;

    p.fill(
        "form[data-test=save-form] input[name=message]",
        "built by drag and drop",
    )
    .await;
    p.click("[data-test=save]").await;
    p.wait_text("[data-test=revision]", "revision 2").await;

    // Reload: the same design comes back, and it checks clean.
    p.open(&path).await;
    p.wait_text("[data-test=revision]", "revision 2").await;
    let yaml = p.yaml().await;
    let raw = design::parse_document(&yaml).expect("the saved revision parses");
    let zones: Vec<_> = raw
        .zones
        .iter()
        .map(|(k, z)| (k.clone(), z.trust.as_str()))
        .collect();
    assert_eq!(
        zones,
        [
            ("public-dmz".into(), "public"),
            ("application-tier".into(), "internal"),
            ("database-tier".into(), "vault")
        ]
    );
    assert!(raw.zones.get("database-tier").unwrap().isolated);
    let host = raw.host.as_ref().expect("a host policy");
    assert!(host.protect_host && host.protect_published);
    assert_eq!(
        host.host_ports
            .iter()
            .flatten()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
        ["udp/53"]
    );
    let member = |s: &str| {
        raw.services
            .get(s)
            .unwrap()
            .zones
            .0
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(member("frontend"), ["public-dmz", "application-tier"]);
    assert_eq!(member("api"), ["application-tier", "database-tier"]);
    assert_eq!(member("postgres"), ["database-tier"]);
    assert_eq!(
        raw.services.get("lb").unwrap().image.as_deref(),
        Some("nginx:1.27")
    );
    let flows: Vec<_> = raw
        .flows
        .iter()
        .map(|f| {
            (
                f.from.as_str(),
                f.to.as_str(),
                f.ports.as_ref().unwrap()[0].as_str(),
            )
        })
        .collect();
    assert_eq!(
        flows,
        [
            ("api", "postgres", "tcp/5432"),
            ("api", "cache", "tcp/6379")
        ]
    );
    let report = design::report::CheckReport::new(&raw);
    assert!(report.is_valid(), "{}", design::report::check_text(&report));
    assert_eq!(report.exit_code(false), 0);
    // A blank design starts hardened like the templates, so its services carry none of the
    // hardening findings.
    assert_eq!(
        raw.defaults.hardening,
        Some(design::templates::baseline_hardening())
    );
    let hardening_findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.path.contains(".hardening.") && !f.path.ends_with(".user"))
        .collect();
    assert!(hardening_findings.is_empty(), "{hardening_findings:#?}");

    // Exports: each menu entry downloads the saved revision compiled exactly as
    // `bulkhead export --format F --revision 2` prints it.
    let valid = design::check(&raw).unwrap();
    for (format, name, f) in [
        (
            "compose",
            "dnd.compose.yml",
            Some(design::compile::Format::Compose),
        ),
        (
            "iptables-script",
            "dnd.firewall.sh",
            Some(design::compile::Format::IptablesScript),
        ),
        (
            "iptables",
            "dnd.iptables.rules",
            Some(design::compile::Format::Iptables),
        ),
        (
            "nftables",
            "dnd.nft",
            Some(design::compile::Format::Nftables),
        ),
        ("design", "dnd.bulkhead.yml", None),
    ] {
        let link = p.find(&format!("a[data-export='{format}']")).await;
        let href = link.attr("href").await.unwrap().unwrap();
        assert!(link.attr("download").await.unwrap().is_some());
        let got = c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch(arguments[0]).then(r => Promise.all([r.text(), r.headers.get('content-disposition')])).then(done);",
                vec![json!(href)],
            )
            .await
            .unwrap();
        let want = match f {
            Some(f) => design::compile::compile(&valid, f, Some(2)),
            None => design::to_canonical_yaml(&raw),
        };
        assert_eq!(got[0].as_str().unwrap(), want, "{format}");
        assert!(
            got[1].as_str().unwrap().contains(name),
            "{format}: {}",
            got[1]
        );
    }

    // A finding selected: the panel shows what it concerns.
    p.click("[data-test=problems] li[data-code='floating-image-tag'] button")
        .await;
    p.find("[data-field='service-name']").await;
    p.screenshot("11-designer-finding-selected").await;

    // Importing a Compose file by upload replaces the canvas with its networks and services.
    let compose = tempfile::Builder::new().suffix(".yml").tempfile().unwrap();
    std::fs::write(
        compose.path(),
        "services:\n  web:\n    image: nginx:1.27\n    networks: [front, back]\n  db:\n    image: postgres:15\n    networks:\n      back:\n        ipv4_address: 10.9.0.10\n    cap_drop: [ALL]\nnetworks:\n  front: {}\n  back:\n    internal: true\n    ipam:\n      config:\n        - subnet: 10.9.0.0/24\n",
    )
    .unwrap();
    p.find("[data-test=import-compose]")
        .await
        .send_keys(compose.path().to_str().unwrap())
        .await
        .unwrap();
    p.find("[data-zone='front']").await;
    p.find("[data-zone='back']").await;
    p.find(".svc[data-service='web'][data-card-zone='back']")
        .await;
    p.find(".svc[data-service='db'][data-card-zone='back']")
        .await;
    let imported = design::parse_document(&p.yaml().await).unwrap();
    assert_eq!(imported.name, "dnd");
    assert!(imported.zones.get("back").unwrap().internal);
    assert_eq!(
        imported
            .services
            .get("db")
            .unwrap()
            .zones
            .0
            .get("back")
            .unwrap()
            .ipv4
            .as_deref(),
        Some("10.9.0.10")
    );
    c.close().await.unwrap();
}

/// Moving a service by dragging changes the matrix as the analysis predicts; undo and redo
/// restore the exact documents; the same edits by keyboard alone; an invalid subnet typed in
/// the panel is shown at the field and blocks saving; a viewer can change nothing.
#[tokio::test]
async fn designer_matrix_undo_keyboard_validation_and_viewer() {
    let (base, _dir) = start_app_with(&[("ada", Role::Admin), ("val", Role::Viewer)]).await;
    let mut driver = Driver::start().await;
    let c = driver.browser().await;
    let p = Page::new(&c, &base);
    p.sign_in("ada", "ada password 2026").await;
    let path = new_design(&p, "tt", "three-tier").await;

    // Drag cache from the data tier into the application tier.
    p.wait_cell("frontend", "cache", "cell-denied").await;
    p.wait_cell("api", "cache", "cell-ports").await;
    let before = p.yaml().await;
    p.drag(
        ".svc[data-service='cache']",
        "[data-zone='application-tier']",
        0.0,
        40.0,
        false,
    )
    .await;
    p.find(".svc[data-service='cache'][data-card-zone='application-tier']")
        .await;
    p.wait_cell("frontend", "cache", "cell-any").await;
    p.wait_cell("api", "cache", "cell-any").await;
    let moved = p.yaml().await;
    assert_ne!(before, moved);
    p.screenshot("12-designer-matrix").await;

    // Undo / redo restore the exact documents.
    p.click("[data-test=undo]").await;
    p.wait_cell("frontend", "cache", "cell-denied").await;
    assert_eq!(p.yaml().await, before);
    p.click("[data-test=redo]").await;
    p.wait_cell("frontend", "cache", "cell-any").await;
    assert_eq!(p.yaml().await, moved);
    c.execute(
        "document.querySelector('[data-zone=\"public-dmz\"]').focus()",
        vec![],
    )
    .await
    .unwrap();
    p.ctrl('z', false).await;
    p.wait_cell("frontend", "cache", "cell-denied").await;
    assert_eq!(p.yaml().await, before);
    c.execute(
        "document.querySelector('[data-zone=\"public-dmz\"]').focus()",
        vec![],
    )
    .await
    .unwrap();
    p.ctrl('z', true).await;
    p.wait_cell("frontend", "cache", "cell-any").await;

    // Keyboard alone: lb also joins application-tier (j), postgres moves (m), a flow (f).
    let focus = |css: &'static str| {
        let c = &c;
        async move {
            c.execute(
                "document.querySelector(arguments[0]).focus()",
                vec![json!(css)],
            )
            .await
            .unwrap();
        }
    };
    focus(".svc[data-service='lb']").await;
    p.keys("j").await;
    p.find("[data-test=pending-target]:focus").await;
    p.keys("app").await;
    p.keys(&format!("{}{}", char::from(Key::Tab), enter()))
        .await;
    p.find(".svc[data-service='lb'][data-card-zone='application-tier']")
        .await;
    focus(".svc[data-service='postgres']").await;
    p.keys("m").await;
    p.find("[data-test=pending-target]:focus").await;
    p.keys("app").await;
    p.keys(&format!("{}{}", char::from(Key::Tab), enter()))
        .await;
    p.find(".svc[data-service='postgres'][data-card-zone='application-tier']")
        .await;
    focus(".svc[data-service='frontend']").await;
    p.keys("f").await;
    p.find("[data-test=pending-target]:focus").await;
    p.keys("lb").await;
    p.keys(&char::from(Key::Tab).to_string()).await;
    p.keys(&format!("tcp/8080{}", enter())).await;
    p.find("g.flow[data-flow='2']").await;
    focus(".svc[data-service='lb'][data-card-zone='application-tier']").await;
    p.keys(&char::from(Key::Delete).to_string()).await;
    let yaml = p.yaml().await;
    let raw = design::parse_document(&yaml).unwrap();
    let member = |s: &str| {
        raw.services
            .get(s)
            .unwrap()
            .zones
            .0
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        member("lb"),
        ["public-dmz"],
        "Delete on the gateway card left that zone"
    );
    assert_eq!(member("postgres"), ["application-tier"]);
    let last = raw.flows.last().unwrap();
    assert_eq!((last.from.as_str(), last.to.as_str()), ("frontend", "lb"));
    assert_eq!(last.ports.as_ref().unwrap()[0].as_str(), "tcp/8080");

    // An invalid subnet: the message at the field, saving blocked.
    p.click("[data-zone='application-tier'] .zone-head").await;
    p.fill(
        "[data-field='zones.application-tier.subnet']",
        "10.0.0.300/24",
    )
    .await;
    let err = p
        .wait_text("[data-field-error='zones.application-tier.subnet']", "")
        .await;
    assert!(!err.is_empty());
    assert!(
        p.find("[data-test=save]")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .is_some()
    );
    p.screenshot("13-designer-invalid-subnet").await;
    p.fill(
        "[data-field='zones.application-tier.subnet']",
        "172.30.2.0/24",
    )
    .await;
    p.wait_text("[data-test=save-blocked]", "").await;

    // Accepting a finding: pick its code, give the reason a review will read.
    p.click(".svc[data-service='postgres']").await;
    p.find("[data-test=accepts]").await;
    p.c.execute(
        "const e = document.querySelector('[data-test=accept-code]'); e.value = arguments[0]; \
         e.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!("data-service-published")],
    )
    .await
    .unwrap();
    p.click("[data-test=accept-add]").await;
    p.fill(
        "[data-field='services.postgres.accept[0].reason']",
        "the DBA tunnel needs it until March",
    )
    .await;
    p.find("[data-accept='data-service-published']").await;
    let accepted = design::parse_document(&p.yaml().await).unwrap();
    let entry = &accepted.services.get("postgres").unwrap().accept[0];
    assert_eq!(entry.code, "data-service-published");
    assert_eq!(
        entry.reason.as_deref(),
        Some("the DBA tunnel needs it until March")
    );
    p.screenshot("14-designer-accepted-finding").await;

    // A viewer sees the design but no edit controls, and the server refuses a crafted save.
    let v = driver.browser().await;
    let pv = Page::new(&v, &base);
    pv.sign_in("val", "val password 2026").await;
    pv.open(&path).await;
    pv.find("[data-test=canvas] .svc").await;
    assert!(v.find(Locator::Css(".palette-item")).await.is_err());
    assert!(v.find(Locator::Css("[data-test=save-form]")).await.is_err());
    let id = path.trim_start_matches("/designs/");
    let status = v
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch('/api/save_design', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },\
               body: 'id=' + arguments[0] + '&base=1&document=x&message=m' }).then(r => done(r.status));",
            vec![json!(id)],
        )
        .await
        .unwrap();
    assert_eq!(status, json!(403));
    v.close().await.unwrap();
    c.close().await.unwrap();
}
