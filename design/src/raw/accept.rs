//! One entry of an `accept:` list: a finding code, with the reason the team accepts it.
//! Written as the bare code (`host-network`) or as a map (`{code: privileged, reason: "…"}`);
//! a finding of severity error needs the map form, since its reason is what a review reads.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// `accept: [host-network, {code: privileged, reason: "…"}]`, one entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawAccept {
    /// The finding code, as written.
    pub code: String,
    /// Why the team accepts it.
    pub reason: Option<String>,
}

impl RawAccept {
    /// An entry with no reason.
    pub fn code(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            reason: None,
        }
    }
}

impl Serialize for RawAccept {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.reason {
            None => serializer.serialize_str(&self.code),
            Some(reason) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("code", &self.code)?;
                map.serialize_entry("reason", reason)?;
                map.end()
            }
        }
    }
}

/// The map form, with its fields checked like every other map of the format.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Reasoned {
    code: String,
    #[serde(default)]
    reason: Option<String>,
}

impl<'de> Deserialize<'de> for RawAccept {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AcceptVisitor;

        impl<'de> Visitor<'de> for AcceptVisitor {
            type Value = RawAccept;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a finding code, or {code: CODE, reason: WHY}")
            }

            fn visit_str<E: de::Error>(self, code: &str) -> Result<RawAccept, E> {
                Ok(RawAccept::code(code))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawAccept, A::Error> {
                let r = Reasoned::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawAccept {
                    code: r.code,
                    reason: r.reason,
                })
            }
        }

        deserializer.deserialize_any(AcceptVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_and_write_back() {
        let list: Vec<RawAccept> = serde_json::from_str(
            r#"["host-network", {"code": "privileged", "reason": "needs /dev/kvm"}]"#,
        )
        .unwrap();
        assert_eq!(list[0], RawAccept::code("host-network"));
        assert_eq!(list[1].reason.as_deref(), Some("needs /dev/kvm"));
        let back = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<Vec<RawAccept>>(&back).unwrap(), list);
        let wrong = serde_json::from_str::<Vec<RawAccept>>(r#"[{"code": "x", "why": "y"}]"#)
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("why"), "{wrong}");
    }
}
