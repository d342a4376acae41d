//! Pieces shared by the pages.

pub mod auth;
pub mod counters;
pub mod deployments;
pub mod error;
pub mod hydrated;
pub mod layout;
pub mod live;
pub mod plan;
pub mod propose;
pub mod tokens;
