//! The `Backend` port implemented by delegation: each method hands the request to the
//! function of its concern.

use super::refused_ops::{self, Tried};
use super::{
    Service, accounts, apply, auth, designs, documents, drift, engines, history, internal, me,
    operations, plans,
};
use crate::store::audit;
use app::backend::{Backend, Request};
use app::error::AppError;
use app::model::audit::AuditDetail;
use app::model::counters::FirewallCounters;
use app::model::{
    AuditFilter, AuditPage, ComposeImported, DeploymentRow, DesignDetail, DesignSummary, DriftView,
    EngineContainer, EngineForm, EngineRow, JobView, LiveRow, Me, PlanView, QuarantineRow,
    RevisionDiff, RevisionInfo, Role, UserRow, VerificationView,
};
use design::RawDesign;

#[async_trait::async_trait]
impl Backend for Service {
    async fn setup_needed(&self) -> Result<bool, AppError> {
        self.needs_setup().await.map_err(internal)
    }

    async fn setup(
        &self,
        req: &Request,
        token: String,
        name: String,
        password: String,
    ) -> Result<Me, AppError> {
        auth::setup(self, req, token, name, password).await
    }

    async fn me(&self, req: &Request) -> Result<Option<Me>, AppError> {
        Ok(self.current(req).await?.as_ref().map(me))
    }

    async fn login(&self, req: &Request, name: String, password: String) -> Result<Me, AppError> {
        auth::login(self, req, name, password).await
    }

    async fn logout(&self, req: &Request) -> Result<(), AppError> {
        auth::logout(self, req).await
    }

    async fn list_users(&self, req: &Request) -> Result<Vec<UserRow>, AppError> {
        accounts::list(self, req).await
    }

    async fn create_user(
        &self,
        req: &Request,
        name: String,
        password: String,
        role: Role,
    ) -> Result<UserRow, AppError> {
        accounts::create(self, req, name, password, role).await
    }

    async fn set_role(&self, req: &Request, user_id: i64, role: Role) -> Result<(), AppError> {
        accounts::set_role(self, req, user_id, role).await
    }

    async fn set_disabled(
        &self,
        req: &Request,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        accounts::set_disabled(self, req, user_id, disabled).await
    }

    async fn reset_password(
        &self,
        req: &Request,
        user_id: i64,
        password: String,
    ) -> Result<(), AppError> {
        accounts::reset_password(self, req, user_id, password).await
    }

    async fn clear_sign_in_lock(&self, req: &Request, user_id: i64) -> Result<(), AppError> {
        accounts::clear_sign_in_lock(self, req, user_id).await
    }

    async fn list_designs(
        &self,
        req: &Request,
        include_deleted: bool,
    ) -> Result<Vec<DesignSummary>, AppError> {
        designs::list(self, req, include_deleted).await
    }

    async fn create_design(
        &self,
        req: &Request,
        name: String,
        template: Option<String>,
    ) -> Result<DesignSummary, AppError> {
        designs::create(self, req, name, template).await
    }

    async fn rename_design(&self, req: &Request, id: i64, name: String) -> Result<(), AppError> {
        designs::rename(self, req, id, name).await
    }

    async fn delete_design(&self, req: &Request, id: i64) -> Result<(), AppError> {
        designs::delete(self, req, id).await
    }

    async fn restore_design(&self, req: &Request, id: i64) -> Result<(), AppError> {
        designs::restore(self, req, id).await
    }

    async fn get_design(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
    ) -> Result<DesignDetail, AppError> {
        designs::get(self, req, id, revision).await
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
        designs::save(self, req, id, base, document, message, layout).await
    }

    async fn read_document(&self, req: &Request, text: String) -> Result<RawDesign, AppError> {
        documents::read(self, req, text).await
    }

    async fn write_document(&self, req: &Request, model: String) -> Result<String, AppError> {
        documents::write(self, req, model).await
    }

    async fn changes_on_latest(
        &self,
        req: &Request,
        id: i64,
        model: String,
    ) -> Result<String, AppError> {
        documents::changes_on_latest(self, req, id, model).await
    }

    async fn import_compose(
        &self,
        req: &Request,
        text: String,
        name: String,
    ) -> Result<ComposeImported, AppError> {
        documents::import_compose(self, req, text, name).await
    }

    async fn audit(&self, req: &Request, filter: AuditFilter) -> Result<AuditPage, AppError> {
        let (user, _) = self.require(req, Role::Viewer).await?;
        audit::view::page(&self.db.read, &filter, audit::Scope::of(user.role))
            .await
            .map_err(|e| match e {
                audit::filter::Refused::Input(message) => AppError::BadRequest { message },
                audit::filter::Refused::Store(e) => internal(e),
            })
    }

