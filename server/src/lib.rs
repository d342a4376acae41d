//! Bulkhead's server: configuration, database, authentication and sessions, audit, the HTTP
//! surface and the command line. `Application::build` starts it; `cli::main` is the binary.

pub mod backend;
pub mod cli;
pub mod clock;
pub mod config;
pub mod counters;
pub mod db;
pub mod deploy;
pub mod documents;
pub mod engine;
pub mod engine_endpoint;
pub mod engine_lock;
pub mod files;
pub mod forward;
pub mod front_end;
mod http;
pub mod jobs;
pub mod local_engine;
pub mod metrics;
pub mod offload;
pub mod password;
pub mod quarantine;
pub mod requests;
pub mod review;
pub mod session;
pub mod setup_token;
pub mod startup;
pub mod store;
pub mod teardown;
pub mod user_name;
pub mod watch;
pub mod webhooks;

pub use config::Config;
pub use startup::{Application, StartError};
