//! Users, as admins manage them: list, create, change role or status, reset a password.
//! An admin cannot change their own role or status, and every change is audited.

use super::{Service, audited, checks, internal};
use crate::password;
use crate::store::audit::NewEntry;
use crate::store::users::{self, Change, UserRecord};
use app::backend::Request;
use app::error::AppError;
use app::model::{Role, UserRow};
use secrecy::SecretString;

pub(super) async fn list(service: &Service, req: &Request) -> Result<Vec<UserRow>, AppError> {
    service.require(req, Role::Admin).await?;
    let list = users::list(&service.db.read).await.map_err(internal)?;
    Ok(list.iter().map(UserRecord::row).collect())
}

pub(super) async fn create(
    service: &Service,
    req: &Request,
    name: String,
    password: String,
    role: Role,
) -> Result<UserRow, AppError> {
    let (_, actor) = service.require(req, Role::Admin).await?;
    let name = checks::user_name("name", name.trim())?;
    checks::password("password", &password)?;
    let hash = password::hash(SecretString::from(password))
        .await
        .map_err(internal)?;
    let mut tx = service.write_tx().await?;
    let user = users::insert(&mut tx, name.as_str(), &hash, role)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            AppError::invalid(
                "name",
                format!("a user named `{name}` exists; choose another name"),
            )
        })?;
    audited(
        tx,
        NewEntry::new(
            &actor,
            "user-create",
            format!("created user {name} as {role}"),
        )
        .object("user", user.id),
    )
    .await?;
    Ok(user.row())
}

/// The user a change is about; `allow_self` says whether it may be the admin making it.
async fn target(
    conn: &mut sqlx::SqliteConnection,
    me: &UserRecord,
    user_id: i64,
    allow_self: bool,
) -> Result<UserRecord, AppError> {
    if !allow_self && user_id == me.id {
        return Err(AppError::invalid(
            "user",
            "you cannot change your own role or status; ask another admin",
        ));
    }
    users::by_id(conn, user_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("User {user_id}"),
        })
}

pub(super) async fn set_role(
    service: &Service,
    req: &Request,
    user_id: i64,
    role: Role,
) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let mut tx = service.write_tx().await?;
    let target = target(&mut tx, &me, user_id, false).await?;
    users::change(&mut tx, user_id, Change::Role(role))
        .await
        .map_err(internal)?;
    audited(
        tx,
        NewEntry::new(
            &actor,
            "user-role",
            format!(
                "changed {}'s role from {} to {role}",
                target.name, target.role
            ),
        )
        .object("user", user_id),
    )
    .await
}

pub(super) async fn set_disabled(
    service: &Service,
    req: &Request,
    user_id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let mut tx = service.write_tx().await?;
    let target = target(&mut tx, &me, user_id, false).await?;
    users::change(&mut tx, user_id, Change::Disabled(disabled))
        .await
        .map_err(internal)?;
    let (action, verb) = if disabled {
        ("user-disable", "disabled")
    } else {
        ("user-enable", "enabled")
    };
    audited(
        tx,
        NewEntry::new(&actor, action, format!("{verb} user {}", target.name))
            .object("user", user_id),
    )
    .await
}

pub(super) async fn reset_password(
    service: &Service,
    req: &Request,
    user_id: i64,
    password: String,
) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    checks::password("password", &password)?;
    let hash = password::hash(SecretString::from(password))
        .await
        .map_err(internal)?;
    let mut tx = service.write_tx().await?;
    let target = target(&mut tx, &me, user_id, true).await?;
    users::change(&mut tx, user_id, Change::PasswordHash(&hash))
        .await
        .map_err(internal)?;
    audited(
        tx,
        NewEntry::new(
            &actor,
            "user-password",
            format!("reset the password of {}", target.name),
        )
        .object("user", user_id),
    )
    .await
}
