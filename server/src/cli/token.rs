//! `bulkhead token create --user NAME --name LABEL`: an API token made from the shell, for
//! bootstrapping scripts and CI before anyone has signed in; printed once, as the last line.

use super::{DataArg, fail};
use crate::backend::token_name;
use crate::db::Db;
use crate::store::audit::NewEntry;
use crate::store::{tokens, users};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Make an API token for a user; it is printed once, as the last line of standard output.
    Create {
        /// The user the token acts as (with that user's role, whatever it becomes).
        #[arg(long)]
        user: String,
        /// What uses the token ("ci", "release script").
        #[arg(long)]
        name: String,
        #[command(flatten)]
        data: DataArg,
    },
}

pub async fn run(cmd: TokenCommand) -> ExitCode {
    match cmd {
        TokenCommand::Create { user, name, data } => match create(&user, &name, &data).await {
            Ok((label, token)) => {
                println!(
                    "API token {label} for {user} (shown this once; keep it in a secret store):"
                );
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

async fn create(user: &str, name: &str, data: &DataArg) -> Result<(String, String), String> {
    let name = token_name(name)?;
    if !data.dir.join(crate::db::DB_FILE).exists() {
        return Err(format!(
            "no Bulkhead database in {}: pass --data with the server's data directory",
            data.dir.display()
        ));
    }
    let db = Db::open(&data.dir).await.map_err(|e| e.to_string())?;
    let record = users::by_name(&db.read, user)
        .await
        .map_err(|e| format!("{e:#}"))?
        .ok_or_else(|| {
            format!("there is no user named `{user}`; create one with bulkhead user add")
        })?;
    if record.disabled {
        return Err(format!("user {user} is disabled; enable them first"));
    }
    let mut tx = db
        .write
        .begin()
        .await
        .map_err(|e| format!("database: {e}"))?;
    if tokens::name_taken(&mut tx, record.id, name)
        .await
        .map_err(|e| format!("{e:#}"))?
    {
        return Err(format!(
            "{user} has a token named `{name}` in force; revoke it in the web app or choose another name"
        ));
    }
    let actor = crate::cli::trail::actor();
    let by = actor.name.clone().unwrap_or_default();
    let (id, token) = tokens::insert(&mut tx, record.id, name, &by)
        .await
        .map_err(|e| format!("{e:#}"))?;
    let prefix = &token[..tokens::TOKEN_PREFIX.len() + 8];
    super::audited_from_shell(
        &db,
        tx,
        NewEntry::new(
            &actor,
            "token-create",
            format!(
                "made API token {name} ({prefix}) for {user} ({}) from the command line",
                record.role
            ),
        )
        .object("token", id)
        .details(serde_json::json!({ "token": id, "user": user, "name": name, "prefix": prefix })),
    )
    .await?;
    Ok((name.to_owned(), token))
}
