//! One test per finding: code, path, severity and CIS id.

use design::{FindingCode, Severity, findings::lint, parse_document, validate};

fn findings(body: &str) -> Vec<design::Finding> {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let raw = parse_document(&text).unwrap_or_else(|e| panic!("parses: {e}"));
    let (design, diags) = validate(&raw);
    assert!(diags.is_empty(), "{diags:#?}");
    lint(&design)
}

fn expect(body: &str, code: FindingCode, path: &str, cis: Option<&str>) {
    let all = findings(body);
    let found = all.iter().find(|f| f.code == code && f.path == path);
    let f = found.unwrap_or_else(|| panic!("expected {code} at {path}, got {all:#?}"));
    assert_eq!(f.cis, cis);
    assert_eq!(f.severity, code.severity());
}

const SAFE: &str = "hardening: { cap_drop: [ALL], read_only: true, no_new_privileges: true, memory: 256m, pids_limit: 100 }";

macro_rules! finding {
    ($(#[$doc:meta])* $name:ident: $body:expr => $code:ident at $path:expr, cis $cis:expr) => {
        $(#[$doc])*
        #[test]
        fn $name() {
            expect(&$body, FindingCode::$code, $path, $cis);
        }
    };
}

finding!(
    /// A bridged service in no zone lands on the default bridge.
    default_bridge: format!("services:\n  a: {{ image: x, {SAFE} }}\n") => DefaultBridge at "services.a.zones", cis Some("5.30")
);
finding!(
    /// Host networking is an error finding.
    host_network: format!("services:\n  a: {{ image: x, network: host, {SAFE} }}\n") => HostNetwork at "services.a.network", cis Some("5.10")
);
finding!(
    /// Privileged mode is an error finding.
    privileged: "services:\n  a: { image: x, network: closed, hardening: { privileged: true } }\n" => Privileged at "services.a.hardening.privileged", cis Some("5.5")
);
finding!(
    /// Not dropping all capabilities is flagged.
    caps_not_dropped: "services:\n  a: { image: x, network: closed }\n" => CapsNotDropped at "services.a.hardening.cap_drop", cis Some("5.4")
);
finding!(
    /// Adding SYS_ADMIN back is flagged.
    dangerous_cap: "services:\n  a: { image: x, network: closed, hardening: { cap_drop: [ALL], cap_add: [SYS_ADMIN] } }\n" => DangerousCapAdded at "services.a.hardening.cap_add", cis Some("5.4")
);
finding!(
    /// A writable root filesystem is flagged.
    writable_rootfs: "services:\n  a: { image: x, network: closed }\n" => WritableRootfs at "services.a.hardening.read_only", cis Some("5.13")
);
finding!(
    /// Allowing new privileges is flagged.
    new_privileges: "services:\n  a: { image: x, network: closed }\n" => NewPrivileges at "services.a.hardening.no_new_privileges", cis Some("5.26")
);
finding!(
    /// A port published on every interface is flagged.
    port_all_interfaces: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z], ports: ['8080:80'] }\n" => PortAllInterfaces at "services.a.ports[0]", cis Some("5.14")
);
finding!(
    /// A host port below 1024 is flagged.
    privileged_host_port: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z], ports: ['127.0.0.1:80:80'] }\n" => PrivilegedHostPort at "services.a.ports[0]", cis Some("5.8")
);
finding!(
    /// Mounting the Docker socket is an error finding.
    docker_socket: "services:\n  a: { image: x, network: closed, compose: { volumes: ['/var/run/docker.sock:/var/run/docker.sock'] } }\n" => DockerSocket at "services.a.compose.volumes[0]", cis Some("5.32")
);
finding!(
    /// A sensitive host directory, however written, is an error.
    sensitive_mount: "services:\n  a: { image: x, network: closed, compose: { volumes: ['/tmp/../etc/:/host-etc:ro'] } }\n" => SensitiveMount at "services.a.compose.volumes[0]", cis Some("5.6")
);
finding!(
    /// The long syntax is read too; a parent of /var/lib/docker holds it.
    sensitive_mount_long_syntax: "services:\n  a: { image: x, network: closed, compose: { volumes: [{ type: bind, source: /var/lib, target: /x }] } }\n" => SensitiveMount at "services.a.compose.volumes[0]", cis Some("5.6")
);
finding!(
    /// containerd's socket is as much root as Docker's.
    containerd_socket: "services:\n  a: { image: x, network: closed, compose: { volumes: ['/run/containerd/containerd.sock:/c.sock'] } }\n" => SensitiveMount at "services.a.compose.volumes[0]", cis Some("5.6")
);
finding!(
    /// Any other bind mount is a warning.
    bind_mount: "services:\n  a: { image: x, network: closed, compose: { volumes: ['/srv/app/conf:/conf:ro'] } }\n" => BindMount at "services.a.compose.volumes[0]", cis None
);
finding!(
    /// The host's process namespace.
    host_pid: "services:\n  a: { image: x, network: closed, compose: { pid: host } }\n" => HostPid at "services.a.compose.pid", cis Some("5.16")
);
finding!(
    /// The host's IPC namespace.
    host_ipc: "services:\n  a: { image: x, network: closed, compose: { ipc: host } }\n" => HostIpc at "services.a.compose.ipc", cis Some("5.17")
);
finding!(
    /// The host's UTS namespace.
    host_uts: "services:\n  a: { image: x, network: closed, compose: { uts: host } }\n" => HostUts at "services.a.compose.uts", cis Some("5.21")
);
finding!(
    /// No user namespace remapping.
    host_userns: "services:\n  a: { image: x, network: closed, compose: { userns_mode: host } }\n" => HostUserns at "services.a.compose.userns_mode", cis Some("5.31")
);
finding!(
    /// The host's cgroup namespace.
    host_cgroup: "services:\n  a: { image: x, network: closed, compose: { cgroup: host } }\n" => HostCgroup at "services.a.compose.cgroup", cis None
);
finding!(
    /// Host devices.
    host_devices: "services:\n  a: { image: x, network: closed, compose: { devices: ['/dev/kvm:/dev/kvm'] } }\n" => HostDevices at "services.a.compose.devices", cis Some("5.18")
);
finding!(
    /// Another container's volumes.
    volumes_from: "services:\n  a: { image: x, network: closed, compose: { volumes_from: [b] } }\n" => VolumesFrom at "services.a.compose.volumes_from", cis None
);
finding!(
    /// Another runtime.
    custom_runtime: "services:\n  a: { image: x, network: closed, compose: { runtime: runsc } }\n" => CustomRuntime at "services.a.compose.runtime", cis None
);
finding!(
    /// Another cgroup parent.
    cgroup_parent: "services:\n  a: { image: x, network: closed, compose: { cgroup_parent: /system.slice } }\n" => CgroupParent at "services.a.compose.cgroup_parent", cis Some("5.25")
);
finding!(
    /// seccomp turned off.
    seccomp_unconfined: "services:\n  a: { image: x, network: closed, hardening: { security_opt: ['seccomp:unconfined'] } }\n" => ProfileDisabled at "services.a.hardening.security_opt", cis Some("5.22")
);
finding!(
    /// SELinux labelling turned off.
    label_disable: "services:\n  a: { image: x, network: closed, hardening: { security_opt: ['label=disable'] } }\n" => ProfileDisabled at "services.a.hardening.security_opt", cis Some("5.22")
);
finding!(
    /// A password written into the environment (map form).
    literal_secret: "services:\n  a: { image: x, network: closed, compose: { environment: { DB_PASSWORD: hunter2 } } }\n" => LiteralSecret at "services.a.compose.environment.DB_PASSWORD", cis None
);
finding!(
    /// A token written into the environment (list form).
    literal_secret_list: "services:\n  a: { image: x, network: closed, compose: { environment: ['GITHUB_TOKEN=ghp_x'] } }\n" => LiteralSecret at "services.a.compose.environment.GITHUB_TOKEN", cis None
);
finding!(
    /// A zone wider than a /16 would cover the host's own networks.
    wide_subnet: "zones:\n  z: { trust: internal, subnet: 10.0.0.0/8 }\n" => WideSubnet at "zones.z.subnet", cis None
);
finding!(
    /// No memory limit is noted.
    no_memory_limit: "services:\n  a: { image: x, network: closed }\n" => NoMemoryLimit at "services.a.hardening.memory", cis Some("5.11")
);
finding!(
    /// No pids limit is noted.
    no_pids_limit: "services:\n  a: { image: x, network: closed }\n" => NoPidsLimit at "services.a.hardening.pids_limit", cis Some("5.29")
);
finding!(
    /// A vault zone with a route out is an error finding.
    vault_not_internal: "zones:\n  v: { trust: vault }\n" => VaultNotInternal at "zones.v", cis None
);
finding!(
    /// A restricted zone with a route out is flagged.
    restricted_not_internal: "zones:\n  r: { trust: restricted }\n" => RestrictedNotInternal at "zones.r", cis None
);
finding!(
    /// A gateway from public straight into vault skips trust levels.
    trust_skip: format!("zones:\n  p: {{ trust: public }}\n  v: {{ trust: vault, internal: true }}\nservices:\n  g: {{ image: x, zones: [p, v], {SAFE} }}\n") => TrustSkip at "services.g.zones", cis None
);
finding!(
    /// A database publishing a port is an error finding.
    data_service_published: "zones:\n  z: { trust: internal }\nservices:\n  db: { image: 'postgres:16', zones: [z], ports: ['127.0.0.1:5432:5432'] }\n" => DataServicePublished at "services.db.ports", cis None
);
finding!(
    /// Ports of a service only in internal zones are not published.
    port_on_internal_zone: "zones:\n  z: { trust: internal, internal: true }\nservices:\n  a: { image: x, zones: [z], ports: ['127.0.0.1:8080:80'] }\n" => PortOnInternalZone at "services.a.ports[0]", cis None
);
finding!(
    /// An allow flow inside an open zone has no effect.
    flow_no_effect: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b, ports: [tcp/80] }\n" => FlowNoEffect at "flows[0]", cis None
);
finding!(
    /// A deny flow in an isolated zone with nothing allowed has no effect.
    deny_flow_no_effect: "zones:\n  z: { trust: public, isolated: true }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b, action: deny }\n" => FlowNoEffect at "flows[0]", cis None
);
finding!(
    /// An allow flow repeating an earlier one is shadowed.
    flow_shadowed: "zones:\n  z: { trust: public, isolated: true }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b, ports: [tcp/1-1000] }\n  - { from: a, to: b, ports: [tcp/80] }\n" => FlowShadowed at "flows[1]", cis None
);