    async fn audit_entry(&self, req: &Request, id: i64) -> Result<AuditDetail, AppError> {
        let (user, _) = self.require(req, Role::Viewer).await?;
        audit::view::detail(&self.db, id, audit::Scope::of(user.role))
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound {
                what: format!("Audit entry {id}"),
            })
    }

    async fn list_engines(&self, req: &Request) -> Result<Vec<EngineRow>, AppError> {
        engines::list(self, req).await
    }

    async fn add_engine(&self, req: &Request, engine: EngineForm) -> Result<EngineRow, AppError> {
        engines::add(self, req, engine).await
    }

    async fn update_engine(
        &self,
        req: &Request,
        id: i64,
        engine: EngineForm,
    ) -> Result<EngineRow, AppError> {
        engines::update(self, req, id, engine).await
    }

    async fn remove_engine(&self, req: &Request, id: i64) -> Result<(), AppError> {
        engines::remove(self, req, id).await
    }

    async fn check_engine(&self, req: &Request, id: i64) -> Result<EngineRow, AppError> {
        engines::check(self, req, id).await
    }

    async fn break_engine_lock(&self, req: &Request, id: i64) -> Result<(), AppError> {
        engines::break_lock(self, req, id).await
    }

    async fn plan_design(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
        engine_id: i64,
    ) -> Result<PlanView, AppError> {
        plans::plan(self, req, id, revision, engine_id).await
    }

    async fn apply_plan(&self, req: &Request, plan_id: i64) -> Result<JobView, AppError> {
        let result = apply::apply_plan(self, req, plan_id).await;
        refused_ops::recorded(self, req, Tried::Apply { plan: plan_id }, result).await
    }

    async fn check_drift(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<DriftView, AppError> {
        drift::check(self, req, design, engine).await
    }

    async fn firewall_counters(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<FirewallCounters, AppError> {
        drift::counters(self, req, design, engine).await
    }

    async fn list_deployments(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
    ) -> Result<Vec<DeploymentRow>, AppError> {
        self.require(req, Role::Viewer).await?;
        crate::store::deployments::list(&self.db.read, design, engine)
            .await
            .map_err(internal)
    }

    async fn get_job(&self, req: &Request, id: u64) -> Result<JobView, AppError> {
        self.require(req, Role::Viewer).await?;
        self.jobs
            .get(id)
            .map(|j| j.view())
            .ok_or_else(|| AppError::NotFound {
                what: format!("Job {id}"),
            })
    }

    async fn diff_revisions(
        &self,
        req: &Request,
        id: i64,
        to: i64,
        against: Option<i64>,
        engine: Option<i64>,
    ) -> Result<RevisionDiff, AppError> {
        history::diff(self, req, id, to, against, engine).await
    }

    async fn restore_revision(
        &self,
        req: &Request,
        id: i64,
        revision: i64,
    ) -> Result<RevisionInfo, AppError> {
        history::restore(self, req, id, revision).await
    }

    async fn list_live(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
    ) -> Result<Vec<LiveRow>, AppError> {
        operations::list_live(self, req, design, engine).await
    }

    async fn verify_live(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<JobView, AppError> {
        let result = operations::verify(self, req, design, engine).await;
        let tried = Tried::Live {
            operation: "verify",
            design,
            engine,
        };
        refused_ops::recorded(self, req, tried, result).await
    }

    async fn destroy_live(
        &self,
        req: &Request,
        design: i64,
        engine: i64,
    ) -> Result<JobView, AppError> {
        let result = operations::destroy(self, req, design, engine).await;
        let tried = Tried::Live {
            operation: "destroy",
            design,
            engine,
        };
        refused_ops::recorded(self, req, tried, result).await
    }

    async fn get_verification(&self, req: &Request, id: i64) -> Result<VerificationView, AppError> {
        operations::verification(self, req, id).await
    }

    async fn engine_containers(
        &self,
        req: &Request,
        engine: i64,
    ) -> Result<Vec<EngineContainer>, AppError> {
        operations::containers(self, req, engine).await
    }

    async fn list_quarantines(
        &self,
        req: &Request,
        engine: i64,
    ) -> Result<Vec<QuarantineRow>, AppError> {
        operations::list_quarantines(self, req, engine).await
    }

    async fn quarantine_container(
        &self,
        req: &Request,
        engine: i64,
        container: String,
        reason: String,
    ) -> Result<(), AppError> {
        let tried = Tried::Container {
            operation: "quarantine",
            engine,
            container: container.clone(),
        };
        let result = operations::quarantine(self, req, engine, container, Some(reason)).await;
        refused_ops::recorded(self, req, tried, result).await
    }

    async fn release_container(
        &self,
        req: &Request,
        engine: i64,
        container: String,
    ) -> Result<(), AppError> {
        let tried = Tried::Container {
            operation: "release",
            engine,
            container: container.clone(),
        };
        let result = operations::quarantine(self, req, engine, container, None).await;
        refused_ops::recorded(self, req, tried, result).await
    }

    async fn import_engine(
        &self,
        req: &Request,
        engine: i64,
        name: String,
    ) -> Result<DesignSummary, AppError> {
        operations::import(self, req, engine, name).await
    }
}
