//! The server side of every server function: checks who is asking and what they may do,
//! then changes the database together with its audit entry.

use crate::clock;
use crate::config::Config;
use crate::db::Db;
use crate::documents;
use crate::password;
use crate::session;
use crate::store::audit::{self, NewEntry};
use crate::store::users::{self, Change, UserRecord};
use crate::store::{Actor, designs, throttle};
use crate::user_name::UserName;
use app::backend::{Backend, Request};
use app::error::AppError;
use app::model::{
    AuditFilter, AuditPage, ComposeImported, DesignDetail, DesignSummary, MAX_DOCUMENT_BYTES,
    MAX_LAYOUT_BYTES, Me, RevisionInfo, Role, UserRow,
};
use axum::extract::ConnectInfo;
use design::RawDesign;
use design::model::DesignName;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_sessions::Session;

/// The application's state behind the server functions and the HTTP middleware.
#[derive(Debug)]
pub struct Service {
    pub db: Db,
    pub config: Arc<Config>,
    /// Set once a user exists: from then on the setup page is gone for good.
    setup_done: AtomicBool,
}

/// Logs an unexpected error in full and answers with an opaque one.
fn internal(e: anyhow::Error) -> AppError {
    tracing::error!(error = format!("{e:#}"), "request failed");
    AppError::Internal
}

fn me(u: &UserRecord) -> Me {
    Me {
        id: u.id,
        name: u.name.clone(),
        role: u.role(),
    }
}

fn design_name(field: &str, value: &str) -> Result<DesignName, AppError> {
    DesignName::parse(value).map_err(|e| AppError::invalid(field, format!("`{value}` {e}")))
}

fn user_name(field: &str, value: &str) -> Result<UserName, AppError> {
    UserName::parse(value).map_err(|e| AppError::invalid(field, format!("`{value}` {e}")))
}

fn check_password(field: &str, value: &str) -> Result<(), AppError> {
    password::check_new(value).map_err(|m| AppError::invalid(field, m))
}

/// The client's address, as the audit log and the throttle see it.
pub fn client_address(req: &Request) -> String {
    req.extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn session_of(req: &Request) -> Result<&Session, AppError> {
    req.extensions.get::<Session>().ok_or_else(|| {
        internal(anyhow::anyhow!(
            "the session layer is missing from the request"
        ))
    })
}

impl Service {
    pub fn new(db: Db, config: Arc<Config>) -> Self {
        Service {
            db,
            config,
            setup_done: AtomicBool::new(false),
        }
    }

    /// Whether the first admin still has to be created.
    pub async fn needs_setup(&self) -> anyhow::Result<bool> {
        if self.setup_done.load(Ordering::Acquire) {
            return Ok(false);
        }
        let mut conn = self.db.read.acquire().await?;
        let exists = users::any_exists(&mut conn).await?;
        if exists {
            self.setup_done.store(true, Ordering::Release);
        }
        Ok(!exists)
    }

    /// The signed-in user of a request, if any.
    pub async fn current(&self, req: &Request) -> Result<Option<UserRecord>, AppError> {
        let s = session_of(req)?;
        session::user(&self.db, &self.config, s)
            .await
            .map_err(internal)
    }

    /// The signed-in user, who must have at least `min`; and the actor for the audit log.
    async fn require(&self, req: &Request, min: Role) -> Result<(UserRecord, Actor), AppError> {
        let user = self.current(req).await?.ok_or(AppError::NotSignedIn)?;
        if user.role() < min {
            return Err(AppError::Forbidden { needed: min });
        }
        let actor = Actor {
            id: Some(user.id),
            name: Some(user.name.clone()),
            address: Some(client_address(req)),
        };
        Ok((user, actor))
    }

    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, AppError> {
        self.db.write.begin().await.map_err(|e| internal(e.into()))
    }

    async fn design_detail(
        &self,
        id: i64,
        revision: Option<i64>,
    ) -> Result<DesignDetail, AppError> {
        let mut conn = self
            .db
            .read
            .acquire()
            .await
            .map_err(|e| internal(e.into()))?;
        let d = designs::get(&mut conn, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Design {id}"),
            })?;
        let number = revision.unwrap_or(d.head);
        let rev = designs::revision(&mut conn, id, number)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Revision {number} of design {}", d.name),
            })?;
        let history = designs::history(&mut conn, id, None)
            .await
            .map_err(internal)?;
        let (model, model_error) = documents::model_of(&rev.document, &d.name);
        Ok(DesignDetail {
            id,
            name: d.name,
            deleted: d.deleted_at.is_some(),
            head: d.head,
            revision: rev.info(),
            document: rev.document,
            model,
            model_error,
            layout: rev.layout,
            history,
        })
    }

    async fn target_user(
        &self,
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
}

