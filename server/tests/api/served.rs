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
