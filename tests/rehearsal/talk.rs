//! A chair's conversation in the rehearsal, on either channel: the quick form, sent as
//! a person would, each answer awaited a while (a kill can swallow one; the chair then
//! starts again, as a person who got no answer does); later, through "/cuatoi", a
//! change of the work's value or its withdrawal. On Zalo the chair types the number
//! of a choice, on Telegram presses its button. After the work's end date, its result
//! when the bot asks for it.

use std::time::{Duration, Instant};

use crate::plan::Seat;
use crate::support::fake_telegram::{FakeTelegram, User};
use crate::support::fake_zalo::{FakeZalo, ZUser};
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
    /// What the chair set out to do with the work afterwards, if anything.
    pub later: Option<Later>,
    /// Times the chair confirmed a change of the work's value.
    pub edits_confirmed: usize,
    /// The bot said the work was updated (its number).
    pub edited: Option<String>,
    /// Times the chair said yes to withdrawing it.
    pub withdrawals_confirmed: usize,
    /// The bot said it was withdrawn (now or before).
    pub withdrawn: Option<String>,
    /// The answer the chair meant to give to the result question, if any.
    pub result: Option<Answer>,
    /// The bot said it saved that answer.
    pub result_saved: bool,
}

/// A chair's answer to "🏁 … Đã hoàn thành chưa?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Done, with [`ACTUAL_VALUE`], no photos, a line on what it achieved.
    Done,
    /// Still going: ask again later.
    Ongoing,
}

/// What a chair does after registering, in turn.
#[derive(Debug, Clone, Copy)]
pub enum Next {
    Change(Later),
    Report(Answer),
}

/// The actual value a finished work reports, as typed, and as stored.
pub const ACTUAL_VALUE: (&str, i64) = ("260 trieu", 260_000_000);

/// What a chair does with a registered work days later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    /// Changes its estimated value to [`EDITED_VALUE`].
    Edit,
    Withdraw,
}

