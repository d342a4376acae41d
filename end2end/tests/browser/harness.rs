//! Starting chromedriver, the application and browser sessions, and waiting for conditions.

use fantoccini::actions::{
    Actions, InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use server::{Application, Config};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

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
        // chromedriver leads its own process group, which the browsers it started join:
        // ending the group ends them too, also those of a test that failed before closing
        // its sessions (else they outlive the test run and load the machine).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver; fails loudly when Chromium or its driver is missing.
    pub async fn start() -> Driver {
        for (bin, pkg) in [
            ("/usr/bin/chromium", "chromium"),
            ("/usr/bin/chromedriver", "chromium-driver"),
        ] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: the browser tests need Debian's {pkg}; run scripts/setup.sh"
            );
        }
        // Port 0: chromedriver picks a free port itself and says which, so no other process
        // can take the port between our choosing it and chromedriver binding it.
        let mut child = Command::new("/usr/bin/chromedriver")
            .process_group(0)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().expect("chromedriver's output is piped");
        let port = tokio::task::spawn_blocking(move || {
            use std::io::BufRead;
            let mut lines = std::io::BufReader::new(stdout).lines();
            let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
                line.split("started successfully on port ")
                    .nth(1)
                    .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok())
            });
            // Keep reading so chromedriver never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            port
        });
        let port = tokio::time::timeout(WAIT, port)
            .await
            .expect("chromedriver said which port it listens on")
            .unwrap()
            .expect("chromedriver reported its port");
        let url = format!("http://127.0.0.1:{port}");
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
                    "--disable-sync", "--no-first-run", "--window-size=1400,1100",
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

/// Starts the application with these users (password = `{name} password 2026`) already in
/// its fresh database.
pub async fn start_app_with(users: &[(&str, app::model::Role)]) -> (String, tempfile::TempDir) {
    start_app_seeded(users, |_| async {}).await
}

/// [`start_app_with`], with `seed` run on the fresh database (after the users, before the
/// server starts).
pub async fn start_app_seeded<F, Fut>(
    users: &[(&str, app::model::Role)],
    seed: F,
) -> (String, tempfile::TempDir)
where
    F: FnOnce(server::db::Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = server::db::Db::open(&data).await.unwrap();
    for (name, role) in users {
        let hash = server::password::hash(format!("{name} password 2026").into())
            .await
            .unwrap();
        let mut conn = db.write.acquire().await.unwrap();
        server::store::users::insert(&mut conn, name, &hash, *role)
            .await
            .unwrap()
            .unwrap();
    }
    seed(db.clone()).await;
    db.write.close().await;
    db.read.close().await;
    (serve(dir.path().join("data")).await, dir)
}

/// Where `make test` builds the debug front end, apart from the release one in `target/site`.
pub const TEST_SITE: &str = "target/site-debug";

