//! What a district's campaign costs on Zalo, in messages, as the fake Zalo API counts
//! them (the real binary; the Basic plan gives each bot 3 000 a month and 50 people):
//! a registration question by question (numbered answers, no mistakes) and by the
//! quick form (/nhanh); a reminder round for UNITS units that all still miss two
//! deadlines due the same day; an announcement to every unit. From these, what one
//! bot's month serves for a campaign like the plan's (a registration, 2 deadlines × 4
//! reminders, 3 announcements a unit).
//!
//! `cargo bench --bench zalo_budget` (env: UNITS=60).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN};
use support::{env_or, TestEnv};

const NEWS: &str = "Thông báo đo chi phí Zalo";

fn step(i: usize) -> String {
    support::step(i)
}

/// Messages the bot sent to `talk` so far.
fn sent(zalo: &FakeZalo, talk: &ZTalk) -> usize {
    zalo.sent_to(&talk.user.id).len()
}

/// A registration answered one question at a time with numbered choices: the bot's
/// messages to that chair from /dangky to the thanks.
async fn by_questions(zalo: &FakeZalo, talk: &mut ZTalk) -> usize {
    use thidua::conversation::registration_form::REGISTRATION;
    use thidua::domain::registration::field::*;
    let before = sent(zalo, talk);
    talk.say("/dangky").expect(&step(1)).await;
    let n = REGISTRATION.fields.len();
    for (i, f) in REGISTRATION.fields.iter().enumerate() {
        let typed = match &*f.key {
            KIND => "3",
            NAME => "Mái ấm công đoàn",
            START_DATE => "15/1/2025",
            END_DATE => "30/6/2025",
            CONTENT => "Xây hai căn nhà cho đoàn viên",
            ESTIMATED_VALUE => "250 triệu",
            // Skip: the first numbered choice of an optional question.
            _ => "1",
        };
        let next = if i + 2 <= n {
            step(i + 2)
        } else {
            "Xin kiểm tra lại".to_string()
        };
        talk.say(typed).expect(&next).await;
    }
    talk.say("1").expect("Đã nhận đăng ký số").await;
    sent(zalo, talk) - before
}

/// The same registration by the quick form.
async fn by_quick_form(zalo: &FakeZalo, talk: &mut ZTalk) -> usize {
    use thidua::conversation::registration_form::REGISTRATION;
    use thidua::domain::registration::field::*;
    let before = sent(zalo, talk);
    talk.say("/nhanh").expect("Điền nhanh").await;
    let block: Vec<&str> = REGISTRATION
        .fields
        .iter()
        .map(|f| match &*f.key {
            KIND => "Mô hình",
            NAME => "Vườn rau công đoàn",
            START_DATE => "1/2/2025",
            END_DATE => "30/6/2025",
            CONTENT => "Trồng rau sạch cho bếp ăn công nhân",
            ESTIMATED_VALUE => "30 triệu",
            _ => "-",
        })
        .collect();
    talk.say(&block.join("\n")).expect("Xin kiểm tra lại").await;
    talk.say("1").expect("Đã nhận đăng ký số").await;
    sent(zalo, talk) - before
}

async fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !done() {
        assert!(Instant::now() < deadline, "{what} did not happen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let units: usize = env_or("UNITS", 60);
    let env = TestEnv::new();
    // The plan's campaign, its two deadlines moved to the same day: one reminder
    // round covers both.
    env.load_same_day_campaign();
    let mut codes = Vec::new();
    for i in 1..=units {
        let unit = format!("CĐCS số {i}");
        env.cli(&["unit", "add", &unit]);
        codes.push(env.invite(&unit, "chair"));
    }
    let zalo = FakeZalo::start().await;
    zalo.set_plan(|p| p.users_per_bot = units + 1);
    // A minute before the 8 o'clock reminders of 28 April (7 days before 5 May).
    let mut bot = env.spawn_with(
        &["run", "--now", "2025-04-28T07:59:00+07:00"],
        &[
            ("ZALO_BOT_TOKEN", TOKEN.to_string()),
            ("ZALO_API_URL", zalo.url()),
            ("ZALO_USERS_PER_BOT", (units + 1).to_string()),
            ("RUST_LOG", "warn".to_string()),
        ],
    );
    let joins = codes.iter().enumerate().map(|(i, code)| {
        let mut talk = ZTalk::new(&zalo, ZUser::new(&format!("{:020x}", i + 1), "Chủ tịch"));
        let code = code.clone();
        async move {
            talk.say(&code).expect("Chào mừng").await;
            talk
        }
    });
    let mut chairs: Vec<ZTalk> = futures::future::join_all(joins).await;
    let welcome = zalo.month().0 / units;
    let (first, rest) = chairs.split_at_mut(1);
    let questions = by_questions(&zalo, &mut first[0]).await;
    let quick = by_quick_form(&zalo, &mut rest[0]).await;

    let reminders = |z: &FakeZalo| {
        chairs
            .iter()
            .map(|c| {
                z.sent_to(&c.user.id)
                    .iter()
                    .filter(|m| m.text.contains("còn 7 ngày"))
                    .count()
            })
            .sum::<usize>()
    };
    wait("the reminder round", || reminders(&zalo) >= units).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let round = reminders(&zalo);
    let both = chairs
        .iter()
        .filter(|c| {
            zalo.sent_to(&c.user.id)
                .iter()
                .any(|m| m.text.contains("Báo cáo tổng kết") && m.text.contains("Hồ sơ trình"))
        })
        .count();

    env.cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    let announced = |z: &FakeZalo| {
        chairs
            .iter()
            .map(|c| {
                z.sent_to(&c.user.id)
                    .iter()
                    .filter(|m| m.text.contains(NEWS))
                    .count()
            })
            .sum::<usize>()
    };
    wait("the announcement", || announced(&zalo) >= units).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let announcement = announced(&zalo);
    bot.terminate();

    let quota = 3000.0;
    let per_unit = |registration: usize| (welcome + registration + 2 * 4 + 3) as f64;
    println!("Zalo messages, {units} units on one bot (fake Zalo's count):");
    println!("  joining: {welcome} per person");
    println!("  a registration question by question: {questions}");
    println!("  a registration by the quick form:    {quick}");
    println!(
        "  a reminder round, 2 deadlines the same morning: {round} for {units} units \
         ({both} chairs got both deadlines in one message)"
    );
    println!("  an announcement: {announcement} for {units} units");
    for (how, reg) in [("question by question", questions), ("quick form", quick)] {
        let cost = per_unit(reg);
        println!(
            "  campaign per unit ({how}): {cost} messages (join, register, 2 × 4 reminders, \
             3 announcements); one bot's 3 000 serve {:.0} units if all fell in one month",
            quota / cost
        );
    }
}
