//! A round-robin HTTP proxy on 127.0.0.1, as a load balancer in front of several
//! instances: each request goes to the next upstream; one that does not answer (an
//! instance killed) gives 502, which the caller retries like any failed webhook call.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Router;

#[derive(Clone)]
struct Proxy {
    upstreams: Arc<Vec<String>>,
    next: Arc<AtomicUsize>,
    client: reqwest::Client,
}

/// Starts the proxy; returns its address.
pub async fn start(upstreams: Vec<String>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let proxy = Proxy {
        upstreams: Arc::new(upstreams),
        next: Arc::default(),
        client: reqwest::Client::new(),
    };
    let app = Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn forward(
    State(p): State<Proxy>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let i = p.next.fetch_add(1, Ordering::Relaxed) % p.upstreams.len();
    let url = format!("{}{}", p.upstreams[i], uri.path());
    let mut req = p.client.post(url).body(body);
    for (k, v) in &headers {
        if k != "host" && k != "content-length" {
            req = req.header(k, v);
        }
    }
    match req.timeout(std::time::Duration::from_secs(30)).send().await {
        Ok(r) => {
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
            (status, r.bytes().await.unwrap_or_default())
        }
        Err(_) => (StatusCode::BAD_GATEWAY, Bytes::new()),
    }
}
