//! One test per validation rule: the diagnostic's code and path.

use design::{Code, Severity, parse_document, validate};

fn diagnostics(body: &str) -> Vec<design::Diagnostic> {
    let text = format!("bulkhead: 1\nname: t\n{body}");
    let raw = parse_document(&text).unwrap_or_else(|e| panic!("parses: {e}\n{text}"));
    validate(&raw).1
}

fn expect(body: &str, code: Code, path: &str) {
    let diags = diagnostics(body);
    assert!(
        diags
            .iter()
            .any(|d| d.code == code && d.path == path && d.severity == Severity::Error),
        "expected {code} at {path}, got {diags:#?}"
    );
}

macro_rules! rule {
    ($(#[$doc:meta])* $name:ident: $body:expr => $code:ident at $path:expr) => {
        $(#[$doc])*
        #[test]
        fn $name() {
            expect($body, Code::$code, $path);
        }
    };
}

rule!(
    /// An accepted code given twice.
    accept_twice: "services:\n  a: { image: x, network: closed, accept: [writable-rootfs, writable-rootfs] }\n" => InvalidAccept at "services.a.accept[1]"
);
rule!(
    /// A reason holding a control character.
    accept_reason_control: "services:\n  a: { image: x, network: closed, accept: [{code: privileged, reason: \"a\\u0007b\"}] }\n" => InvalidAccept at "services.a.accept[0].reason"
);
rule!(
    /// A zone accepting an unknown code.
    zone_accept_unknown: "zones:\n  z: { trust: public, accept: [wide-subnets] }\n" => UnknownFindingCode at "zones.z.accept[0]"
);
rule!(
    /// A volume driver could bind any host path.
    volume_driver: "volumes:\n  v: { driver: local, driver_opts: { o: bind, device: / } }\n" => InvalidStorage at "volumes.v.driver_opts"
);
rule!(
    /// An external volume cannot be labelled.
    external_volume_labels: "volumes:\n  v: { external: true, labels: { a: b } }\n" => InvalidStorage at "volumes.v.labels"
);
rule!(
    /// A volume name breaks Docker's naming rule.
    volume_name: "volumes:\n  v: { name: 'bad name' }\n" => InvalidName at "volumes.v.name"
);
rule!(
    /// A secret from the environment.
    secret_environment: "secrets:\n  s: { environment: AWS_SECRET_ACCESS_KEY }\n" => InvalidStorage at "secrets.s.environment"
);
rule!(
    /// A secret with a relative file.
    secret_relative: "secrets:\n  s: { file: ./s.txt }\n" => InvalidStorage at "secrets.s.file"
);
rule!(
    /// A secret that is the host's own file.
    secret_sensitive: "secrets:\n  s: { file: /etc/shadow }\n" => InvalidStorage at "secrets.s.file"
);
rule!(
    /// A secret with no file.
    secret_without_file: "secrets:\n  s: {}\n" => InvalidStorage at "secrets.s"
);
rule!(
    /// A named volume not declared.
    undeclared_volume: "volumes:\n  data:\nservices:\n  a: { image: x, network: closed, compose: { volumes: ['date:/d'] } }\n" => UnknownVolume at "services.a.compose.volumes[0]"
);
rule!(
    /// A named volume in the long syntax, not declared.
    undeclared_volume_long: "services:\n  a: { image: x, network: closed, compose: { volumes: [{ type: volume, source: data, target: /d }] } }\n" => UnknownVolume at "services.a.compose.volumes[0]"
);
rule!(
    /// A secret not declared.
    undeclared_secret: "services:\n  a: { image: x, network: closed, compose: { secrets: [{ source: pw }] } }\n" => UnknownSecret at "services.a.compose.secrets[0]"
);
rule!(
    /// A secret entry with keys apply would not honour.
    secret_entry_keys: "secrets:\n  pw: { file: /srv/pw }\nservices:\n  a: { image: x, network: closed, compose: { secrets: [{ source: pw, mode: 0400 }] } }\n" => InvalidComposeValue at "services.a.compose.secrets[0].mode"
);
rule!(
    /// volumes must be a list.
    volumes_not_a_list: "services:\n  a: { image: x, network: closed, compose: { volumes: 'data:/d' } }\n" => InvalidComposeValue at "services.a.compose.volumes"
);

/// A declared volume and secret, mounted by name and by the long syntax, check clean.
#[test]
fn declared_storage_is_clean() {
    let diags = diagnostics(
        "volumes:\n  data:\n  old: { name: legacy-data }\nsecrets:\n  pw: { file: /srv/bulkhead/secrets/pw }\nservices:\n  a: { image: x, network: closed, compose: { volumes: ['data:/d', { type: volume, source: old, target: /o }, '/srv/x:/x'], secrets: [pw, { source: pw, target: /etc/pw }] } }\n",
    );
    assert!(diags.is_empty(), "{diags:#?}");
}

rule!(
    /// A ulimit Docker does not know, named where it is.
    ulimit_name: "services:\n  a: { image: x, network: closed, compose: { ulimits: { nofiles: 10 } } }\n" => InvalidComposeValue at "services.a.compose.ulimits.nofiles"
);
rule!(
    /// A soft limit over the hard one.
    ulimit_order: "services:\n  a: { image: x, network: closed, compose: { ulimits: { nofile: { soft: 10, hard: 5 } } } }\n" => InvalidComposeValue at "services.a.compose.ulimits.nofile"
);

rule!(
    /// An inbound policy with no interface to write its rules for.
    host_policy_without_interface: "host:\n  allow_inbound: [tcp/443]\n" => HostPolicyWithoutInterface at "host.external_interface"
);
rule!(
    /// Ports left open on the host, with nothing closing the others.
    host_ports_without_protection: "host:\n  host_ports: [udp/53]\n" => HostPortsWithoutProtection at "host.host_ports"
);
rule!(
    /// A host port that is not a port spec.
    host_port_not_a_port: "host:\n  protect_host: true\n  host_ports: [dns]\n" => InvalidPort at "host.host_ports[0]"
);

/// A format version other than 1 is refused.
#[test]
fn unsupported_version() {
    let raw = parse_document("bulkhead: 2\nname: t\n").expect("parses");
    let diags = validate(&raw).1;
    assert_eq!(diags[0].code, Code::UnsupportedVersion);
    assert_eq!(diags[0].path, "bulkhead");
}
rule!(
    /// A zone name with a space breaks Docker's naming rule.
    zone_name_with_space: "zones:\n  'bad name': { trust: public }\n" => InvalidName at "zones.\"bad name\""
);
rule!(
    /// A service name starting with a dash is refused.
    service_name_leading_dash: "services:\n  -x: { image: nginx }\n" => InvalidName at "services.-x"
);
rule!(
    /// A name longer than 63 characters is refused.
    name_too_long: &format!("zones:\n  {}: {{ trust: public }}\n", "a".repeat(64)) => InvalidName at &format!("zones.{}", "a".repeat(64))
);
rule!(
    /// A bridge name over 15 characters is refused.
    bridge_too_long: "zones:\n  z: { trust: public, bridge: bh-this-is-too-long }\n" => InvalidBridgeName at "zones.z.bridge"
);
rule!(
    /// A bridge name with a slash is refused.
    bridge_with_slash: "zones:\n  z: { trust: public, bridge: 'bh/x' }\n" => InvalidBridgeName at "zones.z.bridge"
);
rule!(
    /// Two zones with the same bridge name are refused.
    duplicate_bridge: "zones:\n  a: { trust: public, bridge: bh-x }\n  b: { trust: public, bridge: bh-x }\n" => DuplicateBridgeName at "zones.b.bridge"
);
rule!(
    /// A zone and a service with the same name are refused.
    zone_service_clash: "zones:\n  web: { trust: public }\nservices:\n  web: { image: nginx, zones: [web] }\n" => NameClash at "services.web"
);
rule!(
    /// An image with whitespace is refused.
    image_with_space: "services:\n  a: { image: 'nginx latest', zones: [] }\n" => InvalidImage at "services.a.image"
);
rule!(
    /// An image with upper-case repository letters is refused.
    image_upper_case: "services:\n  a: { image: 'Nginx:1' }\n" => InvalidImage at "services.a.image"
);
rule!(
    /// A bridged service without an image is refused.
    missing_image: "services:\n  a: {}\n" => MissingImage at "services.a.image"
);
rule!(
    /// A subnet that is not CIDR is refused.
    subnet_syntax: "zones:\n  z: { trust: public, subnet: 10.0.0.0/33 }\n" => InvalidSubnet at "zones.z.subnet"
);
rule!(
    /// A subnet with host bits set is refused.
    subnet_host_bits: "zones:\n  z: { trust: public, subnet: 10.0.0.5/24 }\n" => InvalidSubnet at "zones.z.subnet"
);
rule!(
    /// A subnet pool smaller than a /24 is refused.
    pool_too_small: "defaults: { subnet_pool: 10.0.0.0/25 }\n" => InvalidSubnetPool at "defaults.subnet_pool"
);
rule!(
    /// Overlapping subnets are refused, naming the later zone.
    subnet_overlap: "zones:\n  a: { trust: public, subnet: 10.1.0.0/16 }\n  b: { trust: public, subnet: 10.1.2.0/24 }\n" => SubnetOverlap at "zones.b.subnet"
);
rule!(
    /// A pool with no free /24 left is refused.
    pool_exhausted: "defaults: { subnet_pool: 10.9.0.0/24 }\nzones:\n  a: { trust: public }\n  b: { trust: public }\n" => SubnetPoolExhausted at "zones.b"
);
rule!(
    /// A gateway that is not an address is refused.
    gateway_syntax: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24, gateway: ten }\n" => InvalidGateway at "zones.z.gateway"
);
rule!(
    /// A gateway outside its subnet is refused.
    gateway_outside: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24, gateway: 10.0.1.1 }\n" => GatewayOutsideSubnet at "zones.z.gateway"
);
rule!(
    /// A gateway equal to the network address is refused.
    gateway_network: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24, gateway: 10.0.0.0 }\n" => GatewayReserved at "zones.z.gateway"
);
rule!(
    /// A gateway equal to the broadcast address is refused.
    gateway_broadcast: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24, gateway: 10.0.0.255 }\n" => GatewayReserved at "zones.z.gateway"
);
rule!(
    /// A static address that is not an address is refused.
    address_syntax: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24 }\nservices:\n  a: { image: x, zones: { z: { ipv4: nope } } }\n" => InvalidAddress at "services.a.zones.z.ipv4"
);
rule!(
    /// A static address outside its zone's subnet is refused.
    address_outside: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24 }\nservices:\n  a: { image: x, zones: { z: { ipv4: 10.0.1.5 } } }\n" => AddressOutsideSubnet at "services.a.zones.z.ipv4"
);
rule!(
    /// A static address equal to the gateway is refused.
    address_is_gateway: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24 }\nservices:\n  a: { image: x, zones: { z: { ipv4: 10.0.0.1 } } }\n" => AddressReserved at "services.a.zones.z.ipv4"
);
rule!(
    /// The same static address pinned twice is refused.
    address_twice: "zones:\n  z: { trust: public, subnet: 10.0.0.0/24 }\nservices:\n  a: { image: x, zones: { z: { ipv4: 10.0.0.9 } } }\n  b: { image: x, zones: { z: { ipv4: 10.0.0.9 } } }\n" => AddressInUse at "services.b.zones.z.ipv4"
);
rule!(
    /// A zone with more members than addresses is refused.
    zone_full: "zones:\n  z: { trust: public, subnet: 10.0.0.0/29 }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\n  c: { image: x, zones: [z] }\n  d: { image: x, zones: [z] }\n  e: { image: x, zones: [z] }\n  f: { image: x, zones: [z] }\n" => ZoneAddressesExhausted at "services.f.zones.z"
);
rule!(
    /// A service joining an unknown zone is refused.
    unknown_zone: "services:\n  a: { image: x, zones: [nowhere] }\n" => UnknownZone at "services.a.zones.nowhere"
);
rule!(
    /// `container:X` naming an unknown service is refused.
    unknown_container: "services:\n  a: { image: x, network: 'container:ghost' }\n" => UnknownService at "services.a.network"
);
rule!(
    /// A cycle of `container:` services is refused.
    container_cycle: "services:\n  a: { image: x, network: 'container:b' }\n  b: { image: x, network: 'container:a' }\n" => ContainerCycle at "services.a.network"
);
rule!(
    /// An unknown network mode is refused.
    network_mode_unknown: "services:\n  a: { image: x, network: bridge }\n" => InvalidNetworkMode at "services.a.network"
);
rule!(
    /// A closed service that lists zones is refused.
    closed_with_zones: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, network: closed, zones: [z] }\n" => NetworkWithZones at "services.a.zones"
);
rule!(
    /// A published port out of range is refused.
    port_out_of_range: "services:\n  a: { image: x, ports: ['70000:80'] }\n" => InvalidPort at "services.a.ports[0]"
);
rule!(
    /// A host-network service that publishes ports is refused.
    ports_with_host_network: "services:\n  a: { image: x, network: host, ports: ['8080:80'] }\n" => InvalidPort at "services.a.ports"
);
rule!(
    /// A flow port range written backwards is refused.
    flow_port_backwards: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b, ports: [tcp/90-80] }\n" => InvalidPort at "flows[0].ports[0]"
);
rule!(
    /// A flow port above 65535 is refused.
    flow_port_too_high: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b, ports: [tcp/70000] }\n" => InvalidPort at "flows[0].ports[0]"
);
rule!(
    /// The same host address and port published twice is refused.
    duplicate_published: "services:\n  a: { image: x, ports: ['8080:80'] }\n  b: { image: x, ports: ['127.0.0.1:8080:81'] }\n" => DuplicatePublishedPort at "services.b.ports[0]"
);
rule!(
    /// A flow between services that share no zone is refused.
    flow_no_shared_zone: "zones:\n  y: { trust: public }\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [y] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b }\n" => FlowNoSharedZone at "flows[0]"
);
rule!(
    /// A flow naming something that is neither service nor zone is refused.
    flow_unknown_endpoint: "services:\n  a: { image: x }\nflows:\n  - { from: a, to: ghost }\n" => UnknownFlowEndpoint at "flows[0].to"
);
rule!(
    /// A flow from a host-network service is refused.
    flow_from_host_network: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, network: host }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b }\n" => FlowEndpointNotBridged at "flows[0]"
);
rule!(
    /// A flow from a service to itself is refused.
    flow_to_self: "zones:\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [z] }\nflows:\n  - { from: a, to: a }\n" => FlowToSelf at "flows[0]"
);
rule!(
    /// A capability with a shell metacharacter is refused.
    bad_capability: "services:\n  a: { image: x, hardening: { cap_add: ['NET_ADMIN;reboot'] } }\n" => InvalidHardening at "services.a.hardening.cap_add[0]"
);
rule!(
    /// A malformed memory limit in the defaults is refused once, at the defaults.
    bad_memory: "defaults: { hardening: { memory: lots } }\n" => InvalidHardening at "defaults.hardening.memory"
);
rule!(
    /// A memory limit below Docker's minimum (6m) is refused before the engine would.
    tiny_memory: "services:\n  a: { image: x, network: closed, hardening: { memory: 4m } }\n" => InvalidHardening at "services.a.hardening.memory"
);
rule!(
    /// A CPU limit of zero is refused.
    zero_cpus: "services:\n  a: { image: x, network: closed, hardening: { cpus: '0.0' } }\n" => InvalidHardening at "services.a.hardening.cpus"
);
rule!(
    /// A restart policy the engine does not know is refused, not read as `no`.
    bad_restart: "services:\n  a: { image: x, network: closed, compose: { restart: sometimes } }\n" => InvalidComposeValue at "services.a.compose.restart"
);
rule!(
    /// A healthcheck duration without a unit is refused at its key, not dropped.
    bad_healthcheck_interval: "services:\n  a: { image: x, network: closed, compose: { healthcheck: { test: [CMD, 'true'], interval: '30' } } }\n" => InvalidComposeValue at "services.a.compose.healthcheck.interval"
);
rule!(
    /// A healthcheck that is not a map is refused.
    bad_healthcheck: "services:\n  a: { image: x, network: closed, compose: { healthcheck: 'curl -f localhost' } }\n" => InvalidComposeValue at "services.a.compose.healthcheck"
);
rule!(
    /// A label key under io.bulkhead. is refused.
    reserved_label: "zones:\n  z: { trust: public, labels: { io.bulkhead.zone: x } }\n" => InvalidLabel at "zones.z.labels.\"io.bulkhead.zone\""
);
rule!(
    /// A rate that is not count/unit is refused.
    bad_rate: "host:\n  external_interface: eth0\n  rate_limit: { tcp/443: { per_source: fast } }\n" => InvalidRateLimit at "host.rate_limit.\"tcp/443\".per_source"
);
rule!(
    /// An external interface name with a space is refused.
    bad_interface: "host: { external_interface: 'eth 0' }\n" => InvalidInterfaceName at "host.external_interface"
);
rule!(
    /// A compose key the design manages (network_mode) is refused.
    compose_managed_key: "services:\n  a: { image: x, compose: { network_mode: host } }\n" => ComposeManagedKey at "services.a.compose.network_mode"
);
rule!(
    /// An accept entry that is not a finding code is refused.
    unknown_accept: "services:\n  a: { image: x, accept: [host-netwrok] }\n" => UnknownFindingCode at "services.a.accept[0]"
);

