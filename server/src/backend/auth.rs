//! Setting Bulkhead up, signing in and out: argon2 off the async threads, failures that all
//! look alike, throttling, and an audit entry for each.

use std::sync::atomic::Ordering;

use super::{Service, audited, checks, client_address, hashing, internal, me, session_of};
use crate::password;
use crate::session;
use crate::store::audit::{self, NewEntry};
use crate::store::{Actor, throttle, users};
use app::backend::Request;
use app::error::AppError;
use app::model::{Me, Role};
use secrecy::SecretString;

/// Creates the first admin and signs them in, given the setup token the server printed when
/// it started; refused once any user exists.
pub(super) async fn setup(
    service: &Service,
    req: &Request,
    token: String,
    name: String,
    password: String,
) -> Result<Me, AppError> {
    if !service.setup_token.matches(&token) {
        return Err(AppError::invalid(
            "token",
            "this is not the setup token; copy the one the server printed when it started (its log and standard output: \"setup token: …\"), or restart it to print a new one",
        ));
    }
    let name = checks::user_name("name", name.trim())?;
    let hash = checks::new_password_hash("password", password).await?;
    let mut tx = service.write_tx().await?;
    if users::any_exists(&mut tx).await.map_err(internal)? {
        return Err(AppError::Conflict {
            message: "Bulkhead is already set up; sign in, or ask an admin for an account.".into(),
        });
    }
    let user = users::insert(&mut tx, name.as_str(), &hash, Role::Admin)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(anyhow::anyhow!("the first user's name was taken")))?;
    let actor = Actor {
        id: Some(user.id),
        name: Some(user.name.clone()),
        address: Some(client_address(&service.config, req)),
    };
    audited(
        &service.db,
        tx,
        NewEntry::new(&actor, "setup", format!("created the first admin {name}"))
            .object("user", user.id),
    )
    .await?;
    service.setup_done.store(true, Ordering::Release);
    session::begin(session_of(req)?, &user, service.config.clock.unix())
        .await
        .map_err(internal)?;
    Ok(me(&user))
}

/// The longest part of an attempted user name an audit entry keeps.
const LOGGED_NAME_CHARS: usize = 64;

/// An attempted name as the audit log keeps it: at most [`LOGGED_NAME_CHARS`] characters.
fn logged_name(name: &str) -> String {
    if name.chars().count() <= LOGGED_NAME_CHARS {
        return name.to_owned();
    }
    let mut short: String = name.chars().take(LOGGED_NAME_CHARS).collect();
    short.push('…');
    short
}

/// Signs a user in: throttled after repeated failures (checked and recorded in one write
/// transaction), the same answer and about the same time for an unknown name as for a wrong
/// password.
pub(super) async fn login(
    service: &Service,
    req: &Request,
    name: String,
    password: String,
) -> Result<Me, AppError> {
    let name = name.trim().to_string();
    let address = client_address(&service.config, req);
    let attempt = Actor {
        id: None,
        name: Some(logged_name(&name)),
        address: Some(address.clone()),
    };
    if name.is_empty() || name.len() > 256 || password.len() > password::MAX_LEN {
        return Err(AppError::BadCredentials);
    }
    let db = &service.db;
    let now = service.config.clock.unix();
    service.refusals.flush(db, now).await.map_err(internal)?;
    let mut tx = service.write_tx().await?;
    let reserved = throttle::begin_attempt(&mut tx, &name, &address, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    let reserved = match reserved {
        Ok(a) => a,
        Err(until) => {
            service
                .refusals
                .refused(db, &attempt, &name, &address, until)
                .await
                .map_err(internal)?;
            let minutes = ((until - now) + 59) / 60;
            return Err(AppError::Throttled {
                message: format!(
                    "Too many failed sign-ins for this user from this address, or from this address. Sign-in is locked for {minutes} more minute(s); wait, or ask an admin to clear the lock or reset the password."
                ),
            });
        }
    };
    let user = users::by_name(&db.read, &name).await.map_err(internal)?;
    let ok = password::verify(
        SecretString::from(password),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await
    .map_err(hashing)?;
    match user {
        Some(user) if ok && !user.disabled => {
            session::begin(session_of(req)?, &user, now)
                .await
                .map_err(internal)?;
            let actor = Actor {
                id: Some(user.id),
                ..attempt
            };
            let mut tx = service.write_tx().await?;
            throttle::forget(&mut tx, reserved)
                .await
                .map_err(internal)?;
            audited(
                &service.db,
                tx,
                NewEntry::new(&actor, "sign-in", format!("{} signed in", user.name))
                    .object("user", user.id),
            )
            .await?;
            Ok(me(&user))
        }
        _ => {
            audit::append_alone(
                db,
                NewEntry::new(
                    &attempt,
                    "sign-in-failed",
                    format!("failed sign-in as {}", logged_name(&name)),
                ),
            )
            .await
            .map_err(internal)?;
            Err(AppError::BadCredentials)
        }
    }
}

/// Ends the session on the server; the sign-out is audited when someone was signed in.
pub(super) async fn logout(service: &Service, req: &Request) -> Result<(), AppError> {
    if let Some(user) = service.current(req).await? {
        let actor = Actor {
            id: Some(user.id),
            name: Some(user.name.clone()),
            address: Some(client_address(&service.config, req)),
        };
        audit::append_alone(
            &service.db,
            NewEntry::new(&actor, "sign-out", format!("{} signed out", user.name))
                .object("user", user.id),
        )
        .await
        .map_err(internal)?;
    }
    session::end(session_of(req)?).await.map_err(internal)
}
