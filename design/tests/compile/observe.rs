//! Observe mode in the firewall: the drops of what observes log, count and let through;
//! what enforces still drops.

use design::compile::{Format, LOG_OBSERVE, compile};

use crate::helpers::{OBSERVED, valid};

/// In iptables: the only drop left is the enforcing zone's isolation; every rule that
/// observes accepts (between members of a zone) or only counts (the host policy), after a
/// rate-limited log, except the rate limit, which counts without logging.
#[test]
fn iptables_observes_all_but_the_enforcing_zone() {
    let text = compile(&valid(OBSERVED), Format::Iptables, None);
    let rules: Vec<&str> = text.lines().filter(|l| l.starts_with("-A ")).collect();
    let drops: Vec<&&str> = rules.iter().filter(|l| l.ends_with("-j DROP")).collect();
    assert_eq!(drops.len(), 1, "{text}");
    assert!(
        drops[0].contains("bulkhead rollout zone ops isolated"),
        "{text}"
    );
    let observing: Vec<&&str> = rules
        .iter()
        .filter(|l| l.contains("--comment \"bulkhead rollout observe "))
        .collect();
    // data's isolation and its deny flow, web's deny flow, the inbound drop and rate limit,
    // and the host's and the published ports' protections.
    assert!(observing.len() >= 7, "{text}");
    for rule in &observing {
        let words: Vec<&str> = rule.split_whitespace().collect();
        let iface = |flag: &str| words.windows(2).find(|w| w[0] == flag).map(|w| w[1]);
        let between_members = iface("-i").is_some() && iface("-i") == iface("-o");
        if rule.contains("-j LOG") {
            assert!(rule.contains(LOG_OBSERVE.trim_end()), "{rule}");
            assert!(!rule.contains("hashlimit"), "{rule}");
        } else if between_members {
            assert!(rule.ends_with("-j ACCEPT"), "{rule}");
        } else {
            assert!(!rule.contains(" -j "), "counts and carries on: {rule}");
        }
    }
    assert!(
        observing
            .iter()
            .any(|r| r.contains("observe zone data isolated") && r.ends_with("-j ACCEPT"))
    );
    assert!(
        observing
            .iter()
            .any(|r| r.contains("observe flow[1] deny api>cache") && r.ends_with("-j ACCEPT"))
    );
    assert!(
        observing
            .iter()
            .any(|r| r.contains("hashlimit") && !r.contains(" -j "))
    );
    // The enforcing zone logs what it denies as denied; nothing that observes does.
    let denied_logs: Vec<&&str> = rules
        .iter()
        .filter(|l| l.contains("BULKHEAD-DENY"))
        .collect();
    assert_eq!(denied_logs.len(), 1, "{text}");
    assert!(denied_logs[0].contains("zone ops isolated"));
    assert!(text.contains("# Note: observe mode"), "{text}");
    assert!(text.contains("enforced anyway in observe mode"), "{text}");
}

/// In nftables the same: one drop, the enforcing zone's.
#[test]
fn nftables_observes_all_but_the_enforcing_zone() {
    let text = compile(&valid(OBSERVED), Format::Nftables, None);
    let drops: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" drop comment "))
        .collect();
    assert_eq!(drops.len(), 1, "{text}");
    assert!(drops[0].contains("zone ops isolated"));
    assert!(text.contains("log prefix \"BULKHEAD-OBSERVE \""), "{text}");
    for line in text.lines().filter(|l| {
        l.contains("comment \"bulkhead rollout observe ") && !l.contains(" log prefix ")
    }) {
        assert!(
            line.contains("counter accept comment") || line.contains("counter comment"),
            "{line}"
        );
    }
}

/// The same design enforcing has no rule that observes.
#[test]
fn enforcing_observes_nothing() {
    let text = OBSERVED.replace("mode: observe\n", "");
    for format in [Format::Iptables, Format::Nftables] {
        let out = compile(&valid(&text), format, None);
        assert!(!out.contains("observe"), "{out}");
        assert!(!out.contains("BULKHEAD-OBSERVE"), "{out}");
    }
}
