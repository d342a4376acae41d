//! `bulkhead serve`.

use super::{DataArg, fail};
use crate::clock::Clock;
use crate::front_end::FrontEnd;
use crate::{Application, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BULKHEAD_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    #[command(flatten)]
    data: DataArg,
    /// The built front end (cargo-leptos's site root).
    #[arg(long, env = "BULKHEAD_SITE", default_value = "target/site")]
    site: PathBuf,
    /// Mark the session cookie Secure (when served over HTTPS, e.g. behind a TLS proxy).
    #[arg(long, env = "BULKHEAD_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "BULKHEAD_IDLE_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Minutes after sign-in after which a session ends, used or not.
    #[arg(long, env = "BULKHEAD_ABSOLUTE_TIMEOUT", default_value_t = 480, value_parser = clap::value_parser!(u64).range(1..))]
    absolute_timeout: u64,
    /// The origin browsers use to reach Bulkhead (e.g. https://bulkhead.example.org), when it
    /// differs from --addr (a proxy). Repeat for several.
    #[arg(long = "origin", env = "BULKHEAD_ORIGIN", value_delimiter = ',')]
    origins: Vec<String>,
    /// The address of a reverse proxy in front of Bulkhead, whose X-Forwarded-For names the
    /// client (for the audit log and the sign-in throttle). Repeat for several; from any
    /// other address the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "BULKHEAD_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds between background checks of every registered engine (reachable, versions,
    /// firewall, what Bulkhead owns there); 0 turns them off (the engines page still checks
    /// on demand).
    #[arg(long, env = "BULKHEAD_ENGINE_CHECK_SECS", default_value_t = 60)]
    engine_check_secs: u64,
    /// Minutes between background drift checks of every design live on an engine (against
    /// the revision applied there; changes of state go to the audit log); 0 turns them off.
    #[arg(long, env = "BULKHEAD_DRIFT_CHECK_MINS", default_value_t = 10)]
    drift_check_mins: u64,
    /// Minutes between scheduled verifies of each live design (probe containers on the
    /// engine, one engine at a time; a mismatch is an alert); 0, the default, turns them off.
    #[arg(long, env = "BULKHEAD_VERIFY_EVERY_MINS", default_value_t = 0)]
    verify_every_mins: u64,
    /// Days the audit log keeps entries in the database; older ones move, once a day, to a
    /// compressed file in DATA/audit-archive (the chain stays checkable across it); 0, the
    /// default, keeps every entry in the database.
    #[arg(long, env = "BULKHEAD_AUDIT_RETENTION_DAYS", default_value_t = 0)]
    audit_retention_days: u64,
    /// Do not register this host's Docker socket as the engine `local` at the first start
    /// (for a Bulkhead that manages remote engines only).
    #[arg(long, env = "BULKHEAD_NO_LOCAL_ENGINE")]
    no_local_engine: bool,
    /// An address or prefix (10.0.0.7, 10.0.0.0/24) other than this host's own that may read
    /// GET /metrics without the token. Repeat for several.
    #[arg(
        long = "metrics-allow",
        env = "BULKHEAD_METRICS_ALLOW",
        value_delimiter = ',',
        value_parser = parse_net
    )]
    metrics_allow: Vec<ipnet::IpNet>,
    /// A file holding the token (at least 16 characters) that opens GET /metrics from anywhere
    /// (`Authorization: Bearer TOKEN`).
    #[arg(long, env = "BULKHEAD_METRICS_TOKEN_FILE")]
    metrics_token_file: Option<std::path::PathBuf>,
}

/// An address (a prefix of one) or a prefix.
fn parse_net(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| {
            format!("{text:?} is neither an address nor a prefix; write 10.0.0.7 or 10.0.0.0/24")
        })
}

/// The metrics token from its file: trimmed, and long enough to be worth the name.
fn metrics_token(path: &std::path::Path) -> Result<secrecy::SecretString, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("reading the metrics token from {}: {e}", path.display()))?;
    let token = text.trim();
    if token.chars().count() < 16 || token.chars().any(char::is_whitespace) {
        return Err(format!(
            "the metrics token in {} must be one word of at least 16 characters (e.g. the output of `openssl rand -hex 24`)",
            path.display()
        ));
    }
    Ok(token.into())
}

pub async fn run(args: ServeArgs) -> ExitCode {
    let site = args.site.display().to_string();
    let metrics_token = match args.metrics_token_file.as_deref().map(metrics_token) {
        Some(Err(e)) => return fail(e),
        Some(Ok(token)) => Some(token),
        None => None,
    };
    let config = Config {
        addr: args.addr,
        data_dir: args.data.dir,
        site_root: args.site,
        secure_cookies: args.secure_cookies,
        idle_timeout: Duration::from_secs(args.idle_timeout * 60),
        absolute_timeout: Duration::from_secs(args.absolute_timeout * 60),
        origins: args.origins,
        clock: Clock::system(),
        trusted_proxies: args.trusted_proxies,
        engine_check_interval: (args.engine_check_secs > 0)
            .then(|| Duration::from_secs(args.engine_check_secs)),
        drift_check_interval: (args.drift_check_mins > 0)
            .then(|| Duration::from_secs(args.drift_check_mins * 60)),
        verify_interval: (args.verify_every_mins > 0)
            .then(|| Duration::from_secs(args.verify_every_mins * 60)),
        register_local_engine: !args.no_local_engine,
        metrics_allow: args.metrics_allow,
        metrics_token,
        audit_retention: (args.audit_retention_days > 0)
            .then(|| Duration::from_secs(args.audit_retention_days * 24 * 3600)),
    };
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let front_end = app.front_end();
    tracing::info!(
        "Bulkhead is listening on http://{}; front end: {site} ({front_end})",
        app.addr()
    );
    match front_end {
        FrontEnd::Release => {}
        FrontEnd::Debug => tracing::warn!(
            "the front end in {site} is a debug build (the one `make test` builds): about four times larger and several times slower in the browser; for real use build the release one with `make run` (scripts/build-release.sh) and serve target/site"
        ),
        FrontEnd::Unmarked => tracing::warn!(
            "the front end in {site} does not say how it was built (built from other sources?); rebuild it with `make run` (scripts/build-release.sh)"
        ),
        FrontEnd::Missing => tracing::warn!(
            "there is no front end in {site}: pages render but will not be interactive; run `make run`, or pass --site to a built one"
        ),
    }
    match app.setup_token().await {
        Ok(Some(token)) => {
            let url = format!("http://{}/setup?token={token}", app.addr());
            tracing::info!(
                "Bulkhead has no users yet: create the first admin at {url} (setup token: {token})"
            );
            println!(
                "Bulkhead has no users yet. Create the first administrator at\n  {url}\nsetup token: {token}\n(or from a shell: bulkhead user add NAME --role admin)"
            );
        }
        Ok(None) => {}
        Err(e) => return fail(format!("cannot read the users: {e}")),
    }
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("the server stopped: {e}")),
    }
}
