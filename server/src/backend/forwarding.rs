//! Audit forwarding from the audit page (admins): destinations added and removed (both
//! audited), listed with how far each has got, and tried with a test message.

use app::backend::Request;
use app::error::AppError;
use app::model::{ForwarderRow, Role};

use super::{Service, audited, internal};
use crate::forward::{self, Destination};
use crate::store::audit::NewEntry;
use crate::store::forwarders;

impl Service {
    pub(super) async fn forwarders_list(
        &self,
        req: &Request,
    ) -> Result<Vec<ForwarderRow>, AppError> {
        self.require(req, Role::Admin).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        forwarders::list(&mut conn).await.map_err(internal)
    }

    pub(super) async fn forwarder_add(
        &self,
        req: &Request,
        kind: String,
        target: String,
    ) -> Result<ForwarderRow, AppError> {
        let (admin, actor) = self.require(req, Role::Admin).await?;
        let dest = match Destination::parse(&kind, &target) {
            Ok(d) => d,
            Err(m) if m.contains("kind of destination") => {
                return Err(AppError::invalid("kind", m));
            }
            Err(m) => return Err(AppError::invalid("target", m)),
        };
        let mut tx = self.write_tx().await?;
        // From the entry that records this on: what came before is in the export.
        let newest: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM audit_log")
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
        let id = forwarders::insert(&mut tx, dest.kind(), dest.target(), newest, &admin.name)
            .await
            .map_err(internal)?;
        let entry = NewEntry::new(
            &actor,
            "audit-forward-add",
            format!(
                "forwards the audit log to {} {} from now on",
                dest.kind(),
                dest.recorded()
            ),
        )
        .object("forwarder", id)
        .details(serde_json::json!({
            "forwarder": id,
            "kind": dest.kind(),
            "target": dest.recorded(),
        }));
        audited(&self.db, tx, entry).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        forwarders::list(&mut conn)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| internal(anyhow::anyhow!("forwarder {id} vanished")))
    }

    pub(super) async fn forwarder_remove(&self, req: &Request, id: i64) -> Result<(), AppError> {
        let (_, actor) = self.require(req, Role::Admin).await?;
        let mut tx = self.write_tx().await?;
        let found = forwarders::get(&mut tx, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Forwarding destination {id}"),
            })?;
        forwarders::delete(&mut tx, id).await.map_err(internal)?;
        let target = Destination::parse(&found.kind, &found.target)
            .map_or_else(|_| found.kind.clone(), |d| d.recorded());
        let entry = NewEntry::new(
            &actor,
            "audit-forward-remove",
            format!(
                "stopped forwarding the audit log to {} {target}",
                found.kind
            ),
        )
        .object("forwarder", id)
        .details(serde_json::json!({
            "forwarder": id,
            "kind": found.kind,
            "target": target,
        }));
        audited(&self.db, tx, entry).await
    }

    pub(super) async fn forwarder_test(&self, req: &Request, id: i64) -> Result<String, AppError> {
        let (admin, _) = self.require(req, Role::Admin).await?;
        let mut conn = self.db.read.acquire().await.map_err(internal)?;
        let found = forwarders::get(&mut conn, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Forwarding destination {id}"),
            })?;
        drop(conn);
        forward::test(&found, &admin.name)
            .await
            .map_err(|m| AppError::invalid("target", format!("the test failed: {m}")))
    }
}
