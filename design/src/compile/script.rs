//! The bash script around the iptables ruleset (`--format iptables-script`).

use std::fmt::Write;

use crate::ValidDesign;

use super::header::{findings_lines, title};
use super::iptables::iptables_restore;
use super::names::{chain_name, input_chain_name};

/// A bash single-quoted word: nothing inside is expanded.
pub(crate) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

const HEREDOC_END: &str = "BULKHEAD_RULESET_END";

const BODY: &str = r#"
die() { printf 'bulkhead-firewall: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'USAGE'
Usage: firewall.sh [--check | --remove | --status | --help]
  (no option)  apply: replace the chains atomically, add the DOCKER-USER (and INPUT) jump
               if missing
  --check      dry run: iptables-restore --test, nothing changes
  --remove     take the jumps and the chains away
  --status     print the chains with packet counters
USAGE
}

preflight() {
  [ "$(id -u)" -eq 0 ] || die "run this as root (sudo $0)"
  command -v iptables >/dev/null 2>&1 || die "iptables is not installed"
  command -v iptables-restore >/dev/null 2>&1 || die "iptables-restore is not installed"
}

# Traffic between containers of one zone is bridged; iptables sees it only when the
# bridge netfilter hook is on (Docker turns it on when it creates a network with ICC off).
bridge_hook() {
  local setting=/proc/sys/net/bridge/bridge-nf-call-iptables
  if [ "$(cat "$setting" 2>/dev/null || echo 0)" != 1 ]; then
    printf 'bulkhead-firewall: %s is not 1, so rules between containers of one zone have no effect;\n' "$setting" >&2
    printf '  run: modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1\n' >&2
    return 1
  fi
}

jump_present() { iptables -w -C DOCKER-USER -j "$CHAIN" >/dev/null 2>&1; }
chain_present() { iptables -w -n -L "$CHAIN" >/dev/null 2>&1; }
input_jump_present() { iptables -w -C INPUT -j "$INPUT_CHAIN" >/dev/null 2>&1; }
input_chain_present() { iptables -w -n -L "$INPUT_CHAIN" >/dev/null 2>&1; }

# The chain guarding the host from the zones (host.protect_host), jump first.
remove_input() {
  while input_jump_present; do iptables -w -D INPUT -j "$INPUT_CHAIN"; done
  if input_chain_present; then
    iptables -w -F "$INPUT_CHAIN"
    iptables -w -X "$INPUT_CHAIN"
  fi
}

apply() {
  iptables -w -n -L DOCKER-USER >/dev/null 2>&1 || die "there is no DOCKER-USER chain; start Docker first"
  bridge_hook || die "refusing to apply a firewall that would not take effect"
  ruleset | iptables-restore -w --noflush
  jump_present || iptables -w -I DOCKER-USER 1 -j "$CHAIN"
  printf 'bulkhead-firewall: chain %s applied (%s rules) and jumped to from DOCKER-USER\n' "$CHAIN" "$RULES"
  if [ "$PROTECT_HOST" = 1 ]; then
    input_jump_present || iptables -w -I INPUT 1 -j "$INPUT_CHAIN"
    printf 'bulkhead-firewall: chain %s guards the host from the zones, jumped to from INPUT\n' "$INPUT_CHAIN"
  elif input_chain_present; then
    # An earlier revision protected the host; this one does not.
    remove_input
    printf 'bulkhead-firewall: chain %s removed (this design does not protect the host)\n' "$INPUT_CHAIN"
  fi
}

check() {
  ruleset | iptables-restore -w --test --noflush
  bridge_hook || true
  printf 'bulkhead-firewall: chain %s: %s rules pass iptables-restore --test\n' "$CHAIN" "$RULES"
}

remove() {
  while jump_present; do iptables -w -D DOCKER-USER -j "$CHAIN"; done
  if chain_present; then
    iptables -w -F "$CHAIN"
    iptables -w -X "$CHAIN"
  fi
  remove_input
  printf 'bulkhead-firewall: chain %s (and %s, if it was there) removed\n' "$CHAIN" "$INPUT_CHAIN"
}

status() {
  chain_present || { printf 'bulkhead-firewall: chain %s is not installed\n' "$CHAIN"; return 3; }
  if jump_present; then echo "jump from DOCKER-USER: present"; else echo "jump from DOCKER-USER: MISSING"; fi
  iptables -w -L "$CHAIN" -v -n -x --line-numbers
  if [ "$PROTECT_HOST" = 1 ]; then
    input_chain_present || { printf 'bulkhead-firewall: chain %s is not installed: the host is not protected\n' "$INPUT_CHAIN"; return 3; }
    if input_jump_present; then echo "jump from INPUT: present"; else echo "jump from INPUT: MISSING"; fi
    iptables -w -L "$INPUT_CHAIN" -v -n -x --line-numbers
  fi
}

case "${1:-}" in
  "") preflight; apply ;;
  --check) preflight; check ;;
  --remove) preflight; remove ;;
  --status) preflight; status ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
"#;

/// A bash script that checks (`--check`), applies (default), removes (`--remove`) or
/// shows (`--status`) the design's chain; see docs/architecture.md. Deterministic.
pub fn iptables_script(design: &ValidDesign, revision: Option<u64>) -> String {
    let chain = chain_name(&design.name);
    let ruleset = iptables_restore(design, revision);
    let rules = ruleset.lines().filter(|l| l.starts_with("-A ")).count();
    let mut out = String::from("#!/usr/bin/env bash\n");
    let _ = writeln!(out, "# {}: firewall script.", title(design, revision));
    out.push_str(
        "# Generated by Bulkhead; edit the design and export again rather than this file.\n\
         # Run as root after the Compose file is up (docker compose up, or docker-compose up):\n\
         #   ./firewall.sh --check   dry run\n\
         #   ./firewall.sh           apply (idempotent)\n\
         #   ./firewall.sh --status  the chain with packet counters\n\
         #   ./firewall.sh --remove  take it away\n",
    );
    for line in findings_lines(design) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("set -euo pipefail\n\n");
    let _ = writeln!(out, "readonly CHAIN={}", shell_quote(&chain));
    let _ = writeln!(out, "readonly RULES={}", shell_quote(&rules.to_string()));
    let _ = writeln!(
        out,
        "readonly INPUT_CHAIN={}",
        shell_quote(&input_chain_name(&design.name))
    );
    let protect = super::has_input_chain(design);
    let _ = writeln!(
        out,
        "readonly PROTECT_HOST={}",
        shell_quote(if protect { "1" } else { "0" })
    );
    let _ = writeln!(out, "\nruleset() {{\n  cat <<'{HEREDOC_END}'");
    out.push_str(&ruleset);
    let _ = writeln!(out, "{HEREDOC_END}\n}}");
    out.push_str(BODY);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Single quotes survive shell quoting without opening a way out.
    #[test]
    fn quoting() {
        assert_eq!(shell_quote("BH-a"), "'BH-a'");
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}
