//! The designer's edits: pure functions on the raw document, so every gesture (drag, key,
//! panel) goes through one tested path and undo is a matter of keeping the previous value.

use design::raw::{Action, RawDesign, RawFlow, RawMembership, RawService, RawZone, Scalar, Trust};

/// A name not yet used by any zone or service, from `base`.
pub fn fresh_name(doc: &RawDesign, base: &str) -> String {
    let taken = |n: &str| doc.zones.get(n).is_some() || doc.services.get(n).is_some();
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// Adds a zone of the given trust and returns its name.
pub fn add_zone(doc: &mut RawDesign, trust: Trust) -> String {
    let name = fresh_name(doc, &format!("{}-zone", trust.as_str()));
    doc.zones.0.insert(
        name.clone(),
        RawZone {
            trust,
            subnet: None,
            gateway: None,
            // Vault and restricted zones start internal: the safe default for data.
            internal: trust >= Trust::Restricted,
            isolated: false,
            mode: None,
            bridge: None,
            driver: None,
            labels: Default::default(),
            accept: Vec::new(),
        },
    );
    name
}

/// Adds a service in `zone` (or in no zone) and returns its name. It has no image yet: the
/// designer asks for one (a default would be a floating tag nobody chose).
pub fn add_service(doc: &mut RawDesign, zone: Option<&str>) -> String {
    let name = fresh_name(doc, "service");
    let mut service = RawService::default();
    if let Some(z) = zone {
        service
            .zones
            .0
            .insert(z.to_string(), RawMembership::default());
    }
    doc.services.0.insert(name.clone(), service);
    name
}

/// Moves `service` from zone `from` to zone `to` (keeping its address settings only when
/// they make sense: a static address belongs to the old subnet, so it is dropped).
pub fn move_service(doc: &mut RawDesign, service: &str, from: Option<&str>, to: &str) -> bool {
    let Some(s) = doc.services.0.get_mut(service) else {
        return false;
    };
    if from == Some(to) {
        return false;
    }
    let aliases = from
        .and_then(|f| s.zones.0.shift_remove(f))
        .map(|m| m.aliases)
        .unwrap_or_default();
    s.zones.0.entry(to.to_string()).or_insert(RawMembership {
        ipv4: None,
        aliases,
    });
    true
}

/// Adds `zone` to the service's zones (making it a gateway when it had one already).
pub fn join_zone(doc: &mut RawDesign, service: &str, zone: &str) -> bool {
    match doc.services.0.get_mut(service) {
        Some(s) if !s.zones.0.contains_key(zone) => {
            s.zones.0.insert(zone.to_string(), RawMembership::default());
            true
        }
        _ => false,
    }
}

/// Takes the service out of one zone.
pub fn leave_zone(doc: &mut RawDesign, service: &str, zone: &str) -> bool {
    doc.services
        .0
        .get_mut(service)
        .is_some_and(|s| s.zones.0.shift_remove(zone).is_some())
}

/// Parses a comma- or space-separated port list (`tcp/5432, udp/53`); empty means any.
pub fn parse_ports(text: &str) -> Option<Vec<Scalar>> {
    let ports: Vec<Scalar> = text
        .split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Scalar::from)
        .collect();
    (!ports.is_empty()).then_some(ports)
}

/// Adds a flow and returns its index.
pub fn add_flow(
    doc: &mut RawDesign,
    from: &str,
    to: &str,
    ports: Option<Vec<Scalar>>,
    action: Action,
) -> usize {
    doc.flows.push(RawFlow {
        from: from.to_string(),
        to: to.to_string(),
        ports,
        action: (action == Action::Deny).then_some(Action::Deny),
        log: false,
        note: None,
        via: None,
    });
    doc.flows.len() - 1
}

/// Removes a zone, the memberships in it and the flows naming it.
pub fn remove_zone(doc: &mut RawDesign, zone: &str) {
    doc.zones.0.shift_remove(zone);
    for s in doc.services.0.values_mut() {
        s.zones.0.shift_remove(zone);
    }
    doc.flows.retain(|f| f.from != zone && f.to != zone);
}

/// Removes a service and the flows naming it.
pub fn remove_service(doc: &mut RawDesign, service: &str) {
    doc.services.0.shift_remove(service);
    doc.flows.retain(|f| f.from != service && f.to != service);
    let joined = format!("container:{service}");
    for s in doc.services.0.values_mut() {
        if s.network.as_deref() == Some(joined.as_str()) {
            s.network = None;
        }
    }
}

pub fn remove_flow(doc: &mut RawDesign, index: usize) {
    if index < doc.flows.len() {
        doc.flows.remove(index);
    }
}

