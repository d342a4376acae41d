//! Local receivers for what Bulkhead sends out (audit forwarding): a UDP and a TCP syslog
//! receiver, an HTTP endpoint taking JSON Lines, and one that never answers.

use std::sync::{Arc, Mutex};

use tokio::io::AsyncReadExt;

pub type Seen = Arc<Mutex<Vec<String>>>;

/// A UDP syslog receiver: one message a datagram.
pub async fn udp() -> (String, Seen) {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = socket.recv(&mut buf).await {
            record
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    });
    (addr, seen)
}

/// A TCP syslog receiver: octet-counted frames (RFC 6587), any number a connection.
pub async fn tcp() -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut bytes = Vec::new();
            conn.read_to_end(&mut bytes).await.unwrap();
            let mut rest = bytes.as_slice();
            while !rest.is_empty() {
                let space = rest.iter().position(|b| *b == b' ').unwrap();
                let len: usize = std::str::from_utf8(&rest[..space])
                    .unwrap()
                    .parse()
                    .unwrap();
                let frame = &rest[space + 1..space + 1 + len];
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8(frame.to_vec()).unwrap());
                rest = &rest[space + 1 + len..];
            }
        }
    });
    (addr, seen)
}

/// An HTTP endpoint taking JSON Lines: the very first post gets a 500, the rest are kept
/// line by line; a post whose first line is `{"hold"…` is not answered until `release`.
pub async fn http() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let calls = Arc::new(Mutex::new(0u32));
    let record = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/audit",
        axum::routing::post(move |body: String| {
            let (record, calls) = (Arc::clone(&record), Arc::clone(&calls));
            async move {
                let first = {
                    let mut n = calls.lock().unwrap();
                    *n += 1;
                    *n == 1
                };
                if first {
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                record
                    .lock()
                    .unwrap()
                    .extend(body.lines().map(str::to_owned));
                axum::http::StatusCode::OK
            }
        }),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/audit", socket.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(socket, app).await.unwrap() });
    (url, seen)
}

/// An HTTP endpoint that never answers until the test is over.
pub async fn hanging() -> (String, tokio::sync::oneshot::Sender<()>) {
    let (release, held) = tokio::sync::oneshot::channel::<()>();
    let held = Arc::new(tokio::sync::Mutex::new(Some(held)));
    let app = axum::Router::new().route(
        "/audit",
        axum::routing::post(move || {
            let held = Arc::clone(&held);
            async move {
                if let Some(rx) = held.lock().await.take() {
                    let _ = rx.await;
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/audit", socket.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(socket, app).await.unwrap() });
    (url, release)
}