/// Every problem is reported at once, not only the first.
#[test]
fn all_problems_at_once() {
    let diags = diagnostics(
        "zones:\n  'bad zone': { trust: public }\n  z: { trust: public, subnet: nope }\nservices:\n  a: { image: 'BAD IMAGE' }\n  b: { image: x, zones: [missing] }\n",
    );
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    for code in [
        Code::InvalidName,
        Code::InvalidSubnet,
        Code::InvalidImage,
        Code::UnknownZone,
    ] {
        assert!(codes.contains(&code), "{code} missing from {diags:#?}");
    }
}

/// A refused zone is not reported again as unknown where services name it.
#[test]
fn refused_zone_does_not_cascade() {
    let diags = diagnostics(
        "zones:\n  z: { trust: public, subnet: nope }\nservices:\n  a: { image: x, zones: [z] }\n",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
}

/// The no-shared-zone message names both services, their zones and suggests a gateway.
#[test]
fn no_shared_zone_message() {
    let diags = diagnostics(
        "zones:\n  y: { trust: public }\n  z: { trust: public }\nservices:\n  a: { image: x, zones: [y] }\n  b: { image: x, zones: [z] }\nflows:\n  - { from: a, to: b }\n",
    );
    let message = &diags
        .iter()
        .find(|d| d.code == Code::FlowNoSharedZone)
        .expect("diagnostic")
        .message;
    for part in ["a (y)", "b (z)", "gateway"] {
        assert!(message.contains(part), "{message}");
    }
}

/// An unknown zone gets a did-you-mean suggestion.
#[test]
fn typo_gets_a_suggestion() {
    let diags = diagnostics(
        "zones:\n  database: { trust: vault }\nservices:\n  a: { image: x, zones: [databse] }\n",
    );
    assert!(
        diags[0].message.contains("Did you mean `database`?"),
        "{}",
        diags[0].message
    );
}

/// Both templates validate with no errors.
#[test]
fn templates_validate_clean() {
    for name in design::templates::NAMES {
        let raw = parse_document(design::templates::get(name).expect("exists")).expect("parses");
        let (_, diags) = validate(&raw);
        assert!(diags.is_empty(), "{name}: {diags:#?}");
    }
}

/// Image references from Docker's grammar are accepted.
#[test]
fn good_images_accepted() {
    for image in [
        "nginx",
        "nginx:1.27",
        "library/postgres:15",
        "registry.example.com:5000/team/app:v1.2.3",
        "localhost/app",
        "ghcr.io/org/my_app__x-y:latest",
        "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        assert!(design::model::ImageRef::parse(image).is_ok(), "{image}");
    }
}

/// A design over a size limit is refused with the limit named, and its model stays empty
/// so that no analysis grows with it.
#[test]
fn designs_over_a_limit_are_refused_whole() {
    use design::limits::{
        MAX_FLOW_EXPANSION, MAX_FLOWS, MAX_PORTS_PER_FLOW, MAX_SERVICES, MAX_ZONES,
    };
    use std::fmt::Write;
    let zones = (0..=MAX_ZONES).fold(String::from("zones:\n"), |mut y, z| {
        let _ = writeln!(y, "  z{z}: {{ trust: public }}");
        y
    });
    let services = (0..=MAX_SERVICES).fold(String::from("services:\n"), |mut y, s| {
        let _ = writeln!(y, "  s{s}: {{ image: 'x:1', network: closed }}");
        y
    });
    let flows = (0..=MAX_FLOWS).fold(String::from("flows:\n"), |mut y, _| {
        y.push_str("  - { from: a, to: b }\n");
        y
    });
    for (body, path, limit) in [
        (zones, "zones", MAX_ZONES),
        (services, "services", MAX_SERVICES),
        (flows, "flows", MAX_FLOWS),
    ] {
        let raw = parse_document(&format!("bulkhead: 1\nname: big\n{body}")).unwrap();
        let (model, diags) = validate(&raw);
        assert_eq!(diags.len(), 1, "{path}: {diags:#?}");
        assert_eq!(diags[0].code, Code::TooLarge);
        assert_eq!(diags[0].path, path);
        assert!(
            diags[0].message.contains(&limit.to_string()),
            "{}",
            diags[0].message
        );
        assert!(model.zones.is_empty() && model.services.is_empty() && model.flows.is_empty());
    }

    // Too many ports in one flow.
    let ports: Vec<String> = (1..=MAX_PORTS_PER_FLOW + 1)
        .map(|p| format!("tcp/{p}"))
        .collect();
    let body = format!(
        "zones:\n  z: {{ trust: public, isolated: true }}\nservices:\n  a: {{ image: 'x:1', zones: [z] }}\n  b: {{ image: 'x:1', zones: [z] }}\nflows:\n  - {{ from: a, to: b, ports: [{}] }}\n",
        ports.join(", ")
    );
    expect(&body, Code::TooLarge, "flows[0].ports");

    // Zone-to-zone flows whose pairs times ports add up past the limit: refused at the flow
    // that passes it, the flows after it not looked at.
    let members = 320;
    let mut y = String::from(
        "zones:\n  z: { trust: public, isolated: true, subnet: 10.50.0.0/22 }\nservices:\n",
    );
    for s in 0..members {
        let _ = writeln!(y, "  s{s}: {{ image: 'x:1', zones: [z] }}");
    }
    y.push_str("flows:\n");
    let per_flow = members * members;
    let flows = MAX_FLOW_EXPANSION / per_flow + 2;
    for _ in 0..flows {
        y.push_str("  - { from: z, to: z, ports: [tcp/80] }\n");
    }
    let over = MAX_FLOW_EXPANSION / per_flow;
    let diags = diagnostics(&y);
    let too_large: Vec<_> = diags.iter().filter(|d| d.code == Code::TooLarge).collect();
    assert_eq!(too_large.len(), 1, "{too_large:#?}");
    assert_eq!(too_large[0].path, format!("flows[{over}]"));
}