/// An accepted finding is downgraded to a note, marked accepted and carries its reason; an
/// error listed without a reason stays an error and says what to add.
#[test]
fn accepted_finding_is_a_note() {
    let all = findings(&format!(
        "services:\n  a: {{ image: x, network: host, accept: [{{code: host-network, reason: sniffs the uplink}}], {SAFE} }}\n"
    ));
    let f = all
        .iter()
        .find(|f| f.code == FindingCode::HostNetwork)
        .expect("finding");
    assert!(f.accepted);
    assert_eq!(f.severity, Severity::Note);
    assert_eq!(f.reason.as_deref(), Some("sniffs the uplink"));
    assert!(
        f.message.ends_with("(accepted: sniffs the uplink)"),
        "{}",
        f.message
    );

    let bare = findings(&format!(
        "services:\n  a: {{ image: x, network: host, accept: [host-network], {SAFE} }}\n"
    ));
    let f = bare
        .iter()
        .find(|f| f.code == FindingCode::HostNetwork)
        .expect("finding");
    assert!(!f.accepted);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("without a reason"), "{}", f.message);
}

/// Both templates have no finding above warning.
#[test]
fn templates_have_no_error_findings() {
    for name in design::templates::NAMES {
        let raw = parse_document(design::templates::get(name).expect("exists")).expect("parses");
        let (design, _) = validate(&raw);
        let worst = lint(&design)
            .into_iter()
            .filter(|f| f.severity > Severity::Warning)
            .collect::<Vec<_>>();
        assert!(worst.is_empty(), "{name}: {worst:#?}");
    }
}

