//! Starting chromedriver, the application and browser sessions, and waiting for conditions.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use server::{Application, Config};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where screenshots go (kept as test artifacts).
pub fn artifacts() -> PathBuf {
    let dir = workspace().join("end2end/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A chromedriver process, stopped when dropped, and the browser sessions it serves.
pub struct Driver {
    child: Child,
    url: String,
    profiles: Vec<tempfile::TempDir>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver; fails loudly when Chromium or its driver is missing.
    pub async fn start() -> Driver {
        for (bin, pkg) in [("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver")] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: the browser tests need Debian's {pkg}; run scripts/setup.sh"
            );
        }
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Driver {
            child,
            url,
            profiles: Vec::new(),
        }
    }

    /// A fresh headless browser with its own profile (cookies are not shared).
    pub async fn browser(&mut self) -> Client {
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1360,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        self.profiles.push(profile);
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session starts")
    }
}

/// Starts the application on a free port with a fresh database; returns its base URL.
pub async fn start_app() -> (String, tempfile::TempDir) {
    let site = std::env::var("BULKHEAD_SITE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join("target/site"));
    assert!(
        site.join("pkg/bulkhead.wasm").is_file(),
        "the front end is not built in {}: run `cargo leptos build` first (make test does)",
        site.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.site_root = site;
    let app = Application::build(config).await.expect("the app starts");
    let base = format!("http://{}", app.addr());
    tokio::spawn(app.run_until_stopped());
    (base, dir)
}

/// Page helpers over a browser session.
pub struct Page<'a> {
    pub c: &'a Client,
    pub base: &'a str,
}

impl<'a> Page<'a> {
    pub fn new(c: &'a Client, base: &'a str) -> Self {
        Page { c, base }
    }

    /// Opens a path and waits until the page is interactive.
    pub async fn open(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.hydrated().await;
    }

    pub async fn hydrated(&self) {
        let waited = self
            .c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("body[data-hydrated='true']"))
            .await;
        if waited.is_err() {
            let url = self.c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let loaded = self
                .c
                .execute(
                    "return performance.getEntries().map(e => e.name + ' ' + (e.responseStatus || ''))",
                    vec![],
                )
                .await
                .unwrap_or_default();
            panic!("the page {url} did not hydrate; resources loaded: {loaded}");
        }
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await
                && let Ok(t) = e.text().await
                && t.contains(needle)
            {
                return t;
            }
            assert!(Instant::now() < deadline, "{css} never showed {needle:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the path (and query) of the current URL satisfies `ok`.
    pub async fn wait_path(&self, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.c.current_url().await.unwrap();
            let path = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            };
            if ok(&path) {
                return path;
            }
            assert!(Instant::now() < deadline, "stuck at {path}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sets a text area's value as if typed, through the input event the page listens to.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }
}
