//! `bulkhead request …`: change requests on a running server, for CI and scripts, with an
//! API token (the JSON API only; the server checks the token's user and role on every call).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use super::client::{Api, Failed, ServerArgs, by_name, read_file};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Subcommand, Debug)]
pub enum RequestCommand {
    /// Save FILE as a new revision of the design (made if missing) and propose it for the
    /// engine: a new change request, or a push to the one in progress (which dismisses its
    /// reviews). Prints the request's id and link.
    Open {
        file: PathBuf,
        #[arg(long)]
        design: String,
        #[arg(long)]
        engine: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Approve the request's current revision and plan.
    Approve {
        id: i64,
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Reject the request (a message says why).
    Reject {
        id: i64,
        #[arg(long)]
        message: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Comment on the request.
    Comment {
        id: i64,
        #[arg(long)]
        message: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Print the request's state; exit 0 only when it is approved or applied.
    Status {
        id: i64,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        server: ServerArgs,
    },
}

async fn open(
    api: &Api,
    file: &Path,
    design: &str,
    engine: &str,
    title: Option<String>,
) -> Result<(i64, String), Failed> {
    let text = read_file(file)?;
    let designs: Value = api
        .call("list_designs", &[("include_deleted", "false".into())])
        .await?;
    let id = match by_name(&designs, design) {
        Some(d) => d["id"].as_i64().unwrap_or_default(),
        None => {
            let made: Value = api
                .call("create_design", &[("name", design.into())])
                .await?;
            made["id"].as_i64().unwrap_or_default()
        }
    };
    let detail: Value = api.call("get_design", &[("id", id.to_string())]).await?;
    let head = detail["head"].as_i64().unwrap_or_default();
    let unchanged = detail["document"].as_str().map(str::trim) == Some(text.trim());
    let revision = if unchanged {
        head
    } else {
        let saved: Value = api
            .call(
                "save_design",
                &[
                    ("id", id.to_string()),
                    ("base", head.to_string()),
                    ("document", text),
                    ("message", format!("from {}", file.display())),
                ],
            )
            .await?;
        saved["number"].as_i64().unwrap_or(head + 1)
    };
    let engines: Value = api.call("list_engines", &[]).await?;
    let engine_id = by_name(&engines, engine)
        .and_then(|e| e["id"].as_i64())
        .ok_or_else(|| {
            Failed::Refused(format!(
                "the server has no engine named {engine}; an admin registers it on the engines page"
            ))
        })?;
    let active: Value = api
        .call(
            "list_requests",
            &[
                ("design", id.to_string()),
                ("engine", engine_id.to_string()),
                ("active", "true".into()),
            ],
        )
        .await?;
    let view: Value = match active.as_array().and_then(|a| a.first()) {
        Some(r) if r["revision"].as_i64() == Some(revision) => {
            api.call("get_request", &[("id", r["id"].to_string())])
                .await?
        }
        Some(r) => {
            api.call(
                "push_request",
                &[
                    ("id", r["id"].to_string()),
                    ("revision", revision.to_string()),
                ],
            )
            .await?
        }
        None => {
            let title = title.unwrap_or_else(|| format!("{design} revision {revision}"));
            api.call(
                "open_request",
                &[
                    ("design", id.to_string()),
                    ("revision", revision.to_string()),
                    ("engine", engine_id.to_string()),
                    ("title", title),
                    (
                        "description",
                        format!("Proposed from the command line ({}).", file.display()),
                    ),
                ],
            )
            .await?
        }
    };
    let rid = view["row"]["id"].as_i64().unwrap_or_default();
    let state = view["row"]["state"].as_str().unwrap_or("?").to_owned();
    Ok((rid, state))
}

/// Reviews what the request proposes now (the revision and plan the server names).
async fn review(
    api: &Api,
    id: i64,
    verdict: &str,
    message: Option<String>,
) -> Result<String, Failed> {
    let view: Value = api.call("get_request", &[("id", id.to_string())]).await?;
    let hash = view["plan"]["hash"].as_str().ok_or_else(|| {
        Failed::Refused(format!(
            "change request #{id} has no plan yet; plan it again on its page ({})",
            api.link(id)
        ))
    })?;
    let done: Value = api
        .call(
            "review_request",
            &[
                ("id", id.to_string()),
                ("verdict", verdict.into()),
                ("revision", view["row"]["revision"].to_string()),
                ("plan_hash", hash.into()),
                ("message", message.unwrap_or_default()),
            ],
        )
        .await?;
    Ok(format!(
        "{} (revision {}, plan {})",
        done["row"]["state"].as_str().unwrap_or("?"),
        view["row"]["revision"],
        &hash[..12.min(hash.len())]
    ))
}

pub async fn run(cmd: RequestCommand) -> ExitCode {
    let result = match cmd {
        RequestCommand::Open {
            file,
            design,
            engine,
            title,
            format,
            server,
        } => match Api::new(&server) {
            Ok(api) => open(&api, &file, &design, &engine, title)
                .await
                .map(|(id, state)| {
                    let url = api.link(id);
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::json!({ "id": id, "url": url, "state": state })
                        ),
                        Format::Text => println!("change request #{id} ({state}): {url}"),
                    }
                    ExitCode::SUCCESS
                }),
            Err(e) => Err(e),
        },
        RequestCommand::Approve {
            id,
            message,
            server,
        } => reviewed(&server, id, "approve", message).await,
        RequestCommand::Reject {
            id,
            message,
            server,
        } => reviewed(&server, id, "reject", Some(message)).await,
        RequestCommand::Comment {
            id,
            message,
            server,
        } => match Api::new(&server) {
            Ok(api) => api
                .call::<Value>(
                    "comment_request",
                    &[("id", id.to_string()), ("body", message)],
                )
                .await
                .map(|_| {
                    println!("commented on change request #{id}: {}", api.link(id));
                    ExitCode::SUCCESS
                }),
            Err(e) => Err(e),
        },
        RequestCommand::Status { id, format, server } => match Api::new(&server) {
            Ok(api) => api
                .call::<Value>("get_request", &[("id", id.to_string())])
                .await
                .map(|view| status(&api, id, &view, format)),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(code) => code,
        Err(Failed::Refused(reason)) => {
            eprintln!("bulkhead: refused: {reason}");
            ExitCode::FAILURE
        }
        Err(Failed::Broken(reason)) => {
            eprintln!("bulkhead: {reason}");
            ExitCode::from(2)
        }
    }
}

async fn reviewed(
    server: &ServerArgs,
    id: i64,
    verdict: &str,
    message: Option<String>,
) -> Result<ExitCode, Failed> {
    let api = Api::new(server)?;
    let state = review(&api, id, verdict, message).await?;
    println!("change request #{id} is {state}: {}", api.link(id));
    Ok(ExitCode::SUCCESS)
}

fn status(api: &Api, id: i64, view: &Value, format: Format) -> ExitCode {
    let row = &view["row"];
    let state = row["state"].as_str().unwrap_or("?");
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "id": id,
                "url": api.link(id),
                "state": state,
                "revision": row["revision"],
                "approvals": row["approvals"],
                "approvals_required": row["approvals_required"],
            })
        ),
        Format::Text => println!(
            "change request #{id} is {state}: {} revision {} for {}, {} of {} approval(s) — {}",
            row["design"].as_str().unwrap_or("?"),
            row["revision"],
            row["engine"].as_str().unwrap_or("?"),
            row["approvals"],
            row["approvals_required"],
            api.link(id)
        ),
    }
    if matches!(state, "approved" | "applied") {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