/// Documents and Compose files are bounded like saved documents.
fn check_size(field: &str, text: &str) -> Result<(), AppError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            field,
            format!(
                "{} bytes, over the limit of {MAX_DOCUMENT_BYTES} (1 MiB): split it into smaller designs",
                text.len()
            ),
        ));
    }
    Ok(())
}

fn check_document(document: &str) -> Result<String, AppError> {
    check_size("document", document)?;
    let name = documents::name_of(document).map_err(|m| AppError::invalid("document", m))?;
    Ok(design_name("name", &name)?.as_str().to_owned())
}

/// A layout is JSON kept beside the revision; it is bounded and must be an object.
fn check_layout(layout: Option<String>) -> Result<Option<String>, AppError> {
    let Some(layout) = layout.filter(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    if layout.len() > MAX_LAYOUT_BYTES {
        return Err(AppError::invalid("layout", "the layout is over 256 KiB"));
    }
    match serde_json::from_str::<serde_json::Value>(&layout) {
        Ok(serde_json::Value::Object(_)) => Ok(Some(layout)),
        _ => Err(AppError::invalid(
            "layout",
            "the layout must be a JSON object; reload the page",
        )),
    }
}

fn check_message(message: &str) -> Result<String, AppError> {
    let message = message.trim();
    if message.chars().count() > 500 {
        return Err(AppError::invalid(
            "message",
            "keep the message under 500 characters",
        ));
    }
    Ok(message.to_string())
}

#[async_trait::async_trait]
impl Backend for Service {
    async fn setup_needed(&self) -> Result<bool, AppError> {
        self.needs_setup().await.map_err(internal)
    }

    async fn setup(&self, req: &Request, name: String, password: String) -> Result<Me, AppError> {
        let name = user_name("name", name.trim())?;
        check_password("password", &password)?;
        let hash = password::hash(SecretString::from(password))
            .await
            .map_err(internal)?;
        let mut tx = self.write_tx().await?;
        if users::any_exists(&mut tx).await.map_err(internal)? {
            return Err(AppError::Conflict {
                message: "Bulkhead is already set up; sign in, or ask an admin for an account."
                    .into(),
            });
        }
        let user = users::insert(&mut tx, name.as_str(), &hash, Role::Admin)
            .await
            .map_err(internal)?
            .ok_or(AppError::Internal)?;
        let actor = Actor {
            id: Some(user.id),
            name: Some(user.name.clone()),
            address: Some(client_address(req)),
        };
        audit::append(
            &mut tx,
            NewEntry::new(&actor, "setup", format!("created the first admin {name}"))
                .object("user", user.id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))?;
        self.setup_done.store(true, Ordering::Release);
        session::begin(session_of(req)?, &user)
            .await
            .map_err(internal)?;
        Ok(me(&user))
    }

    async fn me(&self, req: &Request) -> Result<Option<Me>, AppError> {
        Ok(self.current(req).await?.as_ref().map(me))
    }

    async fn login(&self, req: &Request, name: String, password: String) -> Result<Me, AppError> {
        let name = name.trim().to_string();
        let address = client_address(req);
        let attempt = Actor {
            id: None,
            name: Some(name.clone()),
            address: Some(address.clone()),
        };
        if name.is_empty() || name.len() > 256 || password.len() > password::MAX_LEN {
            return Err(AppError::BadCredentials);
        }
        let now = clock::now_unix();
        if let Some(until) = throttle::locked_until(&self.db.read, &name, &address, now)
            .await
            .map_err(internal)?
        {
            let minutes = ((until - now) + 59) / 60;
            audit::append_alone(
                &self.db.write,
                NewEntry::new(
                    &attempt,
                    "sign-in-throttled",
                    format!("refused a sign-in as {name}: too many failures"),
                ),
            )
            .await
            .map_err(internal)?;
            return Err(AppError::Throttled {
                message: format!(
                    "Too many failed sign-ins for this user or from this address. Sign-in is locked for {minutes} more minute(s); wait, or ask an admin to reset the password."
                ),
            });
        }
        let user = users::by_name(&self.db.read, &name)
            .await
            .map_err(internal)?;
        let ok = password::verify(
            SecretString::from(password),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await
        .map_err(internal)?;
        match user {
            Some(user) if ok && !user.disabled => {
                session::begin(session_of(req)?, &user)
                    .await
                    .map_err(internal)?;
                let actor = Actor {
                    id: Some(user.id),
                    ..attempt
                };
                audit::append_alone(
                    &self.db.write,
                    NewEntry::new(&actor, "sign-in", format!("{} signed in", user.name))
                        .object("user", user.id),
                )
                .await
                .map_err(internal)?;
                Ok(me(&user))
            }
            _ => {
                let mut tx = self.write_tx().await?;
                throttle::record_failure(&mut tx, &name, &address, now)
                    .await
                    .map_err(internal)?;
                audit::append(
                    &mut tx,
                    NewEntry::new(
                        &attempt,
                        "sign-in-failed",
                        format!("failed sign-in as {name}"),
                    ),
                )
                .await
                .map_err(internal)?;
                tx.commit().await.map_err(|e| internal(e.into()))?;
                Err(AppError::BadCredentials)
            }
        }
    }

    async fn logout(&self, req: &Request) -> Result<(), AppError> {
        let user = self.current(req).await?;
        if let Some(user) = user {
            let actor = Actor {
                id: Some(user.id),
                name: Some(user.name.clone()),
                address: Some(client_address(req)),
            };
            audit::append_alone(
                &self.db.write,
                NewEntry::new(&actor, "sign-out", format!("{} signed out", user.name))
                    .object("user", user.id),
            )
            .await
            .map_err(internal)?;
        }
        session::end(session_of(req)?).await.map_err(internal)
    }

    async fn list_users(&self, req: &Request) -> Result<Vec<UserRow>, AppError> {
        self.require(req, Role::Admin).await?;
        let list = users::list(&self.db.read).await.map_err(internal)?;
        Ok(list.iter().map(UserRecord::row).collect())
    }

    async fn create_user(
        &self,
        req: &Request,
        name: String,
        password: String,
        role: Role,
    ) -> Result<UserRow, AppError> {
        let (_, actor) = self.require(req, Role::Admin).await?;
        let name = user_name("name", name.trim())?;
        check_password("password", &password)?;
        let hash = password::hash(SecretString::from(password))
            .await
            .map_err(internal)?;
        let mut tx = self.write_tx().await?;
        let user = users::insert(&mut tx, name.as_str(), &hash, role)
            .await
            .map_err(internal)?
            .ok_or_else(|| {
                AppError::invalid(
                    "name",
                    format!("a user named `{name}` exists; choose another name"),
                )
            })?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "user-create",
                format!("created user {name} as {role}"),
            )
            .object("user", user.id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))?;
        Ok(user.row())
    }

    async fn set_role(&self, req: &Request, user_id: i64, role: Role) -> Result<(), AppError> {
        let (me, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        let target = self.target_user(&mut tx, &me, user_id, false).await?;
        users::change(&mut tx, user_id, Change::Role(role))
            .await
            .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "user-role",
                format!(
                    "changed {}'s role from {} to {role}",
                    target.name,
                    target.role()
                ),
            )
            .object("user", user_id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn set_disabled(
        &self,
        req: &Request,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        let (me, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        let target = self.target_user(&mut tx, &me, user_id, false).await?;
        users::change(&mut tx, user_id, Change::Disabled(disabled))
            .await
            .map_err(internal)?;
        let (action, verb) = if disabled {
            ("user-disable", "disabled")
        } else {
            ("user-enable", "enabled")
        };
        audit::append(
            &mut tx,
            NewEntry::new(&actor, action, format!("{verb} user {}", target.name))
                .object("user", user_id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn reset_password(
        &self,
        req: &Request,
        user_id: i64,
        password: String,
    ) -> Result<(), AppError> {
        let (me, actor) = self.require(req, Role::Admin).await?;
        check_password("password", &password)?;
        let hash = password::hash(SecretString::from(password))
            .await
            .map_err(internal)?;
        let mut tx = self.write_tx().await?;
        let target = self.target_user(&mut tx, &me, user_id, true).await?;
        users::change(&mut tx, user_id, Change::PasswordHash(&hash))
            .await
            .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "user-password",
                format!("reset the password of {}", target.name),
            )
            .object("user", user_id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn list_designs(
        &self,
        req: &Request,
        include_deleted: bool,
    ) -> Result<Vec<DesignSummary>, AppError> {
        let (user, _) = self.require(req, Role::Viewer).await?;
        if include_deleted && user.role() < Role::Admin {
            return Err(AppError::Forbidden {
                needed: Role::Admin,
            });
        }
        designs::list(&self.db.read, include_deleted)
            .await
            .map_err(internal)
    }

    async fn create_design(
        &self,
        req: &Request,
        name: String,
        template: Option<String>,
    ) -> Result<DesignSummary, AppError> {
        let (user, actor) = self.require(req, Role::Editor).await?;
        // Checked by the rule every design name follows; the store takes it as text.
        let name = design_name("name", name.trim())?.to_string();
        let template = template.filter(|t| !t.is_empty());
        let document = match &template {
            Some(t) => {
                documents::from_template(t, &name).map_err(|m| AppError::invalid("template", m))?
            }
            None => documents::blank(&name),
        };
        let mut tx = self.write_tx().await?;
        if designs::name_taken(&mut tx, &name, None)
            .await
            .map_err(internal)?
        {
            return Err(AppError::invalid(
                "name",
                format!("a design named `{name}` exists; choose another name"),
            ));
        }
        let message = match &template {
            Some(t) => format!("created from template {t}"),
            None => "created blank".to_string(),
        };
        let id = designs::create(&mut tx, &name, &document, user.id, &message)
            .await
            .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "design-create",
                format!("created design {name} ({message})"),
            )
            .design(id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))?;
        Ok(DesignSummary {
            id,
            name,
            revision: 1,
            updated_at: clock::display(&clock::now_text()),
            updated_by: user.name,
            deleted: false,
        })
    }

    async fn rename_design(&self, req: &Request, id: i64, name: String) -> Result<(), AppError> {
        let (user, actor) = self.require(req, Role::Editor).await?;
        // Checked by the rule every design name follows; the store takes it as text.
        let name = design_name("name", name.trim())?.to_string();
        let mut tx = self.write_tx().await?;
        let d = designs::get(&mut tx, id)
            .await
            .map_err(internal)?
            .filter(|d| d.deleted_at.is_none())
            .ok_or_else(|| AppError::NotFound {
                what: format!("Design {id}"),
            })?;
        if d.name == name {
            return Ok(());
        }
        if designs::name_taken(&mut tx, &name, Some(id))
            .await
            .map_err(internal)?
        {
            return Err(AppError::invalid(
                "name",
                format!("a design named `{name}` exists; choose another name"),
            ));
        }
        let head = designs::revision(&mut tx, id, d.head)
            .await
            .map_err(internal)?
            .ok_or(AppError::Internal)?;
        let document = documents::rename(&head.document, &name)
            .map_err(|m| AppError::invalid("document", m))?;
        let message = format!("renamed from {} to {name}", d.name);
        let number = designs::append_revision(
            &mut tx,
            &d,
            &name,
            &document,
            &head.layout,
            user.id,
            &message,
        )
        .await
        .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "design-rename",
                format!("renamed design {} to {name} (revision {number})", d.name),
            )
            .design(id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn delete_design(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (user, actor) = self.require(req, Role::Editor).await?;
        let mut tx = self.write_tx().await?;
        let d = designs::get(&mut tx, id)
            .await
            .map_err(internal)?
            .filter(|d| d.deleted_at.is_none())
            .ok_or_else(|| AppError::NotFound {
                what: format!("Design {id}"),
            })?;
        designs::set_deleted(&mut tx, id, Some(user.id))
            .await
            .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "design-delete",
                format!("deleted design {}", d.name),
            )
            .design(id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn restore_design(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (_, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        let d = designs::get(&mut tx, id)
            .await
            .map_err(internal)?
            .filter(|d| d.deleted_at.is_some())
            .ok_or_else(|| AppError::NotFound {
                what: format!("Deleted design {id}"),
            })?;
        if designs::name_taken(&mut tx, &d.name, Some(id))
            .await
            .map_err(internal)?
        {
            return Err(AppError::Conflict {
                message: format!(
                    "A live design is named `{}`; rename it first, then restore this one.",
                    d.name
                ),
            });
        }
        designs::set_deleted(&mut tx, id, None)
            .await
            .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "design-restore",
                format!("restored design {}", d.name),
            )
            .design(id),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))
    }

    async fn get_design(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
    ) -> Result<DesignDetail, AppError> {
        let (user, _) = self.require(req, Role::Viewer).await?;
        let detail = self.design_detail(id, revision).await?;
        if detail.deleted && user.role() < Role::Admin {
            return Err(AppError::NotFound {
                what: format!("Design {id}"),
            });
        }
        Ok(detail)
    }

    async fn save_design(
        &self,
        req: &Request,
        id: i64,
        base: i64,
        document: String,
        message: String,
        layout: Option<String>,
    ) -> Result<RevisionInfo, AppError> {
        let (user, actor) = self.require(req, Role::Editor).await?;
        // The designer sends its model as JSON, stored as canonical YAML: the limits apply
        // to what is stored.
        let document =
            documents::normalise(document).map_err(|m| AppError::invalid("document", m))?;
        let name = check_document(&document)?;
        let message = check_message(&message)?;
        let layout = check_layout(layout)?;
        let mut tx = self.write_tx().await?;
        let d = designs::get(&mut tx, id)
            .await
            .map_err(internal)?
            .filter(|d| d.deleted_at.is_none())
            .ok_or_else(|| AppError::NotFound {
                what: format!("Design {id}"),
            })?;
        if d.head != base {
            let newer = designs::history(&mut tx, id, Some(base))
                .await
                .map_err(internal)?;
            let who = newer
                .iter()
                .rev()
                .map(|r| format!("revision {} by {} at {}", r.number, r.author, r.created_at))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(AppError::Conflict {
                message: format!(
                    "Someone saved this design while you were editing revision {base}: {who}. Nothing was saved. Load the latest revision and apply your change again."
                ),
            });
        }
        if name != d.name
            && designs::name_taken(&mut tx, &name, Some(id))
                .await
                .map_err(internal)?
        {
            return Err(AppError::invalid(
                "document",
                format!("name: a design named `{name}` exists; choose another name"),
            ));
        }
        let message = if message.is_empty() {
            "saved".to_string()
        } else {
            message
        };
        let layout = match layout {
            Some(l) => l,
            None => designs::revision(&mut tx, id, d.head)
                .await
                .map_err(internal)?
                .map(|r| r.layout)
                .unwrap_or_else(|| "{}".into()),
        };
        let number =
            designs::append_revision(&mut tx, &d, &name, &document, &layout, user.id, &message)
                .await
                .map_err(internal)?;
        audit::append(
            &mut tx,
            NewEntry::new(
                &actor,
                "design-save",
                format!("saved {name} revision {number}: {message}"),
            )
            .design(id)
            .details(serde_json::json!({ "revision": number, "bytes": document.len() })),
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(|e| internal(e.into()))?;
        let mut conn = self
            .db
            .write
            .acquire()
            .await
            .map_err(|e| internal(e.into()))?;
        designs::revision(&mut conn, id, number)
            .await
            .map_err(internal)?
            .map(|r| r.info())
            .ok_or(AppError::Internal)
    }

    async fn read_document(&self, req: &Request, text: String) -> Result<RawDesign, AppError> {
        self.require(req, Role::Viewer).await?;
        check_size("document", &text)?;
        design::parse_document(&text).map_err(|e| AppError::invalid("document", e.to_string()))
    }

    async fn write_document(&self, req: &Request, model: String) -> Result<String, AppError> {
        // A model is bounded by the request body limit (4 MiB); the YAML it becomes is what
        // saving then checks against the 1 MiB limit.
        self.require(req, Role::Viewer).await?;
        let model = serde_json::from_str::<RawDesign>(&model)
            .map_err(|e| AppError::invalid("model", format!("the model does not read: {e}")))?;
        Ok(design::to_canonical_yaml(&model))
    }

    async fn import_compose(
        &self,
        req: &Request,
        text: String,
        name: String,
    ) -> Result<ComposeImported, AppError> {
        self.require(req, Role::Viewer).await?;
        check_size("compose", &text)?;
        design_name("name", &name)?;
        let imported = design::import::compose(&text, &name).map_err(|e| {
            AppError::invalid(
                "compose",
                format!("That Compose file cannot be imported: {e}"),
            )
        })?;
        Ok(ComposeImported {
            model: imported.design,
            notes: imported
                .notes
                .into_iter()
                .map(|n| format!("{}: {}", n.path, n.message))
                .collect(),
        })
    }

    async fn audit(&self, req: &Request, filter: AuditFilter) -> Result<AuditPage, AppError> {
        self.require(req, Role::Viewer).await?;
        audit::page(&self.db.read, &filter).await.map_err(internal)
    }
}
