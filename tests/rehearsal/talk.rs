//! A chair's conversation in the rehearsal, on either channel: the quick form, sent as
//! a person would, each answer awaited a while (a kill can swallow one; the chair then
//! starts again, as a person who got no answer does).

use std::time::{Duration, Instant};

use crate::plan::Seat;
use crate::support::fake_telegram::{FakeTelegram, User};
use crate::support::fake_zalo::{FakeZalo, ZUser};
use thidua::conversation::registration_form::REGISTRATION;
use thidua::domain::registration::field::*;

/// How long a chair waits for an answer before trying again.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Talk {
    seat: Seat,
    telegram: FakeTelegram,
    zalo: Vec<FakeZalo>,
    seen: usize,
}

/// A message the chair read: its text and its buttons' data by label.
struct Read {
    text: String,
    buttons: Vec<(String, String)>,
}

/// What one chair's registration came to.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// Times the chair confirmed a summary (pressed or typed "1").
    pub confirmed: usize,
    /// The numbers the bot's thanks gave.
    pub numbers: Vec<String>,
    pub tries: usize,
}

impl Talk {
    pub fn new(seat: Seat, telegram: &FakeTelegram, zalo: &[FakeZalo]) -> Talk {
        Talk {
            seat,
            telegram: telegram.clone(),
            zalo: zalo.to_vec(),
            seen: 0,
        }
    }

    fn say(&self, text: &str) {
        match &self.seat {
            Seat::Telegram(chat) => self.telegram.send_text(&user(*chat), text),
            Seat::Zalo { bot, id } => self.zalo[*bot].send_text(&ZUser::new(id, "Chủ tịch"), text),
        }
    }

    fn all(&self) -> Vec<Read> {
        match &self.seat {
            Seat::Telegram(chat) => self
                .telegram
                .sent_to(*chat)
                .into_iter()
                .map(|s| Read {
                    text: s.text,
                    buttons: s.buttons,
                })
                .collect(),
            Seat::Zalo { bot, id } => self.zalo[*bot]
                .sent_to(id)
                .into_iter()
                .map(|s| Read {
                    text: s.text,
                    buttons: Vec::new(),
                })
                .collect(),
        }
    }

    /// The next message containing `part`, or `None` once the chair loses patience.
    async fn expect(&mut self, part: &str) -> Option<Read> {
        let until = Instant::now() + PATIENCE;
        loop {
            let all = self.all();
            let found = all
                .iter()
                .skip(self.seen)
                .position(|r| r.text.contains(part));
            if let Some(i) = found {
                self.seen += i + 1;
                return all.into_iter().nth(self.seen - 1);
            }
            if Instant::now() > until {
                self.seen = all.len();
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The quick form from the start to the thanks, up to three tries.
    pub async fn register(mut self, unit: usize) -> Attempt {
        let mut done = Attempt::default();
        while done.tries < 3 && done.numbers.is_empty() {
            done.tries += 1;
            self.say("/nhanh");
            if self.expect("Điền nhanh").await.is_none() {
                continue;
            }
            self.say(&answers(unit, done.tries));
            let Some(summary) = self.expect("Xin kiểm tra lại").await else {
                self.say("/huy");
                continue;
            };
            match (
                &self.seat,
                summary.buttons.iter().find(|(l, _)| l.contains("Xác nhận")),
            ) {
                (Seat::Telegram(chat), Some((_, data))) => self.telegram.press(&user(*chat), data),
                _ => self.say("1"),
            }
            done.confirmed += 1;
            if let Some(thanks) = self.expect("Đã nhận đăng ký số").await {
                let number = thanks.text.split("số ").nth(1).unwrap_or_default();
                let number = number.split(':').next().unwrap_or_default();
                done.numbers.push(number.trim().to_string());
            }
        }
        done
    }
}

fn user(chat: i64) -> User {
    User::new(chat, "Chủ tịch", &format!("{chat}"))
}

/// A whole registration in one message, one line per question, as the quick form asks.
fn answers(unit: usize, try_no: usize) -> String {
    let name = format!("Mô hình tiết kiệm của đơn vị {unit:02} (lần {try_no})");
    REGISTRATION
        .fields
        .iter()
        .map(|f| match f.key.as_ref() {
            KIND => "mo hinh",
            NAME => name.as_str(),
            START_DATE => "15/1/2025",
            END_DATE => "30/6/2025",
            CONTENT => "Tiết kiệm điện, nước trong cơ quan",
            ESTIMATED_VALUE => "250 trieu",
            _ => "-",
        })
        .collect::<Vec<_>>()
        .join("\n")
}
