//! Channel adapters: each turns its updates into `Incoming` and renders `Outgoing`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::watch;

use health::Health;

pub mod console;
pub mod health;
pub mod per_chat;
pub mod telegram;
pub mod turns;
pub mod webhook;
pub mod zalo;

/// How a started channel receives its updates.
pub enum Receiving {
    /// A route of the process's one HTTP server, and the chats it serves (finished
    /// after the server stops).
    Webhook {
        route: axum::Router,
        chats: Arc<per_chat::PerChat>,
    },
    /// A loop of its own, until shutdown.
    Polling(Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>),
}

/// What every channel is started with.
#[derive(Clone)]
pub struct Wiring {
    pub turns: turns::Turns,
    pub health: Arc<Health>,
    pub stopped: watch::Receiver<bool>,
}

/// Cuts a long message into pieces of at most `max` characters, at paragraph or line
/// breaks where possible, so a summary never fails for being too long.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line;
        loop {
            let room = max - current.chars().count();
            let len = line.chars().count();
            if len <= room {
                current.push_str(line);
                break;
            }
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current).trim_end().to_string());
                continue;
            }
            // A single line longer than a message: cut at the last space that fits.
            let cut: String = line.chars().take(max).collect();
            let at = cut.rfind(' ').filter(|i| *i > 0).unwrap_or(cut.len());
            parts.push(line[..at].trim_end().to_string());
            line = line[at..].trim_start();
        }
    }
    if !current.trim().is_empty() {
        parts.push(current.trim_end().to_string());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::split_text;

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_text("xin chào", 10), ["xin chào"]);
    }

    #[test]
    fn long_text_splits_at_lines_and_keeps_every_word() {
        let text = "một hai ba\nbốn năm sáu bảy tám chín mười\nmười một";
        let parts = split_text(text, 12);
        assert!(parts.iter().all(|p| p.chars().count() <= 12), "{parts:?}");
        let joined: Vec<&str> = parts.iter().flat_map(|p| p.split_whitespace()).collect();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(joined, words);
    }

    #[test]
    fn a_word_longer_than_a_message_is_cut() {
        let parts = split_text(&"x".repeat(25), 10);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() <= 10));
    }
}
