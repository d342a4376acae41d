//! A service's zones: a list of names, or a map of names to an address and aliases.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

/// How a service sits in one zone: an optional pinned address and DNS aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMembership {
    /// A static IPv4 address inside the zone's subnet; allocated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<String>,
    /// Extra DNS names for the service inside this zone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl RawMembership {
    fn is_plain(&self) -> bool {
        self.ipv4.is_none() && self.aliases.is_empty()
    }
}

/// A service's zones in document order. Written as a list when no zone carries an
/// address or aliases, as a map otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawMemberships(pub IndexMap<String, RawMembership>);

impl RawMemberships {
    /// True when the service lists no zone.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The zones, in document order.
    pub fn iter(&self) -> indexmap::map::Iter<'_, String, RawMembership> {
        self.0.iter()
    }
}

impl Serialize for RawMemberships {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.values().all(RawMembership::is_plain) {
            serializer.collect_seq(self.0.keys())
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for RawMemberships {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembershipsVisitor;

        impl<'de> Visitor<'de> for MembershipsVisitor {
            type Value = RawMemberships;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of zone names, or a map of zone names to { ipv4, aliases }")
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(RawMemberships::default())
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut map = IndexMap::new();
                while let Some(zone) = seq.next_element::<String>()? {
                    if map.contains_key(&zone) {
                        return Err(serde::de::Error::custom(format_args!(
                            "zone `{zone}` is listed twice"
                        )));
                    }
                    map.insert(zone, RawMembership::default());
                }
                Ok(RawMemberships(map))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = IndexMap::new();
                while let Some(zone) = access.next_key::<String>()? {
                    if map.contains_key(&zone) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate key `{zone}`: each zone may appear only once"
                        )));
                    }
                    let membership: Option<RawMembership> = access.next_value()?;
                    map.insert(zone, membership.unwrap_or_default());
                }
                Ok(RawMemberships(map))
            }
        }

        deserializer.deserialize_any(MembershipsVisitor)
    }
}
