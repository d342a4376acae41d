//! `bulkhead export` and `bulkhead import compose` through the real binary.

use std::process::Command;

fn bulkhead(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every format to stdout and to a file; the script file is executable; the design
/// format is canonical YAML; the Compose export imports back to the same design.
#[test]
fn export_every_format_and_import_back() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("three-tier.yaml");
    std::fs::write(&design, design::templates::get("three-tier").unwrap()).unwrap();
    let file = design.to_str().unwrap();
    for (format, marker) in [
        ("compose", "container_name: \"three-tier-api-1\""),
        ("iptables", ":BH-three-tier - [0:0]"),
        ("iptables-script", "set -euo pipefail"),
        ("nftables", "table inet bulkhead_three-tier {"),
        ("design", "name: three-tier"),
    ] {
        let (code, out, err) = bulkhead(&["export", file, "--format", format, "--revision", "4"]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(out.contains(marker), "{format}: {out}");
    }
    let script = dir.path().join("firewall.sh");
    let (code, out, err) = bulkhead(&[
        "export",
        file,
        "--format",
        "iptables-script",
        "-o",
        script.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&script).unwrap().permissions().mode() & 0o111,
        0o111
    );

    let compose = dir.path().join("compose.yaml");
    let (code, _, err) = bulkhead(&["export", file, "-o", compose.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = bulkhead(&["import", "compose", compose.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "nothing to report for an export: {err}");
    let back = design::parse_document(&out).expect("canonical YAML");
    let original = design::check(
        &design::parse_document(design::templates::get("three-tier").unwrap()).unwrap(),
    )
    .unwrap();
    let again = design::check(&back).expect("valid");
    assert_eq!(
        design::compile::compose(&again, None),
        design::compile::compose(&original, None)
    );
}

/// A design with errors exits 1 with its diagnostics and writes nothing; an unreadable
/// file exits 2; malformed Compose YAML is refused with its line and column.
#[test]
fn export_refuses_errors_and_import_locates_yaml_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "bulkhead: 1\nname: bad\nservices:\n  web: { image: 'nginx latest' }\n",
    )
    .unwrap();
    let out_file = dir.path().join("out.yml");
    let (code, out, err) = bulkhead(&[
        "export",
        bad.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("services.web.image"), "{err}");
    assert!(!out_file.exists());
    let (code, _, _) = bulkhead(&["export", dir.path().join("none.yaml").to_str().unwrap()]);
    assert_eq!(code, 2);

    let broken = dir.path().join("compose.yml");
    std::fs::write(&broken, "services:\n  a:\n    image: [x\n").unwrap();
    let (code, _, err) = bulkhead(&["import", "compose", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line "), "{err}");
}

/// A finding of severity error stops every artifact until it is accepted with a reason: a
/// bare code is not enough, and the message says what to write. The design file itself can
/// always be downloaded.
#[test]
fn error_findings_gate_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("owned.yaml");
    let out_file = dir.path().join("out.yml");
    let body = |accept: &str| {
        format!(
            "bulkhead: 1\nname: owned\nservices:\n  tool:\n    image: 'example/tool:1'\n    network: closed\n    compose: {{ pid: host, volumes: ['/etc:/host-etc:ro'] }}\n{accept}"
        )
    };
    let export = |format: &str| {
        bulkhead(&[
            "export",
            file.to_str().unwrap(),
            "--format",
            format,
            "-o",
            out_file.to_str().unwrap(),
        ])
    };

    std::fs::write(&file, body("")).unwrap();
    for format in ["compose", "iptables", "iptables-script", "nftables"] {
        let (code, _, err) = export(format);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(err.contains("2 findings of severity error"), "{err}");
        assert!(err.contains("services.tool.compose.pid"), "{err}");
        assert!(err.contains("services.tool.compose.volumes[0]"), "{err}");
        assert!(err.contains("reason"), "{err}");
        assert!(!out_file.exists(), "{format} wrote a file");
    }
    let (code, _, err) = export("design");
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&out_file).unwrap();

    std::fs::write(&file, body("    accept: [host-pid, sensitive-mount]\n")).unwrap();
    let (code, _, err) = export("compose");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("without a reason"), "{err}");

    std::fs::write(
        &file,
        body("    accept:\n      - { code: host-pid, reason: 'traces the host for the SRE team' }\n      - { code: sensitive-mount, reason: 'reads /etc to inventory packages' }\n"),
    )
    .unwrap();
    let (code, _, err) = export("compose");
    assert_eq!(code, 0, "{err}");
    let compose = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        compose.contains("io.bulkhead.accept.host-pid: \"traces the host for the SRE team\""),
        "{compose}"
    );
}
