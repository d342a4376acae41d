//! Validation diagnostics: what is wrong with a design, where, and what to do.

use std::fmt;

use serde::Serialize;

/// How serious a diagnostic or finding is. Ordered: `Note` < `Warning` < `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Note,
    /// Should be fixed or consciously accepted.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// `note`, `warning` or `error` (also SARIF's level names).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not one of a code type's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a known code")]
pub struct UnknownCode(pub String);

macro_rules! codes {
    ($(#[$tdoc:meta])* $ty:ident { $($(#[$doc:meta])* $var:ident = $text:literal,)* }) => {
        $(#[$tdoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty {
            $($(#[$doc])* $var,)*
        }

        impl $ty {
            /// Every code, in declaration order.
            pub const ALL: &[$ty] = &[$($ty::$var,)*];

            /// The stable kebab-case code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$var => $text,)*
                }
            }

        }

        impl std::str::FromStr for $ty {
            type Err = $crate::diagnostic::UnknownCode;

            /// The code whose text is `text`.
            fn from_str(text: &str) -> Result<Self, $crate::diagnostic::UnknownCode> {
                match text {
                    $($text => Ok($ty::$var),)*
                    _ => Err($crate::diagnostic::UnknownCode(text.to_owned())),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use codes;

codes! {
    /// The stable code of a validation diagnostic.
    Code {
        /// `bulkhead:` is not a format version this build reads.
        UnsupportedVersion = "unsupported-version",
        /// A design, zone, service or alias name breaks Docker's naming rule.
        InvalidName = "invalid-name",
        /// A bridge name is not a valid Linux interface name.
        InvalidBridgeName = "invalid-bridge-name",
        /// Two zones use the same bridge name.
        DuplicateBridgeName = "duplicate-bridge-name",
        /// `host.external_interface` is not a valid Linux interface name.
        InvalidInterfaceName = "invalid-interface-name",
        /// A zone and a service share a name, so a flow naming it is ambiguous.
        NameClash = "zone-service-name-clash",
        /// An image reference breaks Docker's reference grammar.
        InvalidImage = "invalid-image",
        /// A service that needs an image has none.
        MissingImage = "missing-image",
        /// A subnet is not IPv4 CIDR, has host bits set or is too small.
        InvalidSubnet = "invalid-subnet",
        /// `defaults.subnet_pool` is not a usable IPv4 CIDR.
        InvalidSubnetPool = "invalid-subnet-pool",
        /// Two zones' subnets overlap.
        SubnetOverlap = "subnet-overlap",
        /// No free /24 is left in the pool for a zone without a subnet.
        SubnetPoolExhausted = "subnet-pool-exhausted",
        /// A gateway is not an IPv4 address.
        InvalidGateway = "invalid-gateway",
        /// A gateway lies outside its zone's subnet.
        GatewayOutsideSubnet = "gateway-outside-subnet",
        /// A gateway is the subnet's network or broadcast address.
        GatewayReserved = "gateway-reserved",
        /// A static address is not an IPv4 address.
        InvalidAddress = "invalid-address",
        /// A static address lies outside its zone's subnet.
        AddressOutsideSubnet = "address-outside-subnet",
        /// A static address is the network, broadcast or gateway address.
        AddressReserved = "address-reserved",
        /// Two services pin the same address in a zone.
        AddressInUse = "address-in-use",
        /// A zone's subnet has no free address left for a member.
        ZoneAddressesExhausted = "zone-addresses-exhausted",
        /// A service joins a zone that does not exist.
        UnknownZone = "unknown-zone",
        /// `network: container:X` names a service that does not exist.
        UnknownService = "unknown-service",
        /// A flow names something that is neither a service nor a zone.
        UnknownFlowEndpoint = "unknown-flow-endpoint",
        /// `network:` is not `bridged`, `closed`, `host` or `container:<service>`.
        InvalidNetworkMode = "invalid-network-mode",
        /// Services share each other's network namespace in a circle.
        ContainerCycle = "container-cycle",
        /// A service with `network: closed|host|container:X` also lists zones.
        NetworkWithZones = "network-with-zones",
        /// A published port or a port spec is malformed or out of range.
        InvalidPort = "invalid-port",
        /// The same host address and port is published twice.
        DuplicatePublishedPort = "duplicate-published-port",
        /// A flow joins services that share no zone.
        FlowNoSharedZone = "flow-no-shared-zone",
        /// A flow's end uses `closed` or `host` networking, where flows cannot apply.
        FlowEndpointNotBridged = "flow-endpoint-not-bridged",
        /// A flow goes from a service to itself.
        FlowToSelf = "flow-to-self",
        /// A hardening value is malformed.
        InvalidHardening = "invalid-hardening",
        /// A label key or value is malformed.
        InvalidLabel = "invalid-label",
        /// A host rate limit is malformed.
        InvalidRateLimit = "invalid-rate-limit",
        /// `host.allow_inbound` or `host.rate_limit` without `host.external_interface`.
        HostPolicyWithoutInterface = "host-policy-without-interface",
        HostPortsWithoutProtection = "host-ports-without-protection",
        /// A flow `via: host` that cannot work: a deny, no `host.protect_published`, or ports
        /// its target does not publish.
        FlowViaHost = "flow-via-host",
        /// `host.protect_published` with a port whose host port Docker picks.
        PublishedPortNotFixed = "published-port-not-fixed",
        /// A `compose:` key would override what the design itself manages.
        ComposeManagedKey = "compose-managed-key",
        /// A `compose:` key the engine applies (`restart`, `healthcheck`) is malformed.
        InvalidComposeValue = "invalid-compose-value",
        /// `accept:` names a finding code that does not exist.
        UnknownFindingCode = "unknown-finding-code",
        /// An `accept:` entry accepts an error without a reason, twice, or with a bad reason.
        InvalidAccept = "invalid-accept",
        /// A top-level volume or secret is one Bulkhead does not carry (a driver, a secret
        /// from the environment, a file path that is relative or the host's own).
        InvalidStorage = "invalid-storage",
        /// A service mounts a named volume the design does not declare under `volumes:`.
        UnknownVolume = "unknown-volume",
        /// A service lists a secret the design does not declare under `secrets:`.
        UnknownSecret = "unknown-secret",
        /// Free text (description, note) holds control characters.
        InvalidText = "invalid-text",
        /// The design is larger than Bulkhead analyses (see [`crate::limits`]).
        TooLarge = "design-too-large",
    }
}

/// One problem with a design: a stable code, a severity, the path of the field, and a
/// message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code.
    pub code: Code,
    /// How serious it is; validation problems are errors.
    pub severity: Severity,
    /// Dotted path of the field, e.g. `zones.database-tier.subnet` or `flows[2].to`.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl Diagnostic {
    /// An error diagnostic.
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.code, self.path, self.message
        )
    }
}
