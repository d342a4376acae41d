//! Users, as admins manage them: list, create, change role or status, reset a password,
//! clear a sign-in lock. The admin's own role is read again inside each write transaction;
//! an admin cannot change their own role or status, the last active admin cannot be demoted
//! or disabled, and every change is audited.

use super::{Service, audited, checks, internal};
use crate::store::audit::NewEntry;
use crate::store::throttle;
use crate::store::users::{self, Change, UserRecord};
use app::backend::Request;
use app::error::AppError;
use app::model::{Role, UserRow};

pub(super) async fn list(service: &Service, req: &Request) -> Result<Vec<UserRow>, AppError> {
    service.require(req, Role::Admin).await?;
    let list = users::list(&service.db.read).await.map_err(internal)?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let failures = throttle::recent_by_name(&mut conn, service.config.clock.unix())
        .await
        .map_err(internal)?;
    Ok(list
        .iter()
        .map(|u| UserRow {
            recent_failures: failures.get(&u.name.to_lowercase()).copied().unwrap_or(0),
            ..u.row()
        })
        .collect())
}

/// The acting admin as the write transaction sees them: still an enabled admin, or refused
/// (a role taken away a moment ago counts, whatever the session said).
pub(super) async fn still_admin(
    conn: &mut sqlx::SqliteConnection,
    me: &UserRecord,
) -> Result<(), AppError> {
    let now = users::by_id(conn, me.id).await.map_err(internal)?;
    match now {
        Some(u) if u.role == Role::Admin && !u.disabled => Ok(()),
        _ => Err(AppError::Forbidden {
            needed: Role::Admin,
        }),
    }
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
        &service.db,
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
    still_admin(&mut tx, &me).await?;
    let target = target(&mut tx, &me, user_id, allow_self).await?;
    let active_admin = target.role == Role::Admin && !target.disabled;
    let removes_an_admin = active_admin
        && matches!(
            change,
            Change::Disabled(true) | Change::Role(Role::Viewer | Role::Editor | Role::Approver)
        );
    if removes_an_admin && users::active_admins(&mut tx).await.map_err(internal)? <= 1 {
        return Err(AppError::invalid(
            "user",
            format!(
                "{} is the last active admin; make another user admin first",
                target.name
            ),
        ));
    }
    if let Change::PasswordHash(_) = change {
        throttle::clear_name(&mut tx, &target.name)
            .await
            .map_err(internal)?;
    }
    users::change(&mut tx, user_id, change)
        .await
        .map_err(internal)?;
    let (action, summary) = describe(&target);
    audited(
        &service.db,
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
        |t| {
            (
                "user-password",
                format!(
                    "reset the password of {} (and cleared their failed sign-ins)",
                    t.name
                ),
            )
        },
    )
    .await
}

/// Clears the failed sign-ins of a user, which ends any lock on their name.
pub(super) async fn clear_sign_in_lock(
    service: &Service,
    req: &Request,
    user_id: i64,
) -> Result<(), AppError> {
    let (me, actor) = service.require(req, Role::Admin).await?;
    let mut tx = service.write_tx().await?;
    still_admin(&mut tx, &me).await?;
    let target = target(&mut tx, &me, user_id, true).await?;
    let cleared = throttle::clear_name(&mut tx, &target.name)
        .await
        .map_err(internal)?;
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "user-unlock",
            format!(
                "cleared {cleared} failed sign-in(s) of {}, ending any lock",
                target.name
            ),
        )
        .object("user", user_id),
    )
    .await
}
