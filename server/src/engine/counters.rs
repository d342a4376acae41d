//! What the firewall has done: the packets and bytes each rule Bulkhead installed for a
//! design has matched since it was installed, read from this host (`iptables-save -c` for
//! the design's chains, `nft -j list table` for its table). Each rule is known by the
//! comment the compiler gave it ("bulkhead shop flow[2] deny web>db tcp/5432 zone data").

use design::model::DesignName;

use super::error::EngineError;
use super::firewall::{FirewallBackend, HostFirewall, run};

/// One installed rule's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// `forward` (between containers, and from outside) or `input` (to the host).
    pub hook: &'static str,
    /// The rule's comment, as the compiler wrote it.
    pub comment: String,
    /// What it does with what it matches: `accept`, `drop`, `return` or `log`.
    pub verdict: &'static str,
    pub packets: u64,
    pub bytes: u64,
}

fn verdict(word: &str) -> &'static str {
    match word {
        "ACCEPT" | "accept" => "accept",
        "DROP" | "drop" => "drop",
        "RETURN" | "return" => "return",
        "LOG" | "log" => "log",
        // A rule with no verdict counts and carries on.
        "" => "count",
        _ => "other",
    }
}

/// The design's rules in `iptables-save -c` output: `[packets:bytes] -A CHAIN … --comment
/// "…" -j TARGET` lines of the chains `forward` and `input`, in order.
pub fn parse_iptables_save(text: &str, forward: &str, input: &str) -> Vec<Counted> {
    text.lines()
        .filter_map(|line| {
            let (counts, rule) = line.strip_prefix('[')?.split_once("] -A ")?;
            let (packets, bytes) = counts.split_once(':')?;
            let (chain, rest) = rule.split_once(' ')?;
            let hook = if chain == forward {
                "forward"
            } else if chain == input {
                "input"
            } else {
                return None;
            };
            let after = rest.split_once("--comment ")?.1;
            let (comment, tail) = match after.strip_prefix('"') {
                Some(quoted) => quoted.split_once('"')?,
                None => after.split_once(' ').unwrap_or((after, "")),
            };
            let target = tail
                .split_once("-j ")
                .and_then(|(_, t)| t.split_whitespace().next())
                .unwrap_or_default();
            Some(Counted {
                hook,
                comment: comment.to_owned(),
                verdict: verdict(target),
                packets: packets.parse().ok()?,
                bytes: bytes.parse().ok()?,
            })
        })
        .collect()
}

/// The design's rules in `nft -j list table inet T` output: each rule's comment, counter
/// and verdict, chains `forward` and `input`, in order. Rules without a counter (the
/// logging ones) are left out.
pub fn parse_nft_json(text: &str) -> Result<Vec<Counted>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("nft printed no JSON ({e})"))?;
    let items = v["nftables"]
        .as_array()
        .ok_or("nft printed no `nftables` list")?;
    Ok(items
        .iter()
        .filter_map(|item| {
            let rule = item.get("rule")?;
            let hook = match rule["chain"].as_str()? {
                "forward" => "forward",
                "input" => "input",
                _ => return None,
            };
            let exprs = rule["expr"].as_array()?;
            let counter = exprs.iter().find_map(|e| e.get("counter"))?;
            // The statement that decides: none (the rule counts and carries on), one this
            // module knows, or another (`jump`, `reject` …).
            let verdict = exprs
                .iter()
                .filter_map(|e| e.as_object()?.keys().next().map(String::as_str))
                .filter(|k| {
                    matches!(
                        *k,
                        "accept"
                            | "drop"
                            | "return"
                            | "log"
                            | "jump"
                            | "goto"
                            | "reject"
                            | "queue"
                            | "continue"
                    )
                })
                .map(verdict)
                .next()
                .unwrap_or("count");
            Some(Counted {
                hook,
                comment: rule["comment"].as_str().unwrap_or_default().to_owned(),
                verdict,
                packets: counter["packets"].as_u64()?,
                bytes: counter["bytes"].as_u64()?,
            })
        })
        .collect())
}

