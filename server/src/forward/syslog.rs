//! Audit entries as RFC 5424 syslog messages.

use crate::store::audit::forward::Forwarded;

/// The largest syslog message sent over UDP (RFC 5426 asks receivers for 2,048 octets at
/// least; most take 8 KiB). A longer one is sent without its `details`.
pub const UDP_MAX: usize = 8192;
/// The structured-data ID of Bulkhead's parameters: `32473` is the enterprise number
/// RFC 5612 sets aside for documentation, as Bulkhead has none of its own.
const SD_ID: &str = "bulkhead@32473";

/// This host's name as syslog wants it (printable ASCII, no space), or `-`.
pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| (33..=126).contains(&b)))
        .unwrap_or_else(|| "-".to_owned())
}

/// A structured-data parameter value: `"`, `\` and `]` escaped (RFC 5424 6.3.3).
fn sd_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One entry as an RFC 5424 message: facility 13 (log audit), severity notice, or warning
/// for a failure or an override; the message is the entry's JSON Lines form after a BOM.
/// `max`: the longest message allowed (the entry's details are left out to fit).
pub fn syslog_line(e: &Forwarded, host: &str, max: Option<usize>) -> String {
    let severity = if e.failed || e.overridden { 4 } else { 5 };
    let result = match (e.failed, e.overridden) {
        (true, _) => "failed",
        (_, true) => "override",
        _ => "ok",
    };
    let head = format!(
        "<{}>1 {} {host} bulkhead {} {} [{SD_ID} id=\"{}\" actor=\"{}\" target=\"{}\" result=\"{result}\" hash=\"{}\"] \u{feff}",
        13 * 8 + severity,
        e.at,
        std::process::id(),
        e.action,
        e.id,
        sd_value(e.actor.as_deref().unwrap_or("-")),
        sd_value(e.target.as_deref().unwrap_or("-")),
        e.hash,
    );
    let line = format!("{head}{}", e.json);
    match max {
        Some(max) if line.len() > max => {
            let mut short: serde_json::Value =
                serde_json::from_str(&e.json).unwrap_or(serde_json::Value::Null);
            if let Some(map) = short.as_object_mut() {
                map.insert("details".into(), serde_json::Value::Null);
                map.insert("details_left_out".into(), true.into());
                // Still too long: the summary is cut to fit (on a character boundary).
                let over = head.len() + serde_json::Value::Object(map.clone()).to_string().len();
                if over > max
                    && let Some(summary) = map.get("summary").and_then(|v| v.as_str())
                {
                    let keep = summary.len().saturating_sub(over - max + 64);
                    let cut = summary
                        .char_indices()
                        .map(|(i, _)| i)
                        .take_while(|i| *i <= keep)
                        .last()
                        .unwrap_or(0);
                    let cut = summary[..cut].to_owned();
                    map.insert("summary".into(), cut.into());
                    map.insert("summary_cut".into(), true.into());
                }
            }
            format!("{head}{short}")
        }
        _ => line,
    }
}

/// A test message: the same shape, MSGID `test`, saying who sent it.
pub(super) fn test_entry(by: &str) -> Forwarded {
    let at = crate::clock::now_text();
    let json = serde_json::json!({ "test": true, "by": by, "at": at }).to_string();
    Forwarded {
        id: 0,
        at,
        actor: Some(by.to_owned()),
        action: "test".into(),
        target: None,
        summary: format!("a test message sent by {by}"),
        failed: false,
        overridden: false,
        hash: "-".into(),
        json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(failed: bool) -> Forwarded {
        Forwarded {
            id: 7,
            at: "2026-12-04T10:00:00Z".into(),
            actor: Some("a\"n]n".into()),
            action: "engine-apply".into(),
            target: Some("local".into()),
            summary: "applied".into(),
            failed,
            overridden: false,
            hash: "ab12".into(),
            json: serde_json::json!({ "id": 7, "details": "x".repeat(9000) }).to_string(),
        }
    }

    #[test]
    fn rfc5424_lines() {
        let line = syslog_line(&entry(false), "host1", None);
        assert!(line.starts_with(&format!(
            "<109>1 2026-12-04T10:00:00Z host1 bulkhead {} engine-apply [bulkhead@32473 id=\"7\" actor=\"a\\\"n\\]n\" target=\"local\" result=\"ok\" hash=\"ab12\"] \u{feff}{{",
            std::process::id()
        )), "{line}");
        assert!(syslog_line(&entry(true), "h", None).starts_with("<108>1 "));
        let short = syslog_line(&entry(false), "h", Some(UDP_MAX));
        assert!(short.len() < UDP_MAX, "{}", short.len());
        assert!(short.contains("\"details_left_out\":true"));
        let mut long = entry(false);
        long.json = serde_json::json!({ "id": 7, "summary": "é".repeat(6000) }).to_string();
        let cut = syslog_line(&long, "h", Some(UDP_MAX));
        assert!(cut.len() <= UDP_MAX, "{}", cut.len());
        assert!(cut.contains("\"summary_cut\":true"));
    }
}
