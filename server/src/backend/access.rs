//! Which design a request may read or change: a design that exists, and that is not
//! deleted unless an admin asks to read it.

use app::backend::Request;
use app::error::AppError;
use app::model::Role;

use super::{Service, internal};
use crate::store::designs;

fn not_found(id: i64) -> AppError {
    AppError::NotFound {
        what: format!("Design {id}"),
    }
}

/// The design `id` unless it is deleted.
pub(super) async fn live_design(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<designs::DesignRecord, AppError> {
    designs::get(conn, id)
        .await
        .map_err(internal)?
        .filter(|d| d.deleted_at.is_none())
        .ok_or_else(|| not_found(id))
}

/// A connection and the design `id` as the asking viewer may read it: deleted designs are
/// for admins only.
pub(super) async fn readable_design(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<
    (
        sqlx::pool::PoolConnection<sqlx::Sqlite>,
        designs::DesignRecord,
    ),
    AppError,
> {
    let (user, _) = service.require(req, Role::Viewer).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let d = designs::get(&mut conn, id)
        .await
        .map_err(internal)?
        .filter(|d| d.deleted_at.is_none() || user.role >= Role::Admin)
        .ok_or_else(|| not_found(id))?;
    Ok((conn, d))
}
