//! Hostile designs and requests against the real `bulkhead serve`: bombs, oversized and
//! over-limit designs, designs that would own the host, oversized requests and redirect
//! tricks. Each is refused with a clear error, nothing is written that should not be, and
//! the server process stays under 200 MB. The time each refusal took is printed (a figure
//! for the notes, not a pass mark).

use std::time::Instant;

use crate::served::Served;

/// The designs in `server/tests/hostile/` and the finding each export must name.
const HOST_OWNING: [(&str, &str); 8] = [
    ("root-mount.yaml", "sensitive-mount"),
    ("docker-socket.yaml", "docker-socket"),
    ("etc-by-dotdot.yaml", "sensitive-mount"),
    ("host-pid.yaml", "host-pid"),
    ("seccomp-unconfined.yaml", "profile-disabled"),
    ("devices.yaml", "host-devices"),
    ("privileged.yaml", "without a reason"),
    ("wide-subnet.yaml", "wide-subnet"),
];

fn alias_bomb() -> String {
    let items = vec!["0"; 200_000].join(",");
    let refs = vec!["*a"; 150_000].join(",");
    format!(
        "bulkhead: 1\nname: target\nservices:\n  a:\n    image: x:1\n    network: closed\n    compose: {{ x-a: &a [{items}], x-b: [{refs}] }}\n"
    )
}

fn deep_nesting() -> String {
    format!(
        "bulkhead: 1\nname: target\ndescription: {}\n",
        "[".repeat(200_000)
    )
}

fn too_many_flows() -> String {
    let flows: String = (0..5_001)
        .map(|i| {
            format!(
                "  - {{ from: a, to: b, ports: [tcp/{}] }}\n",
                i % 60_000 + 1
            )
        })
        .collect();
    format!(
        "bulkhead: 1\nname: target\nzones:\n  z: {{ trust: internal }}\nservices:\n  a: {{ image: 'x:1', zones: [z] }}\n  b: {{ image: 'x:1', zones: [z] }}\nflows:\n{flows}"
    )
}

fn exploding_flow() -> String {
    let services: String = (0..400)
        .map(|i| {
            format!(
                "  s{i}: {{ image: 'x:1', zones: [{}] }}\n",
                if i % 2 == 0 { "left" } else { "right" }
            )
        })
        .collect();
    let ports: Vec<String> = (1..=64).map(|p| format!("tcp/{p}")).collect();
    format!(
        "bulkhead: 1\nname: target\nzones:\n  left: {{ trust: internal, isolated: true, subnet: 10.70.0.0/22 }}\n  right: {{ trust: internal, isolated: true, subnet: 10.71.0.0/22 }}\nservices:\n{services}flows:\n  - {{ from: left, to: right, ports: [{}] }}\n",
        ports.join(", ")
    )
}

fn oversized() -> String {
    format!(
        "bulkhead: 1\nname: target\ndescription: \"{}\"\n",
        "x".repeat(1_100_000)
    )
}

/// Just under the size limit, no aliases, as many values as fit: the most a document can
/// make the YAML reader hold.
fn dense() -> String {
    format!(
        "bulkhead: 1\nname: target\ndescription: [{}]\n",
        vec!["0"; 480_000].join(",")
    )
}

struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    async fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn head(&self, id: &str) -> i64 {
        let (_, body) = self.post("get_design", &[("id", id)]).await;
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["head"]
            .as_i64()
            .unwrap()
    }
}

