//! API tokens from the users page (admins): made for a user and shown once, listed without
//! their secret, revoked; each step in the audit log, never the token itself. And webhooks:
//! registered, removed, tested, with their latest deliveries.

use app::backend::{Integrations, Request};
use app::error::AppError;
use app::model::{CreatedToken, ForwarderRow, Role, TokenRow, WebhookRow};

use super::{Service, audited, internal};
use crate::clock;
use crate::store::audit::NewEntry;
use crate::store::tokens::{self, TokenRecord};
use crate::store::{users, webhooks};

/// The longest token name, in characters.
const MAX_NAME: usize = 64;

/// A token's name: what it is for, 1 to 64 printable characters.
pub fn token_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(format!(
            "name the token by what uses it (\"ci\", \"release script\"): 1 to {MAX_NAME} printable characters"
        ));
    }
    Ok(name)
}

fn row(t: TokenRecord) -> TokenRow {
    TokenRow {
        id: t.id,
        user: t.user,
        user_id: t.user_id,
        name: t.name,
        prefix: t.prefix,
        created_at: clock::display(&t.created_at),
        created_by: t.created_by,
        revoked: t.revoked_at.map(|at| {
            format!(
                "{} by {}",
                clock::display(&at),
                t.revoked_by.unwrap_or_default()
            )
        }),
        last_used: t.last_used_at.map(|at| clock::display(&at)),
    }
}

#[async_trait::async_trait]
impl Integrations for Service {
    async fn list_tokens(&self, req: &Request) -> Result<Vec<TokenRow>, AppError> {
        self.require(req, Role::Admin).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        Ok(tokens::list(&mut conn)
            .await
            .map_err(internal)?
            .into_iter()
            .map(row)
            .collect())
    }

    async fn create_token(
        &self,
        req: &Request,
        user_id: i64,
        name: String,
    ) -> Result<CreatedToken, AppError> {
        let (admin, actor) = self.require(req, Role::Admin).await?;
        if super::bearer(&req.headers).is_some() {
            return Err(AppError::NotPermitted {
                message: "a token cannot make tokens (a leaked one could replace itself); make them in the browser or with bulkhead token create".into(),
            });
        }
        let name = token_name(&name).map_err(|m| AppError::invalid("name", m))?;
        let mut tx = self.write_tx().await?;
        let user = users::by_id(&mut tx, user_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("User {user_id}"),
            })?;
        if tokens::name_taken(&mut tx, user_id, name)
            .await
            .map_err(internal)?
        {
            return Err(AppError::invalid(
                "name",
                format!(
                    "{} has a token named `{name}` in force; revoke it first or choose another name",
                    user.name
                ),
            ));
        }
        let (id, token) = tokens::insert(&mut tx, user_id, name, &admin.name)
            .await
            .map_err(internal)?;
        let record = tokens::get(&mut tx, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal(anyhow::anyhow!("token {id} vanished")))?;
        let entry = NewEntry::new(
            &actor,
            "token-create",
            format!(
                "made API token {name} ({}) for {} ({})",
                record.prefix, user.name, user.role
            ),
        )
        .object("token", id)
        .details(serde_json::json!({ "token": id, "user": user.name, "name": name, "prefix": record.prefix }));
        audited(&self.db, tx, entry).await?;
        Ok(CreatedToken {
            row: row(record),
            token,
        })
    }

    async fn revoke_token(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (admin, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        let record = tokens::get(&mut tx, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Token {id}"),
            })?;
        if !tokens::revoke(&mut tx, id, &admin.name)
            .await
            .map_err(internal)?
        {
            return Err(AppError::Conflict {
                message: format!("token {} is revoked already", record.name),
            });
        }
        let entry = NewEntry::new(
            &actor,
            "token-revoke",
            format!(
                "revoked API token {} ({}) of {}",
                record.name, record.prefix, record.user
            ),
        )
        .object("token", id)
        .details(serde_json::json!({ "token": id, "user": record.user, "name": record.name }));
        audited(&self.db, tx, entry).await
    }

    async fn list_webhooks(&self, req: &Request) -> Result<Vec<WebhookRow>, AppError> {
        self.webhooks_list(req).await
    }

    async fn add_webhook(
        &self,
        req: &Request,
        url: String,
        engine: Option<i64>,
    ) -> Result<WebhookRow, AppError> {
        self.webhook_add(req, url, engine).await
    }

    async fn remove_webhook(&self, req: &Request, id: i64) -> Result<(), AppError> {
        self.webhook_remove(req, id).await
    }

    async fn test_webhook(&self, req: &Request, id: i64) -> Result<(), AppError> {
        self.webhook_test(req, id).await
    }

    async fn list_forwarders(&self, req: &Request) -> Result<Vec<ForwarderRow>, AppError> {
        self.forwarders_list(req).await
    }

    async fn add_forwarder(
        &self,
        req: &Request,
        kind: String,
        target: String,
    ) -> Result<ForwarderRow, AppError> {
        self.forwarder_add(req, kind, target).await
    }

    async fn remove_forwarder(&self, req: &Request, id: i64) -> Result<(), AppError> {
        self.forwarder_remove(req, id).await
    }

    async fn test_forwarder(&self, req: &Request, id: i64) -> Result<String, AppError> {
        self.forwarder_test(req, id).await
    }
}

