//! The engine commands: `engine`, `plan`, `apply`, `verify`, `drift`, `destroy`,
//! `import docker`, `quarantine`. Each reads the design, connects, calls `server::engine`,
//! prints, and exits 0 (fine), 1 (failed, mismatches, drift, conflicts), 2 (unreadable).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::trail::Trail;
use crate::cli::{design as design_cli, fail};
use crate::engine::{
    self, ApplyEvent, ApplyOptions, DockerEngine, EngineError, EventStatus, Report, VerifyOptions,
};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// `bulkhead import …`: where a design comes from.
#[derive(clap::Subcommand, Debug)]
pub enum ImportWhat {
    /// A design from the live engine's networks and containers.
    Docker {
        /// The imported design's name.
        #[arg(long, default_value = "imported")]
        name: String,
        /// Write to this file instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

fn load(file: &Path) -> Result<design::ValidDesign, ExitCode> {
    let (_, raw) = design_cli::read(file)?;
    design::check(&raw).map_err(|diagnostics| {
        eprintln!("bulkhead: the design has errors; fix them first (`bulkhead check` lists them):");
        for d in diagnostics
            .iter()
            .filter(|d| d.severity == design::Severity::Error)
        {
            eprintln!("  {}: {} [{}]", d.path, d.message, d.code);
        }
        ExitCode::FAILURE
    })
}

async fn connect() -> Result<DockerEngine, ExitCode> {
    DockerEngine::connect().await.map_err(fail)
}

/// The checked design and a connection to the engine, or the exit code that says why not.
async fn prepare(file: &Path) -> Result<(design::ValidDesign, DockerEngine), ExitCode> {
    let d = load(file)?;
    Ok((d, connect().await?))
}

/// Prints a report as text or JSON; exits 0 when it passed, 1 when not, 2 when the command
/// could not run.
fn finish<R: Report>(result: Result<R, EngineError>, format: Format) -> ExitCode {
    let report = match result {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    match format {
        Format::Text => print!("{report}"),
        Format::Json => match report.to_json() {
            Ok(json) => println!("{json}"),
            Err(e) => return fail(format!("the report could not be written as JSON: {e}")),
        },
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub async fn info(format: Format) -> ExitCode {
    match connect().await {
        Ok(engine) => finish(Ok(engine.info().clone()), format),
        Err(c) => c,
    }
}

pub async fn plan(file: &Path, format: Format) -> ExitCode {
    match prepare(file).await {
        Ok((d, engine)) => finish(engine::plan(&d, &engine).await, format),
        Err(c) => c,
    }
}

fn confirm(count: usize) -> bool {
    eprint!("Apply these {count} change(s)? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) => matches!(line.trim(), "y" | "Y" | "yes"),
        Err(_) => false,
    }
}

fn progress(event: &ApplyEvent) {
    match &event.status {
        EventStatus::Started => {}
        EventStatus::Done => eprintln!(
            "[{}/{}] {} {}",
            event.index + 1,
            event.total,
            event.verb,
            event.target
        ),
        EventStatus::Failed { error } => {
            eprintln!(
                "[{}/{}] {} {} FAILED: {error}",
                event.index + 1,
                event.total,
                event.verb,
                event.target
            )
        }
    }
}

/// How `bulkhead apply` was asked to run.
#[derive(Debug)]
pub struct ApplyHow {
    pub yes: bool,
    pub firewall: bool,
    /// The written reason to apply past the engine's approvals.
    pub override_reason: Option<String>,
}

pub async fn apply(file: &Path, how: &ApplyHow, data: &Path) -> ExitCode {
    let (yes, firewall) = (how.yes, how.firewall);
    let (d, engine) = match prepare(file).await {
        Ok(x) => x,
        Err(c) => return c,
    };
    if let Err(blocked) = design::findings::release(&d) {
        eprint!("bulkhead: nothing applied: {blocked}");
        return ExitCode::FAILURE;
    }
    let trail = match Trail::open(data, &engine).await {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some(trail) = trail else {
        eprintln!(
            "bulkhead: no Bulkhead database in {}: this apply is neither locked against the web server's nor recorded (pass --data DIR)",
            data.display()
        );
        return apply_unrecorded(&d, &engine, yes, firewall).await;
    };
    let override_reason = match trail
        .gate(d.name.as_str(), how.override_reason.as_deref())
        .await
    {
        Ok(reason) => reason,
        Err(refusal) => {
            eprintln!("bulkhead: nothing applied: {refusal}");
            return ExitCode::FAILURE;
        }
    };
    let token = match trail.lock("apply", d.name.as_str()).await {
        Ok(token) => token,
        Err(e) => {
            eprintln!("bulkhead: nothing applied: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = apply_recorded(&d, &engine, yes, firewall, &trail, &token, override_reason).await;
    crate::engine_lock::release(&trail.db, trail.engine.id, &token).await;
    code
}

/// Apply under the engine's lock, recorded in the data directory.
async fn apply_recorded(
    d: &design::ValidDesign,
    engine: &DockerEngine,
    yes: bool,
    firewall: bool,
    trail: &Trail,
    token: &str,
    override_reason: Option<&str>,
) -> ExitCode {
    let started_at = crate::clock::now_text();
    let p = match engine::plan(d, engine).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    print!("{p}");
    if !p.conflicts.is_empty() {
        eprintln!("bulkhead: nothing applied: objects in the way (above)");
        return ExitCode::FAILURE;
    }
    if !p.is_empty() && !yes && !confirm(p.actions.len()) {
        eprintln!("bulkhead: nothing applied");
        return ExitCode::FAILURE;
    }
    let plan_json = match serde_json::to_string(&p) {
        Ok(j) => j,
        Err(e) => return fail(format!("the plan could not be written as JSON: {e}")),
    };
    let stored = match trail.db.read.acquire().await {
        Ok(mut conn) => crate::store::designs::live_by_name(&mut conn, d.name.as_str())
            .await
            .ok()
            .flatten(),
        Err(e) => return fail(e),
    };
    let applied = crate::deploy::Applied {
        actor: &trail.actor,
        design_name: d.name.as_str(),
        design_id: stored,
        revision: None,
        engine: &trail.engine,
        plan_id: None,
        plan: &p,
        plan_json: &plan_json,
        plan_hash: &crate::deploy::plan_hash(&plan_json),
        started_at: &started_at,
        request_id: None,
        override_reason,
    };
    let needs = crate::engine::firewall_wanted(d, engine).await;
    if let Err(e) = crate::deploy::record_start(&trail.db, &applied, firewall && needs).await {
        return fail(format!("nothing applied: start not recorded: {e:#}"));
    }
    let outcome = crate::deploy::apply_locked(
        &trail.db,
        &crate::clock::Clock::system(),
        &trail.engine,
        token,
        d,
        engine,
        &p,
        firewall,
        &progress,
    )
    .await;
    let mut end = crate::deploy::conclude(p.actions.len(), firewall && needs, &outcome);
    if needs && !firewall {
        end.firewall =
            "skipped with --no-firewall: the design's exported firewall is to be installed by hand"
                .into();
        eprintln!("bulkhead: {}", engine::firewall_left_out(d, engine));
    }
    let recorded = crate::deploy::record(&trail.db, &applied, &end).await;
    let code = finish(outcome, Format::Text);
    match recorded {
        Ok(id) => eprintln!(
            "bulkhead: recorded as deployment {id} on engine {} in {}",
            trail.engine.name,
            trail.dir.display()
        ),
        Err(e) => eprintln!("bulkhead: recording the apply failed: {e:#}"),
    }
    if end.result == "applied" {
        code
    } else {
        eprintln!("bulkhead: {}", end.summary);
        ExitCode::FAILURE
    }
}

/// Apply with nothing to record it in.
async fn apply_unrecorded(
    d: &design::ValidDesign,
    engine: &DockerEngine,
    yes: bool,
    firewall: bool,
) -> ExitCode {
    let p = match engine::plan(d, engine).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    print!("{p}");
    if !p.is_empty() && !yes && !confirm(p.actions.len()) {
        eprintln!("bulkhead: nothing applied");
        return ExitCode::FAILURE;
    }
    let options = ApplyOptions {
        firewall,
        ..ApplyOptions::default()
    };
    let outcome = engine::apply(d, engine, &p, options, &progress).await;
    let needs = crate::engine::firewall_wanted(d, engine).await;
    let end = crate::deploy::conclude(p.actions.len(), firewall && needs, &outcome);
    if needs && !firewall {
        eprintln!("bulkhead: {}", engine::firewall_left_out(d, engine));
    }
    let code = finish(outcome, Format::Text);
    if end.result != "applied" {
        eprintln!("bulkhead: {}", end.summary);
        return ExitCode::FAILURE;
    }
    if p.conflicts.is_empty() {
        code
    } else {
        ExitCode::FAILURE
    }
}

pub async fn verify(
    file: &Path,
    format: Format,
    egress: Option<std::net::SocketAddrV4>,
) -> ExitCode {
    let options = VerifyOptions {
        egress,
        ..VerifyOptions::default()
    };
    match prepare(file).await {
        Ok((d, engine)) => finish(engine::verify(&d, &engine, options).await, format),
        Err(c) => c,
    }
}

pub async fn drift(file: &Path, format: Format) -> ExitCode {
    match prepare(file).await {
        Ok((d, engine)) => finish(engine::drift(&d, &engine).await, format),
        Err(c) => c,
    }
}

pub async fn destroy(file: &Path, yes: bool, data: &Path) -> ExitCode {
    if !yes {
        return fail(
            "destroy removes every container and network of the design, and its firewall: add --yes to confirm",
        );
    }
    let (d, engine) = match prepare(file).await {
        Ok(x) => x,
        Err(c) => return c,
    };
    let trail = match Trail::open(data, &engine).await {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some(trail) = trail else {
        eprintln!(
            "bulkhead: no Bulkhead database in {}: this destroy is neither locked against the web server's nor recorded (pass --data DIR)",
            data.display()
        );
        return finish(engine::destroy(&d, &engine).await, Format::Text);
    };
    let token = match trail.lock("destroy", d.name.as_str()).await {
        Ok(token) => token,
        Err(e) => {
            eprintln!("bulkhead: nothing removed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clock = crate::clock::Clock::system();
    let removing = engine::destroy(&d, &engine);
    let outcome =
        crate::engine_lock::keep_while(&trail.db, &clock, &trail.engine, &token, removing).await;
    let recorded = crate::teardown::record(
        &trail.db,
        &trail.actor,
        &trail.engine,
        d.name.as_str(),
        &outcome,
    )
    .await;
    crate::engine_lock::release(&trail.db, trail.engine.id, &token).await;
    match recorded {
        Ok(id) => eprintln!(
            "bulkhead: recorded as teardown {id} on engine {} in {}",
            trail.engine.name,
            trail.dir.display()
        ),
        Err(e) => eprintln!("bulkhead: recording the destroy failed: {e:#}"),
    }
    finish(outcome, Format::Text)
}

pub async fn import(what: ImportWhat) -> ExitCode {
    match what {
        ImportWhat::Docker { name, output } => {
            let engine = match connect().await {
                Ok(e) => e,
                Err(c) => return c,
            };
            let text = match engine::import_docker(&engine, &name).await {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            super::export::write_out(output.as_deref(), &text, false)
        }
    }
}
