//! The `bulkhead` command line.

mod audit;
mod serve;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "bulkhead", version, about = "Security zones for a Docker host: design, review, apply, prove.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web application.
    Serve(serve::ServeArgs),
    /// Manage users from the shell.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Inspect the audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

/// `--data DIR`, shared by the commands that open the database.
#[derive(clap::Args, Debug, Clone)]
pub struct DataArg {
    /// The directory holding Bulkhead's database.
    #[arg(long = "data", env = "BULKHEAD_DATA", default_value = "./data")]
    pub dir: PathBuf,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bulkhead: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::User(cmd) => user::run(cmd).await,
            Command::Audit(cmd) => audit::run(cmd).await,
        }
    })
}

/// Prints a one-line error and gives the failure exit code.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("bulkhead: {message}");
    ExitCode::FAILURE
}
