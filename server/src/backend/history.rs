//! A design's history in the browser: any two revisions compared (or a revision and what is
//! live on an engine), and an old revision restored as a new one.

use app::backend::Request;
use app::error::AppError;
use app::model::{RevisionDiff, RevisionInfo, Role};

use super::access::{live_design, readable_design};
use super::{Service, audited, internal, offloaded};
use crate::documents;
use crate::offload;
use crate::store::audit::NewEntry;
use crate::store::{designs, engines, live};

async fn document(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    number: i64,
    name: &str,
) -> Result<String, AppError> {
    Ok(designs::revision(conn, id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Revision {number} of {name}"),
        })?
        .document)
}

/// Revision `to` against revision `against` (the one before it by default), or against what
/// is live on `engine` (viewer; deleted designs for admins only).
pub(super) async fn diff(
    service: &Service,
    req: &Request,
    id: i64,
    to: i64,
    against: Option<i64>,
    engine: Option<i64>,
) -> Result<RevisionDiff, AppError> {
    let (mut conn, d) = readable_design(service, req, id).await?;
    let after = document(&mut conn, id, to, &d.name).await?;
    let empty = format!("bulkhead: 1\nname: {}\n", d.name);
    let (from, baseline, before) = match (engine, against) {
        (Some(engine_id), _) => {
            let e = engines::get(&mut conn, engine_id)
                .await
                .map_err(internal)?
                .ok_or_else(|| AppError::NotFound {
                    what: format!("Engine {engine_id}"),
                })?;
            let row = live::list(&service.db.read, Some(id), Some(engine_id))
                .await
                .map_err(internal)?
                .into_iter()
                .next();
            match row {
                Some(row) => (
                    format!("revision {}, live on {}", row.revision, e.name),
                    Some(row.revision),
                    document(&mut conn, id, row.revision, &d.name).await?,
                ),
                None => (
                    format!("nothing: {} is not live on {}", d.name, e.name),
                    None,
                    empty,
                ),
            }
        }
        (None, Some(n)) => (
            format!("revision {n}"),
            Some(n),
            document(&mut conn, id, n, &d.name).await?,
        ),
        (None, None) if to > 1 => (
            format!("revision {}", to - 1),
            Some(to - 1),
            document(&mut conn, id, to - 1, &d.name).await?,
        ),
        (None, None) => ("nothing (the first revision)".to_owned(), None, empty),
    };
    drop(conn);
    let bytes = before.len() + after.len();
    offload::run("comparing revisions", bytes, move || {
        crate::review::compare(from, baseline, &before, to, &after)
    })
    .await
    .map_err(offloaded)?
    .map_err(|e| internal(anyhow::anyhow!("a stored revision does not parse: {e}")))
}

/// Restores revision `number` as a new revision on top of the head, under the design's
/// current name (editor).
pub(super) async fn restore(
    service: &Service,
    req: &Request,
    id: i64,
    number: i64,
) -> Result<RevisionInfo, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let mut tx = service.write_tx().await?;
    let d = live_design(&mut tx, id).await?;
    if number == d.head {
        return Err(AppError::Conflict {
            message: format!("revision {number} is the newest already: nothing to restore"),
        });
    }
    let old = designs::revision(&mut tx, id, number)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Revision {number} of {}", d.name),
        })?;
    let name = d.name.clone();
    let text = old.document;
    let document = offload::run("restoring a revision", text.len(), move || {
        documents::rename(&text, &name)
    })
    .await
    .map_err(offloaded)?
    .map_err(|m| AppError::invalid("document", m))?;
    let message = format!("restored revision {number}");
    let new = designs::append_revision(
        &mut tx,
        &d,
        &d.name,
        &document,
        &old.layout,
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
            "design-revert",
            format!("restored revision {number} of {} as revision {new}", d.name),
        )
        .design(id)
        .details(serde_json::json!({ "revision": new, "restored": number })),
    )
    .await?;
    Ok(RevisionInfo {
        number: new,
        author: user.name,
        created_at: crate::clock::display(&crate::clock::now_text()),
        message,
        summary: None,
    })
}

/// Works out, off the async threads, the one-line summaries of the revisions that have none
/// yet (the newest saves; every revision once after an upgrade, a hundred per read).
pub(super) async fn summarise(service: &Service, id: i64) -> Result<(), AppError> {
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let missing = designs::unsummarised(&mut conn, id, 100)
        .await
        .map_err(internal)?;
    drop(conn);
    if missing.is_empty() {
        return Ok(());
    }
    let bytes = missing
        .iter()
        .map(|(_, doc, before)| doc.len() + before.as_ref().map_or(0, String::len))
        .sum();
    let done = offload::run("summarising revisions", bytes, move || {
        missing
            .into_iter()
            .map(|(n, doc, before)| (n, crate::review::summary(before.as_deref(), &doc)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(offloaded)?;
    let mut tx = service.write_tx().await?;
    designs::keep_summaries(&mut tx, id, &done)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}
