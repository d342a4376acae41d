//! One module a page.

pub mod audit;
pub mod design;
pub mod designs;
pub mod home;
pub mod login;
pub mod not_found;
pub mod setup;
pub mod users;