/// A webhook's URL: http or https, with a host, at most 2,000 characters.
pub(crate) fn webhook_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| format!("`{url}` is not a URL ({e}); write http(s)://host/path"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("`{url}` is not an http or https URL with a host"));
    }
    if url.len() > 2000 {
        return Err("the URL is over 2,000 characters".into());
    }
    Ok(url.to_owned())
}

/// The webhooks half of [`Integrations`], kept apart from the tokens.
impl Service {
    pub(super) async fn webhooks_list(&self, req: &Request) -> Result<Vec<WebhookRow>, AppError> {
        self.require(req, Role::Admin).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        webhooks::list(&mut conn).await.map_err(internal)
    }

    pub(super) async fn webhook_add(
        &self,
        req: &Request,
        url: String,
        engine: Option<i64>,
    ) -> Result<WebhookRow, AppError> {
        let (admin, actor) = self.require(req, Role::Admin).await?;
        let url = webhook_url(&url).map_err(|m| AppError::invalid("url", m))?;
        let mut tx = self.write_tx().await?;
        let engine_name = match engine {
            Some(e) => Some(
                crate::store::engines::get(&mut tx, e)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| AppError::NotFound {
                        what: format!("Engine {e}"),
                    })?
                    .name,
            ),
            None => None,
        };
        let id = webhooks::insert(&mut tx, &url, engine, &admin.name)
            .await
            .map_err(internal)?;
        let scope = engine_name
            .as_deref()
            .map_or("every engine".to_owned(), |e| format!("engine {e}"));
        let entry = NewEntry::new(
            &actor,
            "webhook-add",
            format!("added a webhook for the change requests of {scope}"),
        )
        .object("webhook", id)
        .details(serde_json::json!({ "webhook": id, "engine": engine_name }));
        audited(&self.db, tx, entry).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        webhooks::list(&mut conn)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or_else(|| internal(anyhow::anyhow!("webhook {id} vanished")))
    }

    pub(super) async fn webhook_remove(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (_, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        webhooks::delete(&mut tx, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Webhook {id}"),
            })?;
        let entry = NewEntry::new(&actor, "webhook-remove", format!("removed webhook {id}"))
            .object("webhook", id);
        audited(&self.db, tx, entry).await
    }

    pub(super) async fn webhook_test(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (admin, _) = self.require(req, Role::Admin).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        if !webhooks::exists(&mut conn, id).await.map_err(internal)? {
            return Err(AppError::NotFound {
                what: format!("Webhook {id}"),
            });
        }
        drop(conn);
        self.webhooks
            .test(&self.db, &self.config.clock, id, &admin.name)
            .await
            .map_err(internal)
    }
}
