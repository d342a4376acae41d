//! `bulkhead user add NAME --role ROLE`, the password read from standard input.

use super::{DataArg, fail};
use crate::db::Db;
use crate::password;
use crate::store::audit::NewEntry;
use crate::store::users;
use crate::user_name::UserName;
use app::model::Role;
use secrecy::SecretString;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input (one line).
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[command(flatten)]
        data: DataArg,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: app::model::UnknownRole| e.to_string())
}

fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the new user (input is shown; pipe it in to avoid that): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(cmd: UserCommand) -> ExitCode {
    match cmd {
        UserCommand::Add { name, role, data } => match add(&name, role, &data).await {
            Ok(()) => {
                println!("created user {name} with role {role}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

async fn add(name: &str, role: Role, data: &DataArg) -> Result<(), String> {
    UserName::parse(name).map_err(|e| format!("user name `{name}` {e}"))?;
    let password = read_password()?;
    password::check_new(&password).map_err(|m| format!("password: {m}"))?;
    std::fs::create_dir_all(&data.dir).map_err(|e| {
        format!(
            "cannot create the data directory {}: {e}",
            data.dir.display()
        )
    })?;
    let db = Db::open(&data.dir).await.map_err(|e| e.to_string())?;
    let hash = password::hash(SecretString::from(password))
        .await
        .map_err(|e| format!("{e:#}"))?;
    let mut tx = db
        .write
        .begin()
        .await
        .map_err(|e| format!("database: {e}"))?;
    let first = !users::any_exists(&mut tx)
        .await
        .map_err(|e| format!("{e:#}"))?;
    let user = users::insert(&mut tx, name, &hash, role)
        .await
        .map_err(|e| format!("{e:#}"))?
        .ok_or_else(|| format!("a user named `{name}` exists already; choose another name"))?;
    let actor = crate::cli::trail::actor();
    let (action, summary) = if first {
        (
            "setup",
            format!("created the first user {name} as {role} from the command line"),
        )
    } else {
        (
            "user-create",
            format!("created user {name} as {role} from the command line"),
        )
    };
    super::audited_from_shell(
        &db,
        tx,
        NewEntry::new(&actor, action, summary).object("user", user.id),
    )
    .await
}