/// The value an edit sets, as typed, and as stored.
pub const EDITED_VALUE: (&str, i64) = ("300 trieu", 300_000_000);

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
                    buttons: numbered(&s.text),
                    text: s.text,
                })
                .collect(),
        }
    }

    /// The next message containing `part`, or `None` once the chair loses patience.
    async fn expect(&mut self, part: &str) -> Option<Read> {
        self.expect_any(&[part]).await.map(|(_, r)| r)
    }

    /// Presses the choice whose label holds `part` (types its number on Zalo).
    fn choose(&self, read: &Read, part: &str) -> bool {
        let Some((_, data)) = read.buttons.iter().find(|(l, _)| l.contains(part)) else {
            return false;
        };
        match &self.seat {
            Seat::Telegram(chat) => self.telegram.press(&user(*chat), data),
            Seat::Zalo { .. } => self.say(data),
        }
        true
    }

    /// The quick form from the start to the thanks, up to three tries.
    pub async fn register(&mut self, unit: usize) -> Attempt {
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
            // Or "1", as a person does who just types the first choice.
            if !self.choose(&summary, "Xác nhận") {
                self.say("1");
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

    /// The next message containing any of `parts`: which, and the message; `None` once
    /// the chair loses patience.
    async fn expect_any(&mut self, parts: &[&str]) -> Option<(usize, Read)> {
        let until = Instant::now() + PATIENCE;
        loop {
            let all = self.all();
            let found = all.iter().enumerate().skip(self.seen).find_map(|(i, r)| {
                parts
                    .iter()
                    .position(|p| r.text.contains(p))
                    .map(|k| (i, k))
            });
            if let Some((i, k)) = found {
                self.seen = i + 1;
                return all.into_iter().nth(i).map(|r| (k, r));
            }
            if Instant::now() > until {
                self.seen = all.len();
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Answers the result question the bot asked of the work (looking back over what
    /// came since the chair last looked), one try: a chair who gets no answer is asked
    /// again by the bot in its next round.
    pub async fn report(&mut self, done: &mut Attempt, answer: Answer) {
        let Some(number) = done.numbers.last().cloned() else {
            return;
        };
        if done.withdrawn.is_some() {
            return;
        }
        done.result = Some(answer);
        let Some(question) = self.expect(&format!("🏁 Công trình {number} «")).await else {
            return;
        };
        done.result_saved = match answer {
            Answer::Ongoing => {
                self.choose(&question, "Đang làm")
                    && self
                        .expect(&format!("Đã ghi nhận công trình {number} đang thực hiện"))
                        .await
                        .is_some()
            }
            Answer::Done => self.report_done(&question, &number).await.is_some(),
        };
    }

    async fn report_done(&mut self, question: &Read, number: &str) -> Option<()> {
        self.choose(question, "Hoàn thành").then_some(())?;
        self.expect("Giá trị thực hiện thực tế").await?;
        self.say(ACTUAL_VALUE.0);
        let achieved = "Hiệu quả kinh tế";
        let (step, photos) = self.expect_any(&["ảnh chụp công trình", achieved]).await?;
        if step == 0 {
            self.choose(&photos, "Bỏ qua").then_some(())?;
            self.expect(achieved).await?;
        }
        self.say("Tiết kiệm 12% tiền điện, nước");
        let summary = self.expect(&format!("Kết quả công trình {number}")).await?;
        self.choose(&summary, "Lưu kết quả").then_some(())?;
        self.expect("Đã ghi nhận kết quả").await.map(|_| ())
    }

    /// The chair's next step with their work.
    pub async fn then(&mut self, done: &mut Attempt, next: Next) {
        match next {
            Next::Change(later) => self.change(done, later).await,
            Next::Report(answer) => self.report(done, answer).await,
        }
    }

    /// "/cuatoi", then `action` on the work ("Sửa 001/ĐK"); the list, and whether
    /// it had that action.
    async fn open(&mut self, action: &str) -> Option<(Read, bool)> {
        self.say("/cuatoi");
        let list = self.expect("Các công trình của").await?;
        let chosen = self.choose(&list, action);
        Some((list, chosen))
    }

    /// The chair's change of mind about a registered work, up to three tries; a
    /// chair whose registration never got its number has nothing to change.
    pub async fn change(&mut self, done: &mut Attempt, later: Later) {
        let Some(number) = done.numbers.last().cloned() else {
            return;
        };
        done.later = Some(later);
        for _ in 0..3 {
            let finished = match later {
                Later::Edit => self.edit(done, &number).await,
                Later::Withdraw => self.withdraw(done, &number).await,
            };
            if finished {
                return;
            }
            self.say("/huy");
        }
    }

    async fn edit(&mut self, done: &mut Attempt, number: &str) -> bool {
        let Some((_, true)) = self.open(&format!("Sửa {number}")).await else {
            return false;
        };
        let title = format!("Bản đăng ký {number}:");
        let Some(summary) = self.expect(&title).await else {
            return false;
        };
        if !self.choose(&summary, "Sửa") {
            return false;
        }
        let Some(fields) = self.expect("muốn sửa mục nào").await else {
            return false;
        };
        if !self.choose(&fields, "Tổng giá trị") {
            return false;
        }
        if self.expect("Sửa:").await.is_none() {
            return false;
        }
        self.say(EDITED_VALUE.0);
        let Some(summary) = self.expect(&title).await else {
            return false;
        };
        if !self.choose(&summary, "Xác nhận") {
            return false;
        }
        done.edits_confirmed += 1;
        let told = self
            .expect(&format!("Đã cập nhật bản đăng ký {number}"))
            .await;
        if told.is_some() {
            done.edited = Some(number.to_string());
        }
        told.is_some()
    }

    async fn withdraw(&mut self, done: &mut Attempt, number: &str) -> bool {
        match self.open(&format!("Rút đăng ký {number}")).await {
            None => return false,
            Some((_, true)) => {}
            // Withdrawn by an earlier try whose answer a kill swallowed.
            Some((list, false)) => {
                let gone = list.text.contains(number) && list.text.contains("Đã rút");
                if gone {
                    done.withdrawn = Some(number.to_string());
                }
                return gone;
            }
        }
        let Some(ask) = self.expect(&format!("Rút bản đăng ký {number}")).await else {
            return false;
        };
        if !self.choose(&ask, "Có, rút") {
            return false;
        }
        done.withdrawals_confirmed += 1;
        // A retry after a lost answer finds it withdrawn already.
        let told = self.expect(&format!("rút bản đăng ký {number}")).await;
        if told.is_some() {
            done.withdrawn = Some(number.to_string());
        }
        told.is_some()
    }
}

/// A Zalo message's numbered choices ("2. ✏️ Sửa 001/ĐK"), as (label, number to type).
fn numbered(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let (n, label) = l.split_once(". ")?;
            n.parse::<u32>().ok()?;
            Some((label.to_string(), n.to_string()))
        })
        .collect()
}

fn user(chat: i64) -> User {
    User::new(chat, "Chủ tịch", &format!("{chat}"))
}

/// A whole registration in one message, one line per question, as the quick form asks.
fn answers(unit: usize, try_no: usize) -> String {
    let name = format!("Mô hình tiết kiệm của đơn vị {unit:02} (lần {try_no})");
    crate::support::quick_form(&[
        (KIND, "mo hinh"),
        (NAME, &name),
        (START_DATE, "15/1/2025"),
        (END_DATE, "30/6/2025"),
        (CONTENT, "Tiết kiệm điện, nước trong cơ quan"),
        (ESTIMATED_VALUE, "250 trieu"),
    ])
}
