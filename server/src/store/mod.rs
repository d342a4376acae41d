//! What Bulkhead keeps in its database: users, designs and their revisions, the audit log,
//! sign-in failures, Docker engines and their locks, what was applied, verified, drifted
//! and quarantined there.

pub mod audit;
pub mod deployments;
pub mod designs;
pub mod engines;
pub mod forwarders;
pub mod live;
pub mod quarantines;
pub mod requests;
pub mod reviews;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod verifications;
pub mod webhooks;

/// Who did something, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}
