//! Several `thidua run` on one database behind the round-robin proxy, each receiving
//! the fake Bot API's updates by webhook, started and ready (each answers `/healthz`).

use std::time::{Duration, Instant};

use super::fake_telegram::FakeTelegram;
use super::{Bot, TestEnv, TOKEN};

pub const SECRET: &str = "instances-secret";

/// `k` instances; `args` after `run` (e.g. `--now`), `vars` added to each one's
/// environment. Returns them and each one's port.
pub async fn start(
    env: &TestEnv,
    api: &FakeTelegram,
    k: usize,
    args: &[&str],
    vars: &[(&str, String)],
) -> (Vec<Bot>, Vec<u16>) {
    let ports: Vec<u16> = (0..k).map(|_| super::free_port()).collect();
    let upstreams = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let proxy = super::proxy::start(upstreams).await;
    let mut run = vec!["run"];
    run.extend_from_slice(args);
    let bots = ports
        .iter()
        .map(|port| {
            let mut all = vec![
                ("TELOXIDE_TOKEN", TOKEN.to_string()),
                ("TELOXIDE_API_URL", api.url()),
                ("TELEGRAM_WEBHOOK_URL", format!("http://{proxy}/telegram")),
                ("TELEGRAM_WEBHOOK_SECRET", SECRET.to_string()),
                ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
            ];
            all.extend(vars.iter().cloned());
            env.spawn_with(&run, &all)
        })
        .collect();
    let http = reqwest::Client::new();
    for port in &ports {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(
                Instant::now() < deadline,
                "the instance on {port} never came up"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    (bots, ports)
}
