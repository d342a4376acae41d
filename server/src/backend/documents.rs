//! Reading and writing design text for the browser, whose build has no YAML code: a document
//! read into the model, the model written as canonical YAML, a Compose file imported.

use super::{Service, checks, offloaded};
use crate::offload;
use app::backend::Request;
use app::error::AppError;
use app::model::{ComposeImported, Role};
use design::RawDesign;

pub(super) async fn read(
    service: &Service,
    req: &Request,
    text: String,
) -> Result<RawDesign, AppError> {
    service.require(req, Role::Viewer).await?;
    checks::size("document", &text)?;
    offload::run("reading the document", text.len(), move || {
        design::parse_document(&text)
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| AppError::invalid("document", e.to_string()))
}

pub(super) async fn changes_on_latest(
    service: &Service,
    req: &Request,
    id: i64,
    model: String,
) -> Result<String, AppError> {
    let latest = super::designs::get(service, req, id, None).await?;
    if let Some(e) = latest.model_error {
        return Ok(format!("The newest revision does not parse: {e}"));
    }
    let (head, author) = (latest.head, latest.revision.author);
    let newest = latest.model;
    offload::run("comparing with the newest revision", model.len(), move || {
        serde_json::from_str::<RawDesign>(&model).map(|mine| {
            format!(
                "Revision {head} by {author} is the newest. What your save would change on top of it:\n\n{}",
                design::diff::diff(&newest, &mine).to_text()
            )
        })
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| AppError::invalid("model", format!("the model does not read: {e}")))
}

pub(super) async fn write(
    service: &Service,
    req: &Request,
    model: String,
) -> Result<String, AppError> {
    // A model is bounded by the request body limit (4 MiB); the YAML it becomes is what
    // saving then checks against the 1 MiB limit.
    service.require(req, Role::Viewer).await?;
    offload::run("writing the document", model.len(), move || {
        serde_json::from_str::<RawDesign>(&model).map(|m| design::to_canonical_yaml(&m))
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| AppError::invalid("model", format!("the model does not read: {e}")))
}

pub(super) async fn import_compose(
    service: &Service,
    req: &Request,
    text: String,
    name: String,
) -> Result<ComposeImported, AppError> {
    service.require(req, Role::Viewer).await?;
    checks::size("compose", &text)?;
    checks::design_name("name", &name)?;
    let imported = offload::run("importing the Compose file", text.len(), move || {
        design::import::compose(&text, &name)
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| {
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
