//! The compilers' integration tests: snapshots, the real consumers on this machine
//! (`docker-compose config`, the Compose schema, `iptables-restore --test`, `nft -c`,
//! `bash -n`), the Compose round trip, properties, and the engine.

mod consumers;
mod engine;
mod helpers;
mod host_lab;
mod import;
mod observe;
mod properties;
mod snapshots;
mod zone_lab;
