//! The command line's client of a running server's JSON API, signed in with an API token:
//! one call at a time, the server's refusal told apart from a call that could not be made.

use std::path::{Path, PathBuf};

use app::error::AppError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the server is and how to sign in to it.
#[derive(clap::Args, Debug)]
pub struct ServerArgs {
    /// The server's address, e.g. https://bulkhead.example.org or http://127.0.0.1:3000.
    #[arg(long, env = "BULKHEAD_SERVER")]
    pub server: String,
    /// A file holding an API token (made on the users page or with bulkhead token create).
    #[arg(long, env = "BULKHEAD_TOKEN_FILE")]
    pub token_file: PathBuf,
}

/// The most a design file may hold, as the server takes it.
const MAX_FILE: u64 = 1024 * 1024;

/// A signed-in client of the server's JSON API.
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// A refusal or failure, with what to do; exit 1 when the server refused, 2 when the call
/// could not be made.
pub enum Failed {
    Refused(String),
    Broken(String),
}

impl Api {
    pub fn new(args: &ServerArgs) -> Result<Api, Failed> {
        let token = std::fs::read_to_string(&args.token_file)
            .map_err(|e| {
                Failed::Broken(format!(
                    "cannot read the token file {}: {e}",
                    args.token_file.display()
                ))
            })?
            .trim()
            .to_owned();
        if !token.starts_with(crate::store::tokens::TOKEN_PREFIX) {
            return Err(Failed::Broken(format!(
                "{} does not hold a Bulkhead API token (they start with {})",
                args.token_file.display(),
                crate::store::tokens::TOKEN_PREFIX
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| Failed::Broken(format!("cannot make an HTTP client: {e}")))?;
        Ok(Api {
            http,
            base: args.server.trim_end_matches('/').to_owned(),
            token,
        })
    }

    /// Calls a server function with a form; its answer, or the server's reason.
    pub async fn call<T: DeserializeOwned>(
        &self,
        name: &str,
        form: &[(&str, String)],
    ) -> Result<T, Failed> {
        let url = format!("{}/api/{name}", self.base);
        let answer = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .form(form)
            .send()
            .await
            .map_err(|e| Failed::Broken(format!("{url} did not answer: {e}")))?;
        let status = answer.status();
        let body = answer
            .bytes()
            .await
            .map_err(|e| Failed::Broken(format!("{url}: the answer could not be read: {e}")))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                Failed::Broken(format!("{url}: the answer is not what this version reads ({e}); is the server the same version?"))
            });
        }
        let reason = serde_json::from_slice::<AppError>(&body)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| String::from_utf8_lossy(&body).into_owned());
        match status.as_u16() {
            401 => Err(Failed::Refused(format!(
                "the server refused the token (revoked, or its user disabled): {reason}"
            ))),
            400..=499 => Err(Failed::Refused(reason)),
            _ => Err(Failed::Broken(format!("{url} answered {status}: {reason}"))),
        }
    }

    pub fn link(&self, id: i64) -> String {
        format!("{}/requests/{id}", self.base)
    }
}

pub fn by_name<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|e| {
        e["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

pub fn read_file(path: &Path) -> Result<String, Failed> {
    let broken = |e: std::io::Error| Failed::Broken(format!("cannot read {}: {e}", path.display()));
    if std::fs::metadata(path).map_err(broken)?.len() > MAX_FILE {
        return Err(Failed::Broken(format!(
            "{} is over 1 MiB, more than a design may be; split the design",
            path.display()
        )));
    }
    std::fs::read_to_string(path).map_err(broken)
}
