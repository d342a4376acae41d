//! `GET /metrics`: what Bulkhead is doing, for Prometheus (OpenMetrics text, names prefixed
//! `bulkhead_`). HTTP requests are counted and timed as they pass; everything else is read
//! when scraped from where it is kept (the database, the engines' last checks), so figures
//! survive restarts and include what the command line recorded.
//!
//! Open to loopback clients that come directly (not through a proxy); from anywhere else
//! only with the metrics token (`Authorization: Bearer …`) or from an allow-listed address.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::backend::Service;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PairLabels {
    design: String,
    engine: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DriftLabels {
    design: String,
    engine: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EngineLabels {
    engine: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    design: String,
    engine: String,
    /// The rule in words (`flow[2] deny web>db tcp/5432 zone data`): bounded by the design.
    rule: String,
    verdict: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The HTTP figures, counted as requests pass.
#[derive(Debug)]
pub struct Http {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
        }
    }
}

/// The server functions' paths: a request to one of them is labelled with its path, any
/// other unmatched path with `other`, so no client can make up new series.
fn server_fn_paths() -> &'static HashSet<&'static str> {
    static PATHS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect()
    })
}

/// The route a request is counted under: the router's pattern (`/designs/{id}`), a server
/// function's path, or `other`.
fn route_of(req: &Request) -> String {
    if let Some(matched) = req.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = req.uri().path();
    if server_fn_paths().contains(path) {
        path.to_owned()
    } else {
        "other".to_owned()
    }
}

/// Middleware: counts and times every request by method, route and status.
pub async fn track(State(service): State<Arc<Service>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    // Clients may send any method name: only the standard ones become labels.
    let method = match req.method().as_str() {
        m @ ("GET" | "POST" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "PATCH") => m,
        _ => "other",
    }
    .to_owned();
    let route = route_of(&req);
    let response = next.run(req).await;
    let http = &service.metrics;
    http.requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    http.latency
        .get_or_create(&RouteLabels { method, route })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// Whether this request may read the metrics: a direct loopback client, an allow-listed
/// address, or the metrics token.
fn admitted(service: &Service, peer: SocketAddr, headers: &HeaderMap) -> bool {
    let config = &service.config;
    if let Some(token) = &config.metrics_token {
        let offered = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        // Compared as digests: the time taken says nothing about the token.
        if let Some(offered) = offered
            && Sha256::digest(offered.as_bytes())
                == Sha256::digest(token.expose_secret().as_bytes())
        {
            return true;
        }
    }
    let ip = peer.ip();
    if config.metrics_allow.iter().any(|net| net.contains(&ip)) {
        return true;
    }
    // Through a proxy on this host every client looks like loopback: only a request that
    // names no forwarded client counts as coming from here.
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    ip.is_loopback() && !forwarded
}

/// `GET /metrics`.
pub async fn scrape(
    axum::Extension(service): axum::Extension<Arc<Service>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !admitted(&service, peer, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "/metrics answers this host's own clients only; to scrape from elsewhere start Bulkhead with --metrics-token-file FILE (and send Authorization: Bearer TOKEN) or --metrics-allow ADDRESS/PREFIX\n",
        )
            .into_response();
    }
    match render(&service).await {
        Ok(text) => {
            let mut response = text.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "reading the metrics failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the metrics cannot be read right now (the database did not answer); try again shortly\n",
            )
                .into_response()
        }
    }
}

