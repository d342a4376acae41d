//! Designs and their revisions: list, create (from a template or blank), rename, delete and
//! restore, read one revision, and save a new one on top of the head it was edited from.

use super::access::{live_design, readable_design};
use super::{Service, audited, checks, internal, offloaded};
use crate::clock;
use crate::documents;
use crate::offload;
use crate::store::Actor;
use crate::store::audit::NewEntry;
use crate::store::designs;
use crate::store::users::UserRecord;
use app::backend::Request;
use app::error::AppError;
use app::model::{DesignDetail, DesignSummary, RevisionInfo, Role};

fn name_taken(name: &str, field: &str) -> AppError {
    AppError::invalid(
        field,
        format!("a design named `{name}` exists; choose another name"),
    )
}

pub(super) async fn list(
    service: &Service,
    req: &Request,
    include_deleted: bool,
) -> Result<Vec<DesignSummary>, AppError> {
    let (user, _) = service.require(req, Role::Viewer).await?;
    if include_deleted && user.role < Role::Admin {
        return Err(AppError::Forbidden {
            needed: Role::Admin,
        });
    }
    let mut list = designs::list(&service.db.read, include_deleted)
        .await
        .map_err(internal)?;
    for row in crate::store::live::list(&service.db.read, None, None)
        .await
        .map_err(internal)?
    {
        let Some(d) = list.iter_mut().find(|d| d.id == row.design_id) else {
            continue;
        };
        d.alerts.extend(crate::store::live::alerts(&row));
    }
    Ok(list)
}

pub(super) async fn create(
    service: &Service,
    req: &Request,
    name: String,
    template: Option<String>,
) -> Result<DesignSummary, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    // Checked by the rule every design name follows; the store takes it as text.
    let name = checks::design_name("name", name.trim())?.to_string();
    let template = template.filter(|t| !t.is_empty());
    let document = match &template {
        Some(t) => {
            documents::from_template(t, &name).map_err(|m| AppError::invalid("template", m))?
        }
        None => documents::blank(&name),
    };
    let message = match &template {
        Some(t) => format!("created from template {t}"),
        None => "created blank".to_string(),
    };
    store_new(service, &user, &actor, name, &document, message).await
}

/// Stores a new design under a name not taken, with its audit entry.
pub(super) async fn store_new(
    service: &Service,
    user: &UserRecord,
    actor: &Actor,
    name: String,
    document: &str,
    message: String,
) -> Result<DesignSummary, AppError> {
    let mut tx = service.write_tx().await?;
    if designs::name_taken(&mut tx, &name, None)
        .await
        .map_err(internal)?
    {
        return Err(name_taken(&name, "name"));
    }
    let id = designs::create(&mut tx, &name, document, user.id, &message)
        .await
        .map_err(internal)?;
    audited(
        &service.db,
        tx,
        NewEntry::new(
            actor,
            "design-create",
            format!("created design {name} ({message})"),
        )
        .design(id),
    )
    .await?;
    Ok(DesignSummary {
        id,
        name,
        revision: 1,
        updated_at: clock::display(&clock::now_text()),
        updated_by: user.name.clone(),
        deleted: false,
        alerts: Vec::new(),
    })
}

/// Renames a design: a new revision whose document carries the new name.
pub(super) async fn rename(
    service: &Service,
    req: &Request,
    id: i64,
    name: String,
) -> Result<(), AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let name = checks::design_name("name", name.trim())?.to_string();
    let mut tx = service.write_tx().await?;
    let d = live_design(&mut tx, id).await?;
    if d.name == name {
        return Ok(());
    }
    if designs::name_taken(&mut tx, &name, Some(id))
        .await
        .map_err(internal)?
    {
        return Err(name_taken(&name, "name"));
    }
    let head = designs::revision(&mut tx, id, d.head)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            internal(anyhow::anyhow!(
                "design {id} has no head revision {}",
                d.head
            ))
        })?;
    let renamed = name.clone();
    let document = offload::run("renaming the document", head.document.len(), move || {
        documents::rename(&head.document, &renamed)
    })
    .await
    .map_err(offloaded)?
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
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "design-rename",
            format!("renamed design {} to {name} (revision {number})", d.name),
        )
        .design(id),
    )
    .await
}

pub(super) async fn delete(service: &Service, req: &Request, id: i64) -> Result<(), AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let mut tx = service.write_tx().await?;
    let d = live_design(&mut tx, id).await?;
    designs::set_deleted(&mut tx, id, Some(user.id))
        .await
        .map_err(internal)?;
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "design-delete",
            format!("deleted design {}", d.name),
        )
        .design(id),
    )
    .await
}

pub(super) async fn restore(service: &Service, req: &Request, id: i64) -> Result<(), AppError> {
    let (_, actor) = service.require(req, Role::Admin).await?;
    let mut tx = service.write_tx().await?;
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
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "design-restore",
            format!("restored design {}", d.name),
        )
        .design(id),
    )
    .await
}

/// One revision of a design (the head by default) with its history; deleted designs are
/// visible to admins only.
pub(super) async fn get(
    service: &Service,
    req: &Request,
    id: i64,
    revision: Option<i64>,
) -> Result<DesignDetail, AppError> {
    let (mut conn, d) = readable_design(service, req, id).await?;
    let number = revision.unwrap_or(d.head);
    let rev = designs::revision(&mut conn, id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Revision {number} of design {}", d.name),
        })?;
    drop(conn);
    super::history::summarise(service, id).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let history = designs::history(&mut conn, id, None)
        .await
        .map_err(internal)?;
    let (text, name) = (rev.document.clone(), d.name.clone());
    let (model, model_error) = offload::run("reading the document", text.len(), move || {
        documents::model_of(&text, &name)
    })
    .await
    .map_err(offloaded)?;
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

/// Saves a new revision on top of `base`; refused as a conflict when someone saved since.
pub(super) async fn save(
    service: &Service,
    req: &Request,
    id: i64,
    base: i64,
    document: String,
    message: String,
    layout: Option<String>,
) -> Result<RevisionInfo, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    // The designer sends its model as JSON, stored as canonical YAML: the limits apply to
    // what is stored.
    let (document, name, accepted) =
        offload::run("reading the document", document.len(), move || {
            let document =
                documents::normalise(document).map_err(|m| AppError::invalid("document", m))?;
            let inspected = checks::document(&document)?;
            Ok::<_, AppError>((document, inspected.name, inspected.accepted_errors))
        })
        .await
        .map_err(offloaded)??;
    let message = checks::message(&message)?;
    let layout = checks::layout(layout)?;
    let mut tx = service.write_tx().await?;
    let d = live_design(&mut tx, id).await?;
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
    audited(
        &service.db,
        tx,
        NewEntry::new(
            &actor,
            "design-save",
            format!(
                "saved {name} revision {number}: {message}{}",
                documents::accepting_summary(&accepted)
            ),
        )
        .design(id)
        .details(serde_json::json!({
            "revision": number,
            "bytes": document.len(),
            "accepted_errors": accepted,
        })),
    )
    .await?;
    // What it changed, worked out now so that the history lists it at once; a failure
    // here loses nothing (the history works it out when it is read).
    if let Err(e) = super::history::summarise(service, id).await {
        tracing::warn!("summarising revision {number} of {name} failed: {e}");
    }
    let mut conn = service.db.write.acquire().await.map_err(internal)?;
    designs::revision(&mut conn, id, number)
        .await
        .map_err(internal)?
        .map(|r| r.info())
        .ok_or_else(|| internal(anyhow::anyhow!("revision {number} of design {id} vanished")))
}