/// Every finding code is kebab-case and unique.
#[test]
fn finding_codes_are_stable_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for code in FindingCode::ALL {
        let text = code.as_str();
        assert!(
            text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{text}"
        );
        assert!(seen.insert(text), "{text} twice");
        assert_eq!(text.parse::<FindingCode>(), Ok(*code));
    }
}

finding!(
    /// An untagged image floats: Docker pulls `latest`.
    untagged_image: format!("services:\n  a: {{ image: nginx, network: closed, {SAFE} }}\n") => FloatingImageTag at "services.a.image", cis None
);
finding!(
    /// `latest` floats.
    latest_image: format!("services:\n  a: {{ image: 'registry.example.com:5000/team/app:latest', network: closed, {SAFE} }}\n") => FloatingImageTag at "services.a.image", cis None
);
finding!(
    /// No user: the image's default, root for most images.
    no_user: format!("services:\n  a: {{ image: 'x:1', network: closed, {SAFE} }}\n") => RunsAsRoot at "services.a.hardening.user", cis Some("4.1")
);
finding!(
    /// uid 0 written out is root too.
    root_uid: "services:\n  a: { image: 'x:1', network: closed, hardening: { user: '0:0' } }\n" => RunsAsRoot at "services.a.hardening.user", cis Some("4.1")
);

