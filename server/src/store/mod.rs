//! What Bulkhead keeps in its database: users, designs and their revisions, the audit log,
//! sign-in failures, Docker engines and their locks.

pub mod audit;
pub mod deployments;
pub mod designs;
pub mod engines;
pub mod throttle;
pub mod users;

/// Who did something, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}
