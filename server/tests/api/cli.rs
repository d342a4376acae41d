use std::io::Write;
use std::process::{Command, Stdio};

fn bulkhead(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The command may exit (e.g. on a bad argument) before it reads its input.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `bulkhead user add` creates a user with the password from stdin (audited as setup for the
/// first); bad names and weak passwords are refused; `audit verify` checks the chain and
/// names the first broken entry.
#[test]
fn user_add_and_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, out, err) = bulkhead(
        &["user", "add", "boss", "--role", "admin", "--data", data],
        "a long cli password\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("created user boss with role admin"));
    let (code, _, err) = bulkhead(
        &["user", "add", "boss", "--role", "viewer", "--data", data],
        "a long cli password\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("exists already"), "{err}");
    let (code, _, err) = bulkhead(
        &["user", "add", "x y", "--role", "viewer", "--data", data],
        "a long cli password\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("user name `x y`"), "{err}");
    let (code, _, err) = bulkhead(
        &["user", "add", "weak", "--role", "viewer", "--data", data],
        "short\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("at least 12"), "{err}");
    let (code, _, err) = bulkhead(
        &["user", "add", "r", "--role", "root", "--data", data],
        "a long cli password\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("viewer, editor, approver, admin"), "{err}");

    let (code, out, _) = bulkhead(&["audit", "verify", "--data", data], "");
    assert_eq!(code, 0);
    assert!(out.contains("intact: 1 entries"), "{out}");

    let (code, _, err) = bulkhead(
        &[
            "audit",
            "verify",
            "--data",
            dir.path().join("nowhere").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("no Bulkhead database"), "{err}");
}

/// `bulkhead audit verify` exits 1 naming the first broken entry.
#[tokio::test]
async fn audit_verify_names_broken_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for name in ["a1", "a2", "a3"] {
        assert_eq!(
            bulkhead(
                &["user", "add", name, "--role", "viewer", "--data", data],
                "a long cli password\n"
            )
            .0,
            0
        );
    }
    let db = server::db::Db::open(dir.path()).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_append_only_delete")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 2")
        .execute(&db.write)
        .await
        .unwrap();
    db.write.close().await;
    db.read.close().await;
    let (code, out, _) = bulkhead(&["audit", "verify", "--data", data], "");
    assert_eq!(code, 1);
    assert!(out.contains("BROKEN at entry 3"), "{out}");
    assert!(out.contains("removed or inserted"), "{out}");
}

/// `bulkhead serve` on an empty database prints the setup URL with its one-time token on
/// standard output; that token, and only it, creates the first admin.
#[tokio::test]
async fn serve_prints_the_setup_token() {
    let served = crate::served::Served::start();
    assert_eq!(served.token.len(), 32);
    let http = reqwest::Client::new();
    let setup = |token: String| {
        let http = http.clone();
        let base = served.base.clone();
        async move {
            http.post(format!("{base}/api/setup"))
                .header("origin", &base)
                .form(&[
                    ("token", token.as_str()),
                    ("name", "root"),
                    ("password", "a long enough password"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(setup("0".repeat(32)).await, 400);
    assert_eq!(setup(served.token.clone()).await, 200);
}

/// `bulkhead audit export`: JSON Lines that `scripts/verify-audit-export.py` checks offline
/// with the audit key (and refuses once an entry is changed), CSV with a header row, `--since`
/// keeping later entries only, and a clear refusal of a time it cannot read.
#[test]
fn audit_export_verifies_offline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for name in ["a1", "a2", "a3"] {
        let added = bulkhead(
            &["user", "add", name, "--role", "viewer", "--data", data],
            "a long cli password\n",
        );
        assert_eq!(added.0, 0, "{added:?}");
    }
    let (code, jsonl, err) = bulkhead(&["audit", "export", "--data", data], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 3 audit entries"), "{err}");
    assert_eq!(
        jsonl.lines().count(),
        5,
        "header, 3 entries, closing line: {jsonl}"
    );
    let file = dir.path().join("audit.jsonl");
    std::fs::write(&file, &jsonl).unwrap();
    let key = dir.path().join("audit.key");
    let check = |path: &std::path::Path| {
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../scripts/verify-audit-export.py"
            ))
            .arg("--key")
            .arg(&key)
            .arg(path)
            .output()
            .expect("python3 runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = check(&file);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 3 entries"), "{out}");
    let tampered = dir.path().join("tampered.jsonl");
    // Entry 2's summary changed (the words never occur in a hash).
    assert!(jsonl.contains("created user a2 "), "{jsonl}");
    std::fs::write(
        &tampered,
        jsonl.replacen("created user a2 ", "created user zz ", 1),
    )
    .unwrap();
    let (code, out) = check(&tampered);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 2"), "{out}");
    // Cut short (the newest entry and the closing line lost), or an entry taken out: found.
    let lines: Vec<&str> = jsonl.lines().collect();
    std::fs::write(&tampered, lines[..3].join("\n") + "\n").unwrap();
    let (code, out) = check(&tampered);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cut short"), "{out}");
    let without_last = [&lines[..3], &lines[4..]].concat().join("\n") + "\n";
    std::fs::write(&tampered, without_last).unwrap();
    let (code, out) = check(&tampered);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entries were removed"), "{out}");

    let (code, csv, _) = bulkhead(&["audit", "export", "--format", "csv", "--data", data], "");
    assert_eq!(code, 0);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,at,actor_id,actor_name,"),
        "{csv}"
    );
    assert_eq!(lines.count(), 3, "{csv}");
    let (code, later, err) = bulkhead(
        &["audit", "export", "--since", "2999-01-01", "--data", data],
        "",
    );
    assert_eq!((code, later.lines().count()), (0, 2), "{later}{err}");
    let (code, _, err) = bulkhead(&["audit", "export", "--since", "soon", "--data", data], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("neither a day"), "{err}");
}

/// `bulkhead audit archive`: the entries before a time, all but the newest, move to a
/// compressed file; `audit verify` still finds the chain intact (the first entry kept links
/// to the archive's sealed record), the offline check follows it across archives and the
/// export; a second archive goes on where the first ended.
#[test]
fn audit_archive_keeps_the_chain_checkable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let add = |name: &str| {
        let added = bulkhead(
            &["user", "add", name, "--role", "viewer", "--data", data],
            "a long cli password\n",
        );
        assert_eq!(added.0, 0, "{added:?}");
    };
    for name in ["r1", "r2", "r3"] {
        add(name);
    }
    let (_, before, _) = bulkhead(&["audit", "export", "--data", data], "");
    let entries = before.lines().count() as i64 - 2;
    let (code, out, err) = bulkhead(
        &["audit", "archive", "--before", "2999-01-01", "--data", data],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let first_file = format!("audit-1-{}.jsonl.gz", entries - 1);
    assert!(
        out.contains(&format!(
            "archived {} audit entries (1 to {})",
            entries - 1,
            entries - 1
        )),
        "{out}"
    );
    let archives = dir.path().join("audit-archive");
    assert!(archives.join(&first_file).is_file());
    let (code, out, err) = bulkhead(&["audit", "verify", "--data", data], "");
    assert_eq!(code, 0, "{out}{err}");

    add("r4");
    let (code, out, _) = bulkhead(
        &["audit", "archive", "--before", "2999-01-01", "--data", data],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.contains(&format!("({} to ", entries)), "{out}");
    let (code, out, err) = bulkhead(&["audit", "verify", "--data", data], "");
    assert_eq!(code, 0, "{out}{err}");
    // Nothing is stamped before 2000.
    let (_, out, _) = bulkhead(
        &["audit", "archive", "--before", "2000-01-01", "--data", data],
        "",
    );
    assert!(out.contains("nothing to archive"), "{out}");
    // A time it cannot read is refused with what to write, and nothing moves.
    let (code, _, err) = bulkhead(
        &["audit", "archive", "--before", "soon", "--data", data],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("neither a day"), "{err}");

    let (_, export, _) = bulkhead(&["audit", "export", "--data", data], "");
    let export_file = dir.path().join("rest.jsonl");
    std::fs::write(&export_file, &export).unwrap();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&archives)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // Oldest first: by the first entry number in the name.
    files.sort_by_key(|p| {
        p.file_name()
            .unwrap()
            .to_string_lossy()
            .split('-')
            .nth(1)
            .unwrap()
            .parse::<i64>()
            .unwrap()
    });
    assert_eq!(files.len(), 2, "{files:?}");
    let check = |paths: &[&std::path::Path]| {
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../scripts/verify-audit-export.py"
            ))
            .arg("--key")
            .arg(dir.path().join("audit.key"))
            .args(paths)
            .output()
            .expect("python3 runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = check(&[&files[0], &files[1], &export_file]);
    assert_eq!(code, 0, "{out}");
    // Out of order, the second archive does not link to what came before it.
    let (code, out) = check(&[&files[1], &files[0]]);
    assert_eq!(code, 1, "{out}");
}