/// Pinned images and unprivileged users raise neither finding; each message says what to do.
#[test]
fn pinned_images_and_users_are_quiet() {
    let quiet = |image: &str, user: &str| {
        let body = format!(
            "services:\n  a: {{ image: '{image}', network: closed, hardening: {{ user: '{user}' }} }}\n"
        );
        findings(&body)
            .into_iter()
            .filter(|f| {
                matches!(
                    f.code,
                    FindingCode::FloatingImageTag | FindingCode::RunsAsRoot
                )
            })
            .collect::<Vec<_>>()
    };
    for (image, user) in [
        ("nginx:1.27", "1000:1000"),
        ("example/app@sha256:0123456789abcdef0123456789abcdef", "app"),
        (
            "example/app:latest@sha256:0123456789abcdef0123456789abcdef",
            "65534",
        ),
        ("localhost:5000/app:2", "10"),
    ] {
        assert!(quiet(image, user).is_empty(), "{image} as {user}");
    }
    let loud = quiet("localhost:5000/team/app", "root:root");
    let messages: Vec<&str> = loud.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].contains("localhost:5000/team/app:1.2.3"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("runs as root (user \"root:root\")"),
        "{}",
        messages[1]
    );
}

/// Neither a `_FILE` variable, an empty value nor an ordinary name is a literal secret; a named
/// volume is not a bind mount.
#[test]
fn what_is_not_flagged() {
    let all = findings(&format!(
        "volumes:\n  data:\nservices:\n  a: {{ image: x, network: closed, compose: {{ environment: {{ DB_PASSWORD_FILE: /run/secrets/db, API_KEY: '', MODE: prod }}, volumes: ['data:/var/lib/app'] }}, {SAFE} }}\n"
    ));
    let flagged: Vec<_> = all
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                FindingCode::LiteralSecret | FindingCode::BindMount | FindingCode::SensitiveMount
            )
        })
        .collect();
    assert!(flagged.is_empty(), "{flagged:#?}");
}

/// A zone accepts its own findings, with a reason.
#[test]
fn zones_accept_their_findings() {
    let all = findings(
        "zones:\n  z: { trust: vault, subnet: 10.64.0.0/12, accept: [{code: wide-subnet, reason: the lab's address plan}, {code: vault-not-internal, reason: pulls updates}] }\n",
    );
    for code in [FindingCode::WideSubnet, FindingCode::VaultNotInternal] {
        let f = all.iter().find(|f| f.code == code).expect("finding");
        assert!(f.accepted, "{f:?}");
        assert_eq!(f.severity, Severity::Note);
    }
}