/// The counts of every rule installed for the design called `name` on this host, in order;
/// empty when none is installed.
pub async fn read(fw: &HostFirewall, name: &DesignName) -> Result<Vec<Counted>, EngineError> {
    if !fw.can_change {
        return Err(EngineError::local(
            "the firewall's counters cannot be read from here",
            fw.note
                .as_deref()
                .unwrap_or("this process cannot read the host firewall"),
        ));
    }
    match fw.backend {
        FirewallBackend::Iptables => {
            let (ok, text) = run("iptables-save", &["-c", "-t", "filter"], None).await?;
            if !ok {
                return Err(EngineError::local("iptables-save failed", text.trim()));
            }
            Ok(parse_iptables_save(
                &text,
                &design::compile::chain_name(name),
                &design::compile::input_chain_name(name),
            ))
        }
        FirewallBackend::Nftables => {
            let table = design::compile::nft_table_name(name);
            match run("nft", &["-j", "list", "table", "inet", &table], None).await? {
                (true, text) => parse_nft_json(&text)
                    .map_err(|e| EngineError::local("nft's counters could not be read", &e)),
                // No table: nothing installed, nothing counted.
                (false, text) if text.contains("No such file or directory") => Ok(Vec::new()),
                (false, text) => Err(EngineError::local(
                    "nft could not list the table",
                    text.trim(),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iptables_lines_of_the_design_chains_only() {
        let text = "*filter\n\
            :BULKHEAD-SHOP - [0:0]\n\
            [7:420] -A DOCKER-USER -j BULKHEAD-SHOP\n\
            [12:720] -A BULKHEAD-SHOP -o br-1 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"bulkhead shop zone app established\" -j ACCEPT\n\
            [3:180] -A BULKHEAD-SHOP -i br-1 -o br-1 -m comment --comment \"bulkhead shop zone app isolated\" -j DROP\n\
            [1:60] -A BULKHEAD-SHOP -i br-1 -m limit --limit 5/min -m comment --comment \"bulkhead shop zone app isolated\" -j LOG --log-prefix \"BULKHEAD-DENY \"\n\
            [2:120] -A BULKHEAD-SHOP -i eth0 -o br-1 -m comment --comment \"bulkhead shop observe host deny inbound zone app\"\n\
            [0:0] -A BULKHEAD-SHOP-IN -i br-1 -m comment --comment bulkhead_one_word -j RETURN\n\
            COMMIT\n";
        let rules = parse_iptables_save(text, "BULKHEAD-SHOP", "BULKHEAD-SHOP-IN");
        let seen: Vec<(&str, &str, &str, u64, u64)> = rules
            .iter()
            .map(|r| (r.hook, r.comment.as_str(), r.verdict, r.packets, r.bytes))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "forward",
                    "bulkhead shop zone app established",
                    "accept",
                    12,
                    720
                ),
                ("forward", "bulkhead shop zone app isolated", "drop", 3, 180),
                ("forward", "bulkhead shop zone app isolated", "log", 1, 60),
                (
                    "forward",
                    "bulkhead shop observe host deny inbound zone app",
                    "count",
                    2,
                    120
                ),
                ("input", "bulkhead_one_word", "return", 0, 0),
            ]
        );
    }

    #[test]
    fn nft_rules_with_counters() {
        let text = r#"{"nftables": [{"metainfo": {"json_schema_version": 1}},
            {"table": {"family": "inet", "name": "bulkhead-shop", "handle": 9}},
            {"chain": {"family": "inet", "table": "bulkhead-shop", "name": "forward", "handle": 1}},
            {"rule": {"family": "inet", "table": "bulkhead-shop", "chain": "forward", "handle": 4,
              "comment": "bulkhead shop zone app isolated",
              "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "br-1"}},
                       {"counter": {"packets": 5, "bytes": 300}}, {"drop": null}]}},
            {"rule": {"family": "inet", "table": "bulkhead-shop", "chain": "forward", "handle": 5,
              "comment": "bulkhead shop zone app isolated",
              "expr": [{"limit": {"rate": 5}}, {"log": {"prefix": "BULKHEAD-DENY "}}]}},
            {"rule": {"family": "inet", "table": "bulkhead-shop", "chain": "input", "handle": 6,
              "comment": "bulkhead shop protect_host zone app",
              "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}]}"#;
        let rules = parse_nft_json(text).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!((rules[0].verdict, rules[0].packets), ("drop", 5));
        assert_eq!((rules[1].hook, rules[1].verdict), ("input", "accept"));
        assert!(parse_nft_json("not json").is_err());
    }
}
