//! What Bulkhead learns about an engine on connect: versions, firewall backend, and
//! whether this process can change that host's firewall.

use serde::Serialize;

use super::error::EngineError;
use super::firewall::{self, FirewallBackend, HostFirewall};

/// The engine and the host firewall as seen on connect.
#[derive(Debug, Clone, Serialize)]
pub struct EngineInfo {
    /// The address connected to.
    pub host: String,
    /// Engine version, e.g. `20.10.24+dfsg1`.
    pub engine_version: String,
    /// The engine's API version.
    pub api_version: String,
    /// The API version this client speaks to it (negotiated down when the engine is older).
    pub client_api_version: String,
    /// Operating system and kernel.
    pub os: String,
    /// Kernel version.
    pub kernel: String,
    /// Cgroup version (`1` or `2`) when reported.
    pub cgroup_version: Option<String>,
    /// True when the engine is reached through a local socket, so its firewall is this host's.
    pub local: bool,
    /// The host firewall: its backend, and whether this process can change it.
    #[serde(flatten)]
    pub firewall: HostFirewall,
    /// Engine 28 and later drop routed traffic to other networks' container addresses in
    /// the raw table; older engines rely on DOCKER-ISOLATION chains alone.
    pub raw_table_isolation: bool,
}

pub(super) async fn learn(docker: &bollard::Docker, host: &str) -> Result<EngineInfo, EngineError> {
    let version = docker
        .version()
        .await
        .map_err(|e| EngineError::docker("reading the engine version", e))?;
    let sys = docker
        .info()
        .await
        .map_err(|e| EngineError::docker("reading the engine information", e))?;
    let engine_version = version.version.unwrap_or_default();
    let major: u32 = engine_version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let backend = match sys.firewall_backend.and_then(|f| f.driver) {
        Some(d) if d.starts_with("nftables") => FirewallBackend::Nftables,
        _ => FirewallBackend::Iptables,
    };
    let local = host.starts_with("unix://");
    let client = docker.client_version();
    let info = EngineInfo {
        host: host.to_owned(),
        engine_version,
        api_version: version.api_version.unwrap_or_default(),
        client_api_version: format!("{}.{}", client.major_version, client.minor_version),
        os: format!(
            "{} {}",
            version.os.unwrap_or_default(),
            version.arch.unwrap_or_default()
        ),
        kernel: version.kernel_version.unwrap_or_default(),
        cgroup_version: sys
            .cgroup_version
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty()),
        local,
        firewall: firewall::probe_host(backend, local).await,
        raw_table_isolation: major >= 28,
    };
    Ok(info)
}

impl EngineInfo {
    /// The report `bulkhead engine` prints.
    fn text(&self) -> String {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let mut out = format!(
            "engine         {}\napi            {} (client speaks {})\nhost           {}\nos             {} (kernel {})\n",
            self.engine_version,
            self.api_version,
            self.client_api_version,
            self.host,
            self.os,
            self.kernel
        );
        if let Some(c) = &self.cgroup_version {
            out.push_str(&format!("cgroup         v{c}\n"));
        }
        out.push_str(&format!(
            "firewall       {}\nDOCKER-USER    {}\ncan change it  {}\nraw-table isolation (engine 28+) {}\n",
            self.firewall.backend.as_str(),
            yes(self.firewall.docker_user_chain),
            yes(self.firewall.can_change),
            yes(self.raw_table_isolation),
        ));
        if let Some(note) = &self.firewall.note {
            out.push_str(&format!("note           {note}\n"));
        }
        out
    }
}

super::report::report!(EngineInfo, |_r| true);
