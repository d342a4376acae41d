//! `bulkhead quarantine NAME --reason WHY | --release`: the same quarantine as the engine
//! page's, locked and recorded in the data directory's database (made there when missing:
//! a quarantine must be kept for its release), done by `cli:<user>`.

use std::process::ExitCode;

use crate::cli::trail::Trail;
use crate::cli::{DataArg, fail};
use crate::engine::DockerEngine;

/// `bulkhead quarantine NAME --reason WHY | --release`.
#[derive(clap::Args, Debug)]
pub struct QuarantineArgs {
    /// The container (one Bulkhead created).
    pub name: String,
    /// Why it is cut off, for the audit log.
    #[arg(long, required_unless_present = "release")]
    pub reason: Option<String>,
    /// Reconnect it exactly as it was.
    #[arg(long, conflicts_with = "reason")]
    pub release: bool,
    #[command(flatten)]
    pub data: DataArg,
}

pub async fn run(args: QuarantineArgs) -> ExitCode {
    let engine = match DockerEngine::connect().await.map_err(fail) {
        Ok(e) => e,
        Err(c) => return c,
    };
    // A quarantine is kept in the database for its release: one is made when there is none.
    let trail = match Trail::create(&args.data.dir, &engine).await {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    match crate::quarantine::adopt_files(&trail.db, &trail.dir, &trail.engine).await {
        Ok(said) => said.iter().for_each(|s| eprintln!("bulkhead: {s}")),
        Err(e) => return fail(format!("moving earlier quarantine files: {e:#}")),
    }
    let clock = crate::clock::Clock::system();
    let on = crate::quarantine::On {
        db: &trail.db,
        clock: &clock,
        engine: &trail.engine,
        docker: &engine,
        actor: &trail.actor,
    };
    let result = if args.release {
        crate::quarantine::release(&on, &args.name).await
    } else {
        let reason = args.reason.as_deref().unwrap_or_default();
        crate::quarantine::quarantine(&on, &args.name, reason).await
    };
    let record = match result {
        Ok(Ok(record)) => record,
        Ok(Err(refused)) => return fail(refused),
        Err(e) => return fail(format!("{e:#}")),
    };
    let verb = if args.release {
        "reconnected to"
    } else {
        "disconnected from"
    };
    println!(
        "{} {verb} {} network(s) on {} (recorded in {}):",
        record.container,
        record.networks.len(),
        trail.engine.name,
        trail.dir.display()
    );
    for n in &record.networks {
        println!(
            "  {} {}",
            n.network,
            n.ipv4.map(|a| a.to_string()).unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}
