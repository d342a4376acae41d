//! The checked model and the value types it is built from.

mod accepted;
mod cidr;
mod design;
mod duration;
mod finding_code;
mod hardening;
mod healthcheck;
mod image;
mod limits;
mod names;
mod ports;
mod portset;
mod process;
mod published;
mod restart;
mod storage;
mod ulimit;

pub(crate) use accepted::accepting;
pub use accepted::{ACCEPT_LABEL, Accepted, MAX_REASON_CHARS};
pub use cidr::{Cidr, CidrError};
pub use design::{
    Endpoint, Flow, HostPolicy, Membership, NetworkMode, Rate, RateLimit, Service, ServiceId,
    ValidDesign, Zone, ZoneId,
};
pub use duration::{DURATION_RULE, Duration};
pub use finding_code::FindingCode;
pub use hardening::Hardening;
pub use healthcheck::Healthcheck;
pub use image::{IMAGE_RULE, ImageError, ImageRef};
pub use limits::{CPUS_RULE, MEMORY_RULE, MIN_MEMORY_BYTES, MemoryLimit, NanoCpus};
pub use names::{
    Alias, DOCKER_NAME_RULE, DesignName, INTERFACE_NAME_RULE, InterfaceName, NameError,
    ServiceName, StorageName, ZoneName, check_docker_name,
};
pub use ports::{PORT_SPEC_RULE, PortRange, PortSpec, Protocol};
pub use portset::PortSet;
pub use process::{PROCESS_KEYS, Process};
pub use published::{PUBLISHED_RULE, PublishedPort};
pub use restart::{RESTART_RULE, RestartPolicy};
pub use storage::{Secret, Volume, named_volume, secret_source, secret_target};
pub use ulimit::{ULIMIT_NAMES, ULIMIT_RULE, Ulimit};
