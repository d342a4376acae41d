//! Reading every firewall counter of a 50-service deployment (5 isolated zones of 10
//! services, 45 flows of two ports each, host protection on): `iptables-save -c` and the
//! parse, as the design's engine panel and `/metrics` do. The target is under 50 ms.
//!
//! The design's chains are installed on this host for the run (not jumped to, so no
//! traffic meets them) and removed after it; it needs root and iptables.
//!
//! `cargo bench -p server --bench counters`

use criterion::{Criterion, criterion_group, criterion_main};
use server::engine::counters::read;
use server::engine::{FirewallBackend, HostFirewall};
use std::io::Write;
use std::process::{Command, Stdio};

fn design_text() -> String {
    let mut text = String::from("bulkhead: 1\nname: bench-counters\nzones:\n");
    for z in 0..5 {
        text.push_str(&format!(
            "  z{z}: {{ trust: internal, isolated: true, subnet: 10.231.{z}.0/24 }}\n"
        ));
    }
    text.push_str("services:\n");
    for s in 0..50 {
        text.push_str(&format!(
            "  s{s}: {{ image: busybox, zones: [z{}] }}\n",
            s / 10
        ));
    }
    text.push_str("flows:\n");
    for s in 0..50 {
        if s % 10 != 9 {
            text.push_str(&format!(
                "  - {{ from: s{s}, to: s{}, ports: [tcp/80, tcp/443] }}\n",
                s + 1
            ));
        }
    }
    text.push_str("host:\n  protect_host: true\n  host_ports: [tcp/53]\n");
    text
}

fn iptables(args: &[&str]) {
    let _ = Command::new("iptables").arg("-w").args(args).output();
}

fn counters(c: &mut Criterion) {
    let raw = design::parse_document(&design_text()).expect("the design parses");
    let valid = design::check(&raw).unwrap_or_else(|d| panic!("the design checks: {d:?}"));
    let rules = design::compile::iptables_restore(&valid, None);
    let mut restore = Command::new("iptables-restore")
        .args(["-w", "--noflush"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("iptables-restore runs (as root)");
    restore
        .stdin
        .take()
        .unwrap()
        .write_all(rules.as_bytes())
        .unwrap();
    assert!(restore.wait().unwrap().success(), "the chains install");
    let fw = HostFirewall {
        backend: FirewallBackend::Iptables,
        docker_user_chain: true,
        can_change: true,
        note: None,
    };
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let n = rt.block_on(read(&fw, &valid.name)).unwrap().len();
    eprintln!("{n} counted rules");
    c.bench_function("read every counter of 50 services", |b| {
        b.to_async(&rt)
            .iter(|| async { read(&fw, &valid.name).await.unwrap().len() })
    });
    for chain in [
        design::compile::chain_name(&valid.name),
        design::compile::input_chain_name(&valid.name),
    ] {
        iptables(&["-F", &chain]);
        iptables(&["-X", &chain]);
    }
}

criterion_group!(benches, counters);
criterion_main!(benches);