/// Renames a zone everywhere it is named. Refuses a name already in use.
pub fn rename_zone(doc: &mut RawDesign, old: &str, new: &str) -> Result<(), String> {
    if old == new {
        return Ok(());
    }
    if doc.zones.get(new).is_some() || doc.services.get(new).is_some() {
        return Err(format!("`{new}` is already the name of a zone or service"));
    }
    let Some(index) = doc.zones.0.get_index_of(old) else {
        return Err(format!("there is no zone `{old}`"));
    };
    let zone = doc.zones.0.shift_remove(old).expect("present");
    doc.zones.0.shift_insert(index, new.to_string(), zone);
    for s in doc.services.0.values_mut() {
        if let Some(i) = s.zones.0.get_index_of(old) {
            let m = s.zones.0.shift_remove(old).expect("present");
            s.zones.0.shift_insert(i, new.to_string(), m);
        }
    }
    rename_in_flows(doc, old, new);
    Ok(())
}

/// Renames a service everywhere it is named. Refuses a name already in use.
pub fn rename_service(doc: &mut RawDesign, old: &str, new: &str) -> Result<(), String> {
    if old == new {
        return Ok(());
    }
    if doc.zones.get(new).is_some() || doc.services.get(new).is_some() {
        return Err(format!("`{new}` is already the name of a zone or service"));
    }
    let Some(index) = doc.services.0.get_index_of(old) else {
        return Err(format!("there is no service `{old}`"));
    };
    let s = doc.services.0.shift_remove(old).expect("present");
    doc.services.0.shift_insert(index, new.to_string(), s);
    let (from, to) = (format!("container:{old}"), format!("container:{new}"));
    for s in doc.services.0.values_mut() {
        if s.network.as_deref() == Some(from.as_str()) {
            s.network = Some(to.clone());
        }
    }
    rename_in_flows(doc, old, new);
    Ok(())
}

fn rename_in_flows(doc: &mut RawDesign, old: &str, new: &str) {
    for f in &mut doc.flows {
        if f.from == old {
            f.from = new.to_string();
        }
        if f.to == old {
            f.to = new.to_string();
        }
    }
}

/// An empty text field means "not set".
pub fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_tier() -> RawDesign {
        design::parse_document(design::templates::get("three-tier").unwrap()).unwrap()
    }

    /// Moving a service changes its zone and keeps the document valid.
    #[test]
    fn move_then_validate() {
        let mut d = three_tier();
        assert!(move_service(
            &mut d,
            "cache",
            Some("database-tier"),
            "application-tier"
        ));
        let zones: Vec<_> = d
            .services
            .get("cache")
            .unwrap()
            .zones
            .0
            .keys()
            .cloned()
            .collect();
        assert_eq!(zones, ["application-tier"]);
        // The cache flow now crosses zones (api is in both), so the design still validates.
        assert!(design::check(&d).is_ok());
    }

    /// Joining a second zone makes a gateway; leaving takes it back.
    #[test]
    fn join_and_leave() {
        let mut d = three_tier();
        assert!(join_zone(&mut d, "lb", "application-tier"));
        assert!(!join_zone(&mut d, "lb", "application-tier"));
        assert_eq!(d.services.get("lb").unwrap().zones.0.len(), 2);
        assert!(leave_zone(&mut d, "lb", "application-tier"));
        assert_eq!(d.services.get("lb").unwrap().zones.0.len(), 1);
    }

    /// Renames reach memberships and flows; removing a zone removes what names it.
    #[test]
    fn rename_and_remove() {
        let mut d = three_tier();
        rename_zone(&mut d, "database-tier", "data").unwrap();
        assert!(
            d.services
                .get("postgres")
                .unwrap()
                .zones
                .0
                .contains_key("data")
        );
        rename_service(&mut d, "postgres", "pg").unwrap();
        assert!(d.flows.iter().any(|f| f.to == "pg"));
        assert!(rename_service(&mut d, "pg", "api").is_err());
        remove_service(&mut d, "pg");
        assert!(d.flows.iter().all(|f| f.to != "pg"));
        remove_zone(&mut d, "data");
        assert!(
            d.services
                .iter()
                .all(|(_, s)| !s.zones.0.contains_key("data"))
        );
        // cache is left in no zone, so its flow from api is an error until cache goes too.
        assert!(design::check(&d).is_err());
        remove_service(&mut d, "cache");
        assert!(design::check(&d).is_ok(), "{:?}", design::check(&d).err());
    }

    /// New names never collide; new zones and services validate.
    #[test]
    fn add_things() {
        let mut d = three_tier();
        let z = add_zone(&mut d, Trust::Vault);
        let z2 = add_zone(&mut d, Trust::Vault);
        assert_ne!(z, z2);
        assert!(d.zones.get(&z).unwrap().internal);
        let s = add_service(&mut d, Some(&z));
        let i = add_flow(
            &mut d,
            "api",
            "postgres",
            parse_ports("tcp/5432, tcp/5433"),
            Action::Deny,
        );
        assert_eq!(d.flows[i].ports.as_ref().unwrap().len(), 2);
        // A new service asks for its image rather than defaulting to a floating tag.
        let missing = design::check(&d).unwrap_err();
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert_eq!(missing[0].code, design::Code::MissingImage);
        assert_eq!(missing[0].path, format!("services.{s}.image"));
        d.services.0.get_mut(&s).unwrap().image = Some("nginx:1.27".into());
        assert!(design::check(&d).is_ok());
    }
}
