//! The change-request half of the `Backend` port, by delegation.

use super::{Service, proposals, requests, reviews};
use app::backend::{ChangeRequests, Request};
use app::error::AppError;
use app::model::{JobView, RequestRow, RequestView, Verdict};

#[async_trait::async_trait]
impl ChangeRequests for Service {
    async fn list_requests(
        &self,
        req: &Request,
        design: Option<i64>,
        engine: Option<i64>,
        active: bool,
    ) -> Result<Vec<RequestRow>, AppError> {
        requests::list(self, req, design, engine, active).await
    }

    async fn get_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError> {
        requests::page(self, req, id).await
    }

    async fn open_request(
        &self,
        req: &Request,
        design: i64,
        revision: Option<i64>,
        engine: i64,
        title: String,
        description: String,
    ) -> Result<RequestView, AppError> {
        proposals::open(self, req, design, revision, engine, title, description).await
    }

    async fn push_request(
        &self,
        req: &Request,
        id: i64,
        revision: Option<i64>,
    ) -> Result<RequestView, AppError> {
        proposals::push(self, req, id, revision).await
    }

    async fn replan_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError> {
        proposals::replan(self, req, id).await
    }

    async fn comment_request(
        &self,
        req: &Request,
        id: i64,
        body: String,
        anchor: Option<String>,
    ) -> Result<RequestView, AppError> {
        reviews::comment(self, req, id, body, anchor).await
    }

    async fn review_request(
        &self,
        req: &Request,
        id: i64,
        verdict: Verdict,
        revision: i64,
        plan_hash: String,
        message: String,
    ) -> Result<RequestView, AppError> {
        reviews::review(self, req, id, verdict, revision, plan_hash, message).await
    }

    async fn withdraw_request(&self, req: &Request, id: i64) -> Result<RequestView, AppError> {
        reviews::withdraw(self, req, id).await
    }

    async fn apply_request(
        &self,
        req: &Request,
        id: i64,
        override_reason: Option<String>,
    ) -> Result<JobView, AppError> {
        let result = reviews::apply(self, req, id, override_reason).await;
        let tried = super::refused_ops::Tried::ApplyRequest { request: id };
        super::refused_ops::recorded(self, req, tried, result).await
    }
}
