//! Integration tests: the real application, started in-process on port 0 with a fresh SQLite
//! file per test, spoken to over HTTP.

mod apply;
mod audit;
mod audit_view;
mod auth;
mod bad_requests;
mod cli;
mod designs;
mod engines;
mod export_cli;
mod forwarding;
mod headers;
mod helpers;
mod history;
mod hostile;
mod listeners;
mod metrics;
mod operations;
mod origin;
mod plans;
mod requests;
mod roles;
mod served;
mod setup;
mod sign_in;
mod tokens;
mod webhooks;
