//! Browser tests: the real application, in-process on a free port with a fresh database,
//! driven in Debian's Chromium through chromedriver.

mod audit;
mod designer;
mod engines;
mod fixtures;
mod foundation;
mod harness;
mod operations;
mod published;
mod requests;