#[tokio::test]
async fn hostile_designs_and_requests_are_refused() {
    let served = Served::start();
    let s = Session {
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: served.base.clone(),
    };
    let (status, body) = s
        .post(
            "setup",
            &[
                ("token", &served.token),
                ("name", "root"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    println!(
        "signed up: server peak {} MB",
        served.peak_memory() / 1024 / 1024
    );
    let (status, body) = s
        .post(
            "create_design",
            &[("name", "target"), ("template", "three-tier")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].to_string();

    // Refused at saving: nothing is stored.
    let refused_at_saving: [(&str, String, &str); 5] = [
        (
            "alias bomb (850 KB, 3×10^10 values expanded)",
            alias_bomb(),
            "1000000",
        ),
        ("200 000 nested brackets", deep_nesting(), "does not parse"),
        ("5 001 flows", too_many_flows(), "limit of 5000"),
        (
            "a zone-to-zone flow expanding to 2.56 M rules",
            exploding_flow(),
            "100000",
        ),
        ("1.1 MB document", oversized(), "over the limit"),
    ];
    for (label, document, says) in &refused_at_saving {
        let started = Instant::now();
        let (status, body) = s
            .post(
                "save_design",
                &[
                    ("id", &id),
                    ("base", "1"),
                    ("document", document),
                    ("message", "hostile"),
                ],
            )
            .await;
        println!(
            "{label}: {status} in {:?}, server peak {} MB",
            started.elapsed(),
            served.peak_memory() / 1024 / 1024
        );
        assert!(status == 400 || status == 413, "{label}: {status} {body}");
        assert!(
            body.replace([',', ' '], "")
                .contains(&says.replace(' ', "")),
            "{label}: {body}"
        );
        assert_eq!(s.head(&id).await, 1, "{label} was stored");
    }
    // Four of the densest documents at once: they take turns, so memory stays bounded; one
    // whose turn comes too late is told the server is busy.
    let started = Instant::now();
    let dense = dense();
    let form = [
        ("id", id.as_str()),
        ("base", "1"),
        ("document", dense.as_str()),
        ("message", "dense"),
    ];
    let answers =
        futures_util::future::join_all((0..4).map(|_| s.post("save_design", &form))).await;
    for (status, body) in answers {
        assert!(status == 400 || status == 503, "{status} {body}");
    }
    println!(
        "four dense documents (1 MB, 480 000 values each) at once: 400 in {:?}, server peak {} MB",
        started.elapsed(),
        served.peak_memory() / 1024 / 1024
    );
    assert_eq!(s.head(&id).await, 1, "a dense document was stored");

    let started = Instant::now();
    let bomb = alias_bomb().replace("bulkhead: 1\nname: target\n", "");
    let (status, body) = s
        .post("import_compose", &[("text", &bomb), ("name", "imported")])
        .await;
    println!(
        "Compose import alias bomb: {status} in {:?}, server peak {} MB",
        started.elapsed(),
        served.peak_memory() / 1024 / 1024
    );
    assert_eq!(status, 400, "{body}");

    // Stored as drafts with their findings, but never exported as anything that runs.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    for (base, (file, says)) in (1..).zip(HOST_OWNING) {
        let document = std::fs::read_to_string(dir.join(file)).unwrap();
        let document =
            document.replace(&document.lines().nth(1).unwrap().to_owned(), "name: target");
        let (status, body) = s
            .post(
                "save_design",
                &[
                    ("id", &id),
                    ("base", &base.to_string()),
                    ("document", &document),
                    ("message", file),
                ],
            )
            .await;
        assert_eq!(status, 200, "{file}: {body}");
        for format in ["compose", "iptables", "iptables-script", "nftables"] {
            let started = Instant::now();
            let res = s.get(&format!("/designs/{id}/export/{format}")).await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            if format == "compose" {
                println!("{file} export: {status} in {:?}", started.elapsed());
            }
            assert_eq!(status, 409, "{file} {format}: {body}");
            assert!(body.contains(says), "{file} {format}: {body}");
        }
    }

    // Oversized requests and a password as long as a document. The server may close the
    // connection of a body it refused unread, so these go last and each on a connection of
    // its own.
    let huge = "x".repeat(5 * 1024 * 1024);
    let alone = || Session {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        base: served.base.clone(),
    };
    let (status, body) = alone().post("write_document", &[("model", &huge)]).await;
    assert!(status == 413, "{status} {body}");
    let (status, body) = alone()
        .post(
            "login",
            &[("name", "root"), ("password", &huge[..1024 * 1024])],
        )
        .await;
    assert!(status == 401 || status == 413, "{status} {body}");

    // Redirect tricks never send the browser to another site.
    for path in [
        "//evil.example/designs",
        "/\\evil.example",
        "/%5C%5Cevil.example",
        "/designs/..%2F..%2F%2Fevil.example",
        "/login?next=//evil.example",
    ] {
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = anonymous
            .get(format!("{}{path}", served.base))
            .send()
            .await
            .unwrap();
        if let Some(location) = res.headers().get("location") {
            let location = location.to_str().unwrap();
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.starts_with("/\\"),
                "{path} -> {location}"
            );
        }
    }

    let peak = served.peak_memory();
    println!("server peak memory: {} MB", peak / 1024 / 1024);
    assert!(
        peak < 200 * 1024 * 1024,
        "the server took {} MB",
        peak / 1024 / 1024
    );
}
