//! A running test application and typed clients for it.

use app::model::Role;
use reqwest::StatusCode;
use serde_json::Value;
use server::{Application, Config};
use std::path::PathBuf;
use std::time::Duration;

pub const PASSWORD: &str = "a long test password";

pub struct TestApp {
    pub base: String,
    pub dir: tempfile::TempDir,
    /// The setup token the server printed (empty once a user exists).
    pub token: String,
    /// The application's state, for what a test reads or arranges below the API.
    pub service: std::sync::Arc<server::backend::Service>,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub set_cookie: Vec<String>,
    /// The answer's `Cache-Control`, when it has one.
    pub cache_control: Option<String>,
}

impl Answer {
    /// The error variant's name (`"Forbidden"`, `"NotSignedIn"`, …) when the call failed.
    pub fn error(&self) -> Option<String> {
        if self.status.is_success() {
            return None;
        }
        match &self.body {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => m.keys().next().cloned(),
            other => Some(other.to_string()),
        }
    }

    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        self.body
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(dir.path().join("data"));
        config.addr = "127.0.0.1:0".parse().unwrap();
        config.site_root = std::env::var("BULKHEAD_SITE")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("../target/site-debug"));
        adjust(&mut config);
        let app = Application::build(config).await.expect("the app starts");
        let base = format!("http://{}", app.addr());
        let token = app
            .setup_token()
            .await
            .expect("the users can be read")
            .unwrap_or_default();
        let service = app.service();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            dir,
            token,
            service,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A client with its own cookie jar, signed out.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: self.base.clone(),
        }
    }

    /// Creates the first admin through the setup endpoint and returns their client.
    pub async fn setup_admin(&self) -> Client {
        let c = self.client();
        c.call(
            "setup",
            &[
                ("token", &self.token),
                ("name", "root"),
                ("password", PASSWORD),
            ],
        )
        .await
        .ok();
        c
    }

    /// An admin (created by setup if needed) makes a user with `role`; returns that user's
    /// signed-in client.
    pub async fn login_as(&self, admin: &Client, name: &str, role: Role) -> Client {
        admin
            .call(
                "create_user",
                &[
                    ("name", name),
                    ("password", PASSWORD),
                    ("role", role.as_str()),
                ],
            )
            .await
            .ok();
        let c = self.client();
        c.call("login", &[("name", name), ("password", PASSWORD)])
            .await
            .ok();
        c
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    /// Calls a server function as the page does: a same-origin form POST to `/api/<name>`.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> Answer {
        self.call_with(name, form, Some(&self.base), None).await
    }

    pub async fn call_with(
        &self,
        name: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
        fetch_site: Option<&str>,
    ) -> Answer {
        let mut req = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header("accept", "application/json")
            .form(form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let set_cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or("").to_string())
            .collect();
        let cache_control = res
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("").to_string());
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            set_cookie,
            cache_control,
        }
    }

    /// Sets how many approvals an apply on engine `id` needs (the caller is an admin).
    pub async fn set_approvals(&self, id: &str, n: u8) {
        let engines = self.call("list_engines", &[]).await.ok();
        let e = engines
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id))
            .expect("the engine is registered")
            .clone();
        self.call(
            "update_engine",
            &[
                ("id", id),
                ("name", e["name"].as_str().unwrap()),
                ("endpoint", e["endpoint"].as_str().unwrap()),
                ("approvals_required", &n.to_string()),
            ],
        )
        .await
        .ok();
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the server answers")
    }

    /// Creates a design from a template and returns its id.
    pub async fn create_design(&self, name: &str, template: &str) -> i64 {
        let v = self
            .call("create_design", &[("name", name), ("template", template)])
            .await
            .ok();
        v["id"].as_i64().expect("a design id")
    }

    /// Saves `document` as the revision after `base` of design `id`.
    pub async fn save(&self, id: &str, base: &str, document: &str) -> Value {
        self.call(
            "save_design",
            &[
                ("id", id),
                ("base", base),
                ("document", document),
                ("message", "m"),
            ],
        )
        .await
        .ok()
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        let page = self.call("audit", &[]).await.ok();
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    }
}

/// The local engine answers and holds the probe image the engine tests run (built here when
/// missing: there is no registry).
pub async fn probe_image() {
    server::engine::DockerEngine::connect()
        .await
        .expect("the local engine answers")
        .ensure_probe_image()
        .await
        .unwrap();
}
