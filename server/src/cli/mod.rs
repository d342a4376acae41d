//! The `bulkhead` command line.

mod audit;
mod client;
mod design;
mod engine;
mod export;
mod import;
mod quarantine;
mod request;
mod serve;
mod token;
mod trail;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bulkhead",
    version,
    about = "Security zones for a Docker host: design, review, apply, prove."
)]
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
    /// API tokens for scripts and CI.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Change requests on a running server, with an API token.
    #[command(subcommand)]
    Request(request::RequestCommand),
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
    /// Compile a design to a Compose file, an iptables ruleset or script, an nftables
    /// table, or canonical YAML. Exit 1 (nothing written) when the design has errors.
    Export(export::ExportArgs),
    /// What Bulkhead learns about the Docker engine (DOCKER_HOST or the default socket).
    Engine {
        #[arg(long, value_enum, default_value = "text")]
        format: engine::Format,
    },
    /// What applying a design would change on the engine; exit 1 on conflicts.
    Plan {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: engine::Format,
    },
    /// Make the engine match a design (shows the plan and asks unless --yes).
    Apply {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
        /// Do not install the design's firewall chain on this host (it is installed by default
        /// wherever the design needs it): for those who install the exported script by hand.
        /// The record says so.
        #[arg(long)]
        no_firewall: bool,
        /// Accepted for scripts written for earlier versions: the firewall is the default now.
        #[arg(long, hide = true, conflicts_with = "no_firewall")]
        firewall: bool,
        /// Apply although the engine asks for approved change requests, for this written
        /// reason: the deployment and the audit log record it as an override.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// Bulkhead's data directory: the engine's lock is taken there (shared with the web
        /// server) and the apply recorded as a deployment and in the audit log. Without a
        /// database there, the apply runs unrecorded and says so.
        #[command(flatten)]
        data: DataArg,
    },
    /// Prove the isolation with probes; exit 0 when every check matches the design.
    Verify {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: engine::Format,
        /// Also prove egress: probe this routed IPV4:PORT outside every zone and outside the
        /// host (e.g. a network namespace's address); reached only by services with a route
        /// out. A refused connection counts as reached.
        #[arg(long, value_name = "IPV4:PORT")]
        egress_target: Option<std::net::SocketAddrV4>,
    },
    /// What differs between the engine and a design file; or, with --engine, between an
    /// engine and every design applied there through Bulkhead (the recorded baseline); exit 1
    /// on drift.
    Drift {
        #[arg(required_unless_present = "engine", conflicts_with = "engine")]
        file: Option<PathBuf>,
        /// A registered engine (in --data's database): check each design live there against
        /// the revision last applied, and record what was found.
        #[arg(long)]
        engine: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: engine::Format,
        #[command(flatten)]
        data: DataArg,
    },
    /// Remove everything Bulkhead created for a design, firewall included.
    Destroy {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
        /// Bulkhead's data directory: the engine's lock is taken there and the removal
        /// recorded; without a database there, it runs unrecorded and says so.
        #[command(flatten)]
        data: DataArg,
    },
    /// Read a design from somewhere else.
    #[command(subcommand)]
    Import(ImportFrom),
    /// Disconnect a container from every network at once (recorded); --release restores it.
    Quarantine(quarantine::QuarantineArgs),
}

/// `bulkhead import …`: where a design comes from.
#[derive(Subcommand, Debug)]
enum ImportFrom {
    /// A Compose file as a design (printed as canonical YAML).
    Compose(import::ComposeArgs),
    #[command(flatten)]
    Engine(engine::ImportWhat),
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
        Command::Check {
            file,
            format,
            strict,
        } => return design::check(file, *format, *strict),
        Command::Reach {
            file,
            from,
            to,
            format,
        } => {
            return design::reach(file, from.as_deref(), to.as_deref(), *format);
        }
        Command::Diff { old, new, format } => return design::diff(old, new, *format),
        Command::Template { name } => return design::template(name),
        Command::Export(args) => return export::run(args),
        Command::Import(ImportFrom::Compose(args)) => return import::compose(args),
        _ => {}
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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
            Command::Token(cmd) => token::run(cmd).await,
            Command::Request(cmd) => request::run(cmd).await,
            Command::Audit(cmd) => audit::run(cmd).await,
            Command::Engine { format } => engine::info(format).await,
            Command::Plan { file, format } => engine::plan(&file, format).await,
            Command::Apply {
                file,
                yes,
                no_firewall,
                firewall: _,
                override_reason,
                data,
            } => {
                let how = engine::ApplyHow {
                    yes,
                    firewall: !no_firewall,
                    override_reason,
                };
                engine::apply(&file, &how, &data.dir).await
            }
            Command::Verify {
                file,
                format,
                egress_target,
            } => engine::verify(&file, format, egress_target).await,
            Command::Drift {
                file: Some(file),
                format,
                ..
            } => engine::drift(&file, format).await,
            Command::Drift {
                engine: name, data, ..
            } => trail::drift_on(name.as_deref().unwrap_or_default(), &data.dir).await,
            Command::Destroy { file, yes, data } => engine::destroy(&file, yes, &data.dir).await,
            Command::Import(ImportFrom::Engine(what)) => engine::import(what).await,
            Command::Quarantine(args) => quarantine::run(args).await,
            Command::Check { .. }
            | Command::Reach { .. }
            | Command::Diff { .. }
            | Command::Template { .. }
            | Command::Export(_)
            | Command::Import(ImportFrom::Compose(_)) => ExitCode::SUCCESS,
        }
    })
}

/// Prints a one-line error and gives the failure exit code.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("bulkhead: {message}");
    ExitCode::FAILURE
}

/// Appends `entry` in `tx`, commits, and checkpoints the audit log: a change made from the
/// shell lands with its entry, signed at once (no server may be running to do it later).
pub async fn audited_from_shell(
    db: &crate::db::Db,
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    entry: crate::store::audit::NewEntry<'_>,
) -> Result<(), String> {
    crate::store::audit::append(&mut tx, &db.audit, entry)
        .await
        .map_err(|e| format!("{e:#}"))?;
    tx.commit().await.map_err(|e| format!("database: {e}"))?;
    crate::store::audit::checkpoint_since(db, 0)
        .await
        .map_err(|e| format!("{e:#}"))?;
    Ok(())
}