/// Every metric, in OpenMetrics text.
pub async fn render(service: &Service) -> anyhow::Result<String> {
    let mut registry = Registry::with_prefix("bulkhead");
    let http = &service.metrics;
    registry.register(
        "http_requests",
        "HTTP requests answered, by method, route and status",
        http.requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by method and route",
        http.latency.clone(),
    );

    let mut conn = service.db.read.acquire().await?;
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign-in-failed'")
            .fetch_one(&mut *conn)
            .await?;
    let sign_in_failures = Counter::<u64>::default();
    sign_in_failures.inc_by(failures.max(0) as u64);
    registry.register(
        "sign_in_failures",
        "Failed sign-ins (wrong name or password), as the audit log records them",
        sign_in_failures,
    );

    let applies = Family::<ResultLabels, Counter>::default();
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT result, COUNT(*) FROM deployments GROUP BY result")
            .fetch_all(&mut *conn)
            .await?;
    for (result, count) in rows {
        applies
            .get_or_create(&ResultLabels { result })
            .inc_by(count.max(0) as u64);
    }
    registry.register(
        "applies",
        "Applies to an engine, by result (applied, failed, cancelled), from the browser, the API and the command line",
        applies,
    );

    let mismatches = Family::<PairLabels, Gauge>::default();
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT v.design_name, v.engine_name, v.mismatches FROM verifications v \
         JOIN (SELECT MAX(id) AS id FROM verifications GROUP BY design_name, engine_id) n \
         ON v.id = n.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (design, engine, count) in rows {
        mismatches
            .get_or_create(&PairLabels { design, engine })
            .set(count);
    }
    registry.register(
        "verify_mismatches",
        "Checks of the newest verify of each design on each engine that contradict the design",
        mismatches,
    );

    let drift = Family::<DriftLabels, Gauge>::default();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT d.name, e.name, s.state FROM drift_states s \
         JOIN designs d ON d.id = s.design_id JOIN engines e ON e.id = s.engine_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (design, engine, state) in rows {
        drift
            .get_or_create(&DriftLabels {
                design,
                engine,
                state,
            })
            .set(1);
    }
    registry.register(
        "drift",
        "1 for the state of each deployment at its last drift check (in-sync, drifting, unreachable)",
        drift,
    );

    let entries: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    let audit = Gauge::<i64>::default();
    audit.set(entries.unwrap_or(0));
    registry.register(
        "audit_entries",
        "Entries in the audit log's hash chain",
        audit,
    );

    let engines: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM engines")
        .fetch_all(&mut *conn)
        .await?;
    drop(conn);
    let up = Family::<EngineLabels, Gauge>::default();
    for (id, engine) in engines {
        if let Some(status) = service.engine_statuses.get(id).await {
            up.get_or_create(&EngineLabels { engine })
                .set(i64::from(status.error.is_none()));
        }
    }
    registry.register(
        "engine_up",
        "1 when the engine answered its last check, 0 when it did not (engines not checked yet are absent)",
        up,
    );

    let (packets, bytes) = firewall_counters(service).await?;
    registry.register(
        "firewall_packets",
        "Packets each firewall rule of a deployment matched since the apply that installed it (engines whose firewall is this host's)",
        packets,
    );
    registry.register(
        "firewall_bytes",
        "Bytes each firewall rule of a deployment matched since the apply that installed it",
        bytes,
    );

    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)?;
    Ok(text)
}

type RuleCounters = Family<RuleLabels, Counter>;

/// The counters of every rule of every deployment on an engine whose firewall this host
/// holds (as its last status check saw it); a deployment whose counters cannot be read is
/// left out and logged.
async fn firewall_counters(service: &Service) -> anyhow::Result<(RuleCounters, RuleCounters)> {
    let (packets, bytes) = (RuleCounters::default(), RuleCounters::default());
    for row in crate::store::live::list(&service.db.read, None, None).await? {
        let Some(status) = service.engine_statuses.get(row.engine_id).await else {
            continue;
        };
        let fw = crate::counters::firewall_of(&status);
        if !fw.can_change {
            continue;
        }
        // The firewall carries the name the design had when it was applied.
        let applied_as: String =
            sqlx::query_scalar("SELECT design_name FROM deployments WHERE id = ?")
                .bind(row.deployment)
                .fetch_one(&service.db.read)
                .await?;
        let Ok(name) = design::model::DesignName::parse(&applied_as) else {
            continue;
        };
        match crate::engine::counters::read(&fw, &name).await {
            Ok(counted) => {
                for r in crate::counters::rules(&name, counted) {
                    let labels = RuleLabels {
                        design: row.design.clone(),
                        engine: row.engine.clone(),
                        rule: r.rule,
                        verdict: r.verdict,
                    };
                    packets.get_or_create(&labels).inc_by(r.packets);
                    bytes.get_or_create(&labels).inc_by(r.bytes);
                }
            }
            Err(e) => tracing::warn!("counters of {} on {}: {e}", row.design, row.engine),
        }
    }
    Ok((packets, bytes))
}
