//! Users, as admins manage them: list, create, change role or status, reset a password.
//! An admin cannot change their own role or status, and every change is audited.

use super::{Service, audited, checks, internal};
use crate::store::audit::NewEntry;
use crate::store::users::{self, Change, UserRecord};
use app::backend::Request;
use app::error::AppError;
use app::model::{Role, UserRow};

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
    let hash = checks::new_password_hash("password", password).await?;
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

/// Changes one user as an admin, with its audit entry: `describe` says what was done to the
/// user as they were before.
async fn change(
    service: &Service,
    req: &Request,
    user_id: i64,
    allow_self: bool,
    change: Change<'_>,
    describe: impl FnOnce(&UserRecord) -> (&'static str, String),
) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let mut tx = service.write_tx().await?;
    let target = target(&mut tx, &me, user_id, allow_self).await?;
    users::change(&mut tx, user_id, change)
        .await
        .map_err(internal)?;
    let (action, summary) = describe(&target);
    audited(
        tx,
        NewEntry::new(&actor, action, summary).object("user", user_id),
    )
    .await
}

pub(super) async fn set_role(
    service: &Service,
    req: &Request,
    user_id: i64,
    role: Role,
) -> Result<(), AppError> {
    change(service, req, user_id, false, Change::Role(role), |t| {
        (
            "user-role",
            format!("changed {}'s role from {} to {role}", t.name, t.role),
        )
    })
    .await
}

pub(super) async fn set_disabled(
    service: &Service,
    req: &Request,
    user_id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let (action, verb) = if disabled {
        ("user-disable", "disabled")
    } else {
        ("user-enable", "enabled")
    };
    change(
        service,
        req,
        user_id,
        false,
        Change::Disabled(disabled),
        |t| (action, format!("{verb} user {}", t.name)),
    )
    .await
}

pub(super) async fn reset_password(
    service: &Service,
    req: &Request,
    user_id: i64,
    password: String,
) -> Result<(), AppError> {
    service.require(req, Role::Admin).await?;
    let hash = checks::new_password_hash("password", password).await?;
    change(
        service,
        req,
        user_id,
        true,
        Change::PasswordHash(&hash),
        |t| ("user-password", format!("reset the password of {}", t.name)),
    )
    .await
}