/// The built front end (`BULKHEAD_SITE`, or [`TEST_SITE`]); fails loudly when it is missing.
pub fn site() -> PathBuf {
    let site = std::env::var("BULKHEAD_SITE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join(TEST_SITE));
    assert!(
        site.join("pkg/bulkhead.wasm").is_file(),
        "the front end is not built in {}: run `cargo leptos build --split` first (make test does)",
        site.display()
    );
    assert!(
        site.join("pkg/__wasm_split_manifest.json").is_file(),
        "the front end in {} was built without --split, so the pages loaded on demand cannot \
         load: run `cargo leptos build --split`",
        site.display()
    );
    site
}

/// Serves `data` on a free port; returns the base URL and, while the database has no user,
/// the setup token the server prints.
async fn serve_with_token(data: PathBuf) -> (String, Option<String>) {
    let site = site();
    let mut config = Config::new(data);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.site_root = site;
    let app = Application::build(config).await.expect("the app starts");
    let base = format!("http://{}", app.addr());
    let token = app.setup_token().await.expect("the users can be read");
    tokio::spawn(app.run_until_stopped());
    (base, token)
}

async fn serve(data: PathBuf) -> String {
    serve_with_token(data).await.0
}

/// Starts the application on a free port with a fresh database; returns its base URL.
pub async fn start_app() -> (String, tempfile::TempDir) {
    let (base, _, dir) = start_app_for_setup().await;
    (base, dir)
}

/// Like [`start_app`], with the setup token first-run setup asks for.
pub async fn start_app_for_setup() -> (String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (base, token) = serve_with_token(dir.path().join("data")).await;
    (base, token.expect("a fresh database needs setup"), dir)
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
        if self.wait_hydrated().await {
            return;
        }
        // Seen once in CI (2 cores, several Chromiums): a fresh profile's first page whose
        // on-demand WebAssembly fetches failed in the browser (resource entries without a
        // status) and never hydrated. A reader would reload; so does the test, once, and
        // says so: a page that does not hydrate after a reload fails the test.
        let first = self.diagnosis().await;
        self.c.refresh().await.unwrap();
        if self.wait_hydrated().await {
            eprintln!("warning: a page hydrated only after a reload; before it: {first}");
            return;
        }
        panic!("{first}; after a reload too: {}", self.diagnosis().await);
    }

    async fn wait_hydrated(&self) -> bool {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("body[data-hydrated='true']"))
            .await
            .is_ok()
    }

    /// What the page loaded, with each resource's status and size.
    async fn diagnosis(&self) -> String {
        let url = self
            .c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let loaded = self
            .c
            .execute(
                "return performance.getEntriesByType('resource').map(e => \
                 `${e.name} ${e.responseStatus || '-'} ${e.transferSize}B ${Math.round(e.duration)}ms`)",
                vec![],
            )
            .await
            .unwrap_or_default();
        format!("the page {url} did not hydrate; resources loaded: {loaded}")
    }

    /// Keeps what the page looked like when waiting for `css` failed, to see why.
    async fn failed(&self, css: &str) {
        let name: String = css
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(40)
            .collect();
        self.screenshot(&format!("failed-{name}")).await;
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                self.failed(css).await;
                panic!("no element {css}: {e}");
            }
        }
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
            if Instant::now() >= deadline {
                self.failed(css).await;
                panic!("{css} never showed {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element with the focus matches `css`.
    pub async fn wait_focus(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let focused = self
                .c
                .execute(
                    "const e = document.activeElement; return !!e && e.matches(arguments[0]);",
                    vec![json!(css)],
                )
                .await
                .unwrap();
            if focused == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "{css} never took the focus");
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

    /// Sets a text area's value as if typed, or a select's as if chosen, through the input
    /// and change events the page listens to.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('input', { bubbles: true })); \
                 e.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Drags with the pointer (down, move, up) from the centre of `from` to `to` offset by
    /// `(dx, dy)` from its centre, holding Shift when asked.
    pub async fn drag(&self, from: &str, to: &str, dx: f64, dy: f64, shift: bool) {
        let a = self.find(from).await;
        let b = self.find(to).await;
        let ms = |n| Some(Duration::from_millis(n));
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: a,
                duration: ms(20),
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: ms(60),
                x: 12.0,
                y: 12.0,
            })
            .then(PointerAction::MoveToElement {
                element: b,
                duration: ms(120),
                x: dx,
                y: dy,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Pause {
                duration: Duration::from_millis(10),
            });
        let actions = if shift {
            let keys = KeyActions::new("keyboard".into())
                .then(KeyAction::Down {
                    value: Key::Shift.into(),
                })
                .then(KeyAction::Pause {
                    duration: Duration::ZERO,
                })
                .then(KeyAction::Pause {
                    duration: Duration::ZERO,
                })
                .then(KeyAction::Pause {
                    duration: Duration::ZERO,
                })
                .then(KeyAction::Pause {
                    duration: Duration::ZERO,
                })
                .then(KeyAction::Up {
                    value: Key::Shift.into(),
                });
            Actions::from(keys).and(mouse)
        } else {
            Actions::from(mouse)
        };
        self.c.perform_actions(actions).await.unwrap();
        self.c.release_actions().await.unwrap();
    }

    /// Types keys into whatever has focus.
    pub async fn keys(&self, text: &str) {
        let mut k = KeyActions::new("keyboard".into());
        for ch in text.chars() {
            k = k
                .then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch });
        }
        self.c.perform_actions(k).await.unwrap();
    }

    /// Presses a key with Control (and Shift) held.
    pub async fn ctrl(&self, key: char, shift: bool) {
        let mut k = KeyActions::new("keyboard".into()).then(KeyAction::Down {
            value: Key::Control.into(),
        });
        if shift {
            k = k.then(KeyAction::Down {
                value: Key::Shift.into(),
            });
        }
        k = k
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if shift {
            k = k.then(KeyAction::Up {
                value: Key::Shift.into(),
            });
        }
        k = k.then(KeyAction::Up {
            value: Key::Control.into(),
        });
        self.c.perform_actions(k).await.unwrap();
    }

    /// The current YAML of the designer (through its YAML tab), then back to the canvas.
    pub async fn yaml(&self) -> String {
        let y = self.open_yaml().await;
        self.click("[data-test=tab-canvas]").await;
        y
    }

    /// Opens the YAML tab and returns its text once the server has written it out.
    pub async fn open_yaml(&self) -> String {
        self.click("[data-test=tab-yaml]").await;
        self.value("[data-test=document][data-state=ready]").await
    }

    /// Waits until the matrix cell `from → to` has the class `cell-…`.
    pub async fn wait_cell(&self, from: &str, to: &str, class: &str) {
        let css = format!("td[data-from='{from}'][data-to='{to}']");
        let deadline = Instant::now() + WAIT;
        loop {
            let now = self
                .find(&css)
                .await
                .attr("data-cell")
                .await
                .unwrap()
                .unwrap_or_default();
            if now == class {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{from} -> {to} stayed {now}, expected {class}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Signs in through the sign-in page.
    pub async fn sign_in(&self, name: &str, password: &str) {
        self.open("/login").await;
        self.fill("form[data-test=login-form] input[name=name]", name)
            .await;
        self.fill("form[data-test=login-form] input[name=password]", password)
            .await;
        self.click("form[data-test=login-form] button[type=submit]")
            .await;
        self.wait_path(|p| p.starts_with("/designs")).await;
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }
}

/// One test at a time on this host's engine: a plan's fingerprint covers every network on
/// the engine, so one test's apply would make another's plan stale (as it should).
pub static ENGINE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
