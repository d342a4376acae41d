//! The `bulkhead` command line.

mod audit;
mod design;
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
    /// Validate a design file and list its findings. Exit 0 valid, 1 errors (with --strict
    /// also warnings), 2 unreadable.
    Check {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: design::CheckFormat,
        /// Also fail on findings of warning severity or worse.
        #[arg(long)]
        strict: bool,
    },
    /// The reachability matrix of a design, or one pair explained.
    Reach {
        file: PathBuf,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: design::Format,
    },
    /// What changed between two designs, reachability included.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: design::Format,
    },
    /// Print a built-in template (three-tier, segmented-host).
    Template { name: String },
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
    // The design commands are pure: no runtime, no log output.
    match &cli.command {
        Command::Check { file, format, strict } => return design::check(file, *format, *strict),
        Command::Reach { file, from, to, format } => {
            return design::reach(file, from.as_deref(), to.as_deref(), *format);
        }
        Command::Diff { old, new, format } => return design::diff(old, new, *format),
        Command::Template { name } => return design::template(name),
        _ => {}
    }
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
            Command::Check { .. }
            | Command::Reach { .. }
            | Command::Diff { .. }
            | Command::Template { .. } => ExitCode::SUCCESS,
        }
    })
}

/// Prints a one-line error and gives the failure exit code.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("bulkhead: {message}");
    ExitCode::FAILURE
}
