//! The real `bulkhead serve` binary as a child process, for what only a process shows: what
//! it prints, and how much memory it takes.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `bulkhead serve` on a free port with a fresh data directory; killed when dropped.
pub struct Served {
    child: Child,
    pub base: String,
    /// The setup token it printed.
    pub token: String,
    _dir: tempfile::TempDir,
}

impl Served {
    pub fn start() -> Served {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_bulkhead"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data",
                dir.path().to_str().unwrap(),
                "--site",
                dir.path().to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(token) = line.strip_prefix("setup token: ") {
                    let _ = tx.send(token.to_owned());
                }
            }
        });
        let token = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the setup token is printed");
        Served {
            child,
            base: format!("http://127.0.0.1:{port}"),
            token,
            _dir: dir,
        }
    }

    /// The most memory the process has held (VmHWM), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process status is readable");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmHWM is reported")
            * 1024
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve` says in its start-up line which front end it serves, and warns when it is the
/// debug one `make test` builds (not the release one `make run` serves).
#[test]
fn serve_says_which_front_end_it_serves() {
    let site = std::env::var("BULKHEAD_SITE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from("../target/site-debug"));
    assert!(
        site.join("pkg").is_dir(),
        "no test front end in {}: run scripts/test.sh (it builds one)",
        site.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-local-engine",
            "--data",
        ])
        .arg(dir.path())
        .arg("--site")
        .arg(&site)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("is a debug build")) {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = seen.join("\n");
    assert!(
        text.contains("front end:") && text.contains("(debug build)"),
        "{text}"
    );
    assert!(text.contains("is a debug build"), "{text}");
    assert!(text.contains("make run"), "{text}");
}
