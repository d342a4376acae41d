//! Finding codes, their default severity and the CIS Docker Benchmark check they map to.

use crate::diagnostic::{Severity, codes};

codes! {
    /// The stable code of a finding.
    FindingCode {
        /// A bridged service joins no zone, so Docker puts it on the default bridge.
        DefaultBridge = "default-bridge",
        /// A service uses the host's network stack.
        HostNetwork = "host-network",
        /// A service runs privileged.
        Privileged = "privileged",
        /// A service does not drop all capabilities.
        CapsNotDropped = "caps-not-dropped",
        /// A service adds a dangerous capability back.
        DangerousCapAdded = "dangerous-cap-added",
        /// A service's root filesystem is writable.
        WritableRootfs = "writable-rootfs",
        /// A service may gain new privileges (setuid binaries).
        NewPrivileges = "new-privileges",
        /// A port is published on every host interface.
        PortAllInterfaces = "port-all-interfaces",
        /// A host port below 1024 is published.
        PrivilegedHostPort = "privileged-host-port",
        /// The Docker socket is mounted into a service.
        DockerSocket = "docker-socket",
        /// A sensitive host path (`/`, `/etc`, `/proc`, a runtime socket, …) is mounted.
        SensitiveMount = "sensitive-mount",
        /// A host directory is bind-mounted.
        BindMount = "bind-mount",
        /// A service shares the host's process namespace.
        HostPid = "host-pid",
        /// A service shares the host's IPC namespace.
        HostIpc = "host-ipc",
        /// A service shares the host's UTS namespace.
        HostUts = "host-uts",
        /// A service leaves user namespace remapping (`userns_mode: host`).
        HostUserns = "host-userns",
        /// A service shares the host's cgroup namespace.
        HostCgroup = "host-cgroup",
        /// Host devices are given to a service.
        HostDevices = "host-devices",
        /// A service mounts every volume of another container.
        VolumesFrom = "volumes-from",
        /// A service runs under another container runtime.
        CustomRuntime = "custom-runtime",
        /// A service is placed under another control group.
        CgroupParent = "cgroup-parent",
        /// A `security_opt` turns a kernel protection off (seccomp, AppArmor, SELinux, masked paths).
        ProfileDisabled = "profile-disabled",
        /// A secret is written into a service's environment.
        LiteralSecret = "literal-secret",
        /// A service's image is `latest` or untagged, so each pull may bring another image.
        FloatingImageTag = "floating-image-tag",
        /// A service runs as root: no `hardening.user`, or a root user.
        RunsAsRoot = "runs-as-root",
        /// A service has no memory limit.
        NoMemoryLimit = "no-memory-limit",
        /// A service has no process limit.
        NoPidsLimit = "no-pids-limit",
        /// A zone's subnet is wider than a /16.
        WideSubnet = "wide-subnet",
        /// A vault zone has a route out.
        VaultNotInternal = "vault-not-internal",
        /// A restricted zone has a route out.
        RestrictedNotInternal = "restricted-not-internal",
        /// A gateway joins zones more than one trust level apart.
        TrustSkip = "trust-skip",
        /// A data service publishes ports on the host.
        DataServicePublished = "data-service-published",
        /// A service publishes ports but is only in internal zones, so Docker publishes nothing.
        PortOnInternalZone = "port-on-internal-zone",
        /// A flow changes nothing: an open zone already allows it, or nothing it denies is reachable.
        FlowNoEffect = "flow-no-effect",
        /// A flow is entirely covered by other flows.
        FlowShadowed = "flow-shadowed",
        /// A published port is reachable through the host from a zone of lower trust than
        /// the publishing service's own.
        PublishedViaHost = "published-via-host",
        ObserveMode = "observe-mode",
    }
}

impl FindingCode {
    /// The severity a finding with this code has unless accepted.
    pub fn severity(self) -> Severity {
        use FindingCode::*;
        match self {
            HostNetwork | Privileged | DockerSocket | VaultNotInternal | DataServicePublished
            | SensitiveMount | HostPid | HostIpc | HostUts | HostUserns | HostCgroup
            | HostDevices | ProfileDisabled | WideSubnet => Severity::Error,
            NoMemoryLimit | NoPidsLimit | FlowShadowed | RunsAsRoot => Severity::Note,
            _ => Severity::Warning,
        }
    }

    /// The CIS Docker Benchmark check the finding maps to, when one applies.
    pub fn cis(self) -> Option<&'static str> {
        use FindingCode::*;
        Some(match self {
            DefaultBridge => "5.30",
            HostNetwork => "5.10",
            Privileged => "5.5",
            CapsNotDropped | DangerousCapAdded => "5.4",
            WritableRootfs => "5.13",
            NewPrivileges => "5.26",
            PortAllInterfaces => "5.14",
            PrivilegedHostPort => "5.8",
            DockerSocket => "5.32",
            SensitiveMount => "5.6",
            HostPid => "5.16",
            HostIpc => "5.17",
            HostDevices => "5.18",
            HostUts => "5.21",
            ProfileDisabled => "5.22",
            CgroupParent => "5.25",
            HostUserns => "5.31",
            NoMemoryLimit => "5.11",
            NoPidsLimit => "5.29",
            RunsAsRoot => "4.1",
            _ => return None,
        })
    }

    /// A one-line description of the rule, for SARIF and documentation.
    pub fn description(self) -> &'static str {
        use FindingCode::*;
        match self {
            DefaultBridge => "A bridged service joins no zone and lands on the default bridge",
            HostNetwork => "A service uses the host network and bypasses every zone",
            Privileged => "A service runs privileged",
            CapsNotDropped => "A service does not drop all Linux capabilities",
            DangerousCapAdded => "A service adds a dangerous Linux capability",
            WritableRootfs => "A service's root filesystem is writable",
            NewPrivileges => "A service may acquire new privileges",
            PortAllInterfaces => "A port is published on every host interface",
            PrivilegedHostPort => "A privileged host port (below 1024) is published",
            DockerSocket => "The Docker socket is mounted into a service",
            SensitiveMount => "A sensitive host path is mounted into a service",
            BindMount => "A host directory is bind-mounted into a service",
            HostPid => "A service shares the host's process namespace",
            HostIpc => "A service shares the host's IPC namespace",
            HostUts => "A service shares the host's UTS namespace",
            HostUserns => "A service opts out of user namespace remapping",
            HostCgroup => "A service shares the host's cgroup namespace",
            HostDevices => "Host devices are given to a service",
            VolumesFrom => "A service mounts every volume of another container",
            CustomRuntime => "A service runs under another container runtime",
            CgroupParent => "A service is placed under another control group",
            ProfileDisabled => "A security option turns a kernel protection off",
            LiteralSecret => "A secret is written into a service's environment",
            FloatingImageTag => "A service's image is latest or untagged rather than pinned",
            RunsAsRoot => "A service runs as root",
            NoMemoryLimit => "A service has no memory limit",
            NoPidsLimit => "A service has no process (pids) limit",
            WideSubnet => "A zone's subnet is wider than a /16",
            VaultNotInternal => "A vault zone has a route out",
            RestrictedNotInternal => "A restricted zone has a route out",
            TrustSkip => "A gateway joins zones more than one trust level apart",
            DataServicePublished => "A data service publishes ports on the host",
            PortOnInternalZone => "Ports of a service only in internal zones are not published",
            FlowNoEffect => "A flow has no effect",
            FlowShadowed => "A flow is covered entirely by other flows",
            PublishedViaHost => {
                "A published port is reachable through the host from a zone of lower trust"
            }
            ObserveMode => "Part of the design observes: its firewall logs what it would drop",
        }
    }
}
