//! Zalo as its Basic plan really is: a bot's month of messages runs out (429 "Quota
//! exceeded"), 403 is Zalo's own fault, a bot serves 50 people. The fake Zalo enforces
//! each; the bot must stop, keep, tell and resume, never loop or lose.

mod support;

use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, User};
use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
use support::{Talk, TestEnv, TOKEN};

const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";
const NEWS: &str = "Hạn nộp báo cáo là 15/7";

struct District {
    env: TestEnv,
    chair_codes: Vec<String>,
    staff_code: String,
}

fn district(chairs: usize) -> District {
    let env = TestEnv::new();
    env.cli(&["unit", "add", DISTRICT]);
    let mut chair_codes = Vec::new();
    for i in 1..=chairs {
        let unit = format!("CĐCS Trường số {i}");
        env.cli(&["unit", "add", &unit]);
        chair_codes.push(env.invite(&unit, "chair"));
    }
    let staff_code = env.invite(DISTRICT, "staff");
    District {
        env,
        chair_codes,
        staff_code,
    }
}

fn vars(zalo: &FakeZalo, tg: &FakeTelegram) -> Vec<(&'static str, String)> {
    vec![
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", zalo.url()),
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", tg.url()),
    ]
}

fn chair(zalo: &FakeZalo, i: usize) -> ZTalk {
    ZTalk::new(
        zalo,
        ZUser::new(&format!("{i:020x}"), &format!("Chủ tịch {i}")),
    )
}

/// The first `n` chairs on Zalo, each joined with their unit's code.
async fn joined(zalo: &FakeZalo, d: &District, n: usize) -> Vec<ZTalk> {
    let mut chairs: Vec<ZTalk> = (1..=n).map(|i| chair(zalo, i)).collect();
    for (c, code) in chairs.iter_mut().zip(&d.chair_codes) {
        c.say(code).expect("Chào mừng").await;
    }
    chairs
}

/// How many copies of the announcement each Zalo chair got.
fn copies(zalo: &FakeZalo, chairs: &[ZTalk]) -> Vec<usize> {
    chairs
        .iter()
        .map(|c| {
            zalo.sent_to(&c.user.id)
                .iter()
                .filter(|m| m.text.contains(NEWS))
                .count()
        })
        .collect()
}

async fn wait_until(what: &str, bot: &support::Bot, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while !done() {
        assert!(Instant::now() < deadline, "{what}:\n{}", bot.log_text());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_spent_mid_announcement_holds_the_rest_until_the_month_turns() {
    let d = district(10);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    // Zalo's count, not ours, runs out: 10 welcomes and 4 announcements.
    zalo.set_plan(|p| p.monthly_quota = 14);
    let port = support::free_port();
    let mut vars = vars(&zalo, &tg);
    vars.push(("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")));
    let june = ["run", "--now", "2025-06-30T10:00:00+07:00"];
    let mut bot = d.env.spawn_with(&june, &vars);

    let mut staff = Talk::new(&tg, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {}", d.staff_code))
        .expect("cán bộ")
        .await;
    let chairs = joined(&zalo, &d, 10).await;
    let out = d
        .env
        .cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    assert!(out.contains("10 người"), "{out}");

    // Staff hear on Telegram that Zalo's month is spent, once.
    staff.expect("đã hết").await;
    wait_until("four copies out", &bot, || {
        copies(&zalo, &chairs).iter().sum::<usize>() == 4
    })
    .await;
    // Nothing is tried again and again: Zalo refused once, and the bot stopped.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(zalo.month(), (14, 1), "{}", bot.log_text());
    assert!(staff
        .quiet()
        .await
        .iter()
        .all(|m| !m.text.contains("đã hết")));
    let health: serde_json::Value = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bots = &health["zalo_quota"];
    assert_eq!(bots[0]["spent"], true, "{health}");
    assert_eq!(bots[0]["resumes_at"], "2025-07-01T00:00:00Z", "{health}");
    assert_eq!(health["ok"], false, "{health}");

    // Power cut; back the same day: what waits still waits, and Zalo is not asked.
    bot.kill_hard();
    let mut bot = d.env.spawn_with(&june, &vars);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(zalo.month(), (14, 1), "{}", bot.log_text());
    assert!(bot.terminate(), "{}", bot.log_text());

    // July: Zalo's count starts again, and so does the bot, with what it kept.
    zalo.new_month(&[]);
    let july = ["run", "--now", "2025-07-01T08:00:00+07:00"];
    let mut bot = d.env.spawn_with(&july, &vars);
    wait_until("every chair has the announcement", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n >= 1)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(copies(&zalo, &chairs), vec![1; 10], "one copy each");
    assert_eq!(zalo.month().1, 0, "July refused nothing");
    assert!(bot.terminate(), "{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_own_count_stops_the_bot_before_zalo_refuses_and_warns_at_80_and_95() {
    let d = district(5);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut vars = vars(&zalo, &tg);
    vars.push(("ZALO_MONTHLY_QUOTA", "20".to_string()));
    let mut bot = d
        .env
        .spawn_with(&["run", "--now", "2025-06-10T10:00:00+07:00"], &vars);
    let mut staff = Talk::new(&tg, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {}", d.staff_code))
        .expect("cán bộ")
        .await;
    joined(&zalo, &d, 5).await;
    // Five welcomes, then three announcements of five: 20 is reached on the third.
    for round in 1..=4 {
        d.env.cli(&[
            "broadcast",
            "--text",
            &format!("{NEWS} (lần {round})"),
            "--audience",
            "all",
        ]);
    }
    staff.expect("80%").await;
    staff.expect("95%").await;
    staff.expect("đã hết").await;
    wait_until("twenty sent", &bot, || zalo.month().0 == 20).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(zalo.month(), (20, 0), "Zalo never had to refuse");
    let warnings: Vec<String> = staff
        .quiet()
        .await
        .into_iter()
        .map(|m| m.text)
        .filter(|t| t.contains("Bot Zalo"))
        .collect();
    assert!(warnings.is_empty(), "each warning once: {warnings:?}");
    assert!(bot.terminate(), "{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_storm_deactivates_no_one() {
    let d = district(6);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut bot = d.env.spawn(&vars(&zalo, &tg));
    let mut chairs = joined(&zalo, &d, 6).await;
    // Every other call is Zalo's "Internal server error".
    zalo.set_plan(|p| p.fail_403_every = 2);
    d.env
        .cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    wait_until("everyone has it despite the 403s", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n == 1)
    })
    .await;
    assert!(zalo.errors_403() >= 3, "the storm happened");
    // Nobody was taken for gone: the next announcement reaches all of them too.
    zalo.set_plan(|p| p.fail_403_every = 0);
    d.env.cli(&[
        "broadcast",
        "--text",
        &format!("{NEWS} — nhắc lại"),
        "--audience",
        "all",
    ]);
    wait_until("everyone has the second", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n == 2)
    })
    .await;
    for c in &mut chairs {
        c.say("/cuatoi").expect("chưa đăng ký").await;
    }
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// The invite sheet's rows: (unit, code, Zalo bot to open).
fn invite_sheet(path: &std::path::Path) -> Vec<(String, String, String)> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("Mã mời").unwrap();
    range
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[1].to_string(), r[4].to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_chairs_fill_two_bots_and_each_stays_with_its_own() {
    // Sixty grassroots unions and no federation unit: `invite --all` makes sixty codes.
    let env = TestEnv::new();
    for i in 1..=60 {
        env.cli(&["unit", "add", &format!("CĐCS Trường số {i}")]);
    }
    let d = District {
        env,
        chair_codes: Vec::new(),
        staff_code: String::new(),
    };
    let bots = FakeZalo::start_bots(&[ZALO_TOKEN, support::fake_zalo::TOKEN_2]).await;
    // Zalo lets one more person reach each bot than we place there: the one who
    // opens the wrong bot below takes a place at Zalo's end.
    bots[0].set_plan(|p| p.users_per_bot = 31);
    let vars = vec![
        (
            "ZALO_BOT_TOKENS",
            format!("{ZALO_TOKEN}, {}", support::fake_zalo::TOKEN_2),
        ),
        ("ZALO_API_URL", bots[0].url()),
        ("ZALO_USERS_PER_BOT", "30".to_string()),
    ];
    let mut bot = d.env.spawn(&vars);
    // Both bots started (their names are known to the command line from then on).
    wait_until("both bots polled", &bot, || {
        bots.iter()
            .all(|b| b.calls().iter().any(|c| c == "getUpdates"))
    })
    .await;

    let sheet = d.env.dir.path().join("ma-moi.xlsx");
    let out = d.env.cli_with(
        &vars,
        &[
            "invite",
            "--all",
            "--role",
            "chair",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = invite_sheet(&sheet);
    assert_eq!(rows.len(), 60);
    let on = |name: &str| rows.iter().filter(|r| r.2 == name).count();
    assert_eq!(
        (on("bot.thidua.14"), on("bot.thidua.24")),
        (30, 30),
        "{rows:?}"
    );

    // Every bot is full now: Zalo only, so a 61st code is refused, not made useless.
    d.env.cli(&["unit", "add", "CĐCS Trường số 61"]);
    let more = d.env.cli_with(
        &vars,
        &["invite", "--unit", "CĐCS Trường số 61", "--role", "chair"],
    );
    assert!(!more.status.success());
    let said = String::from_utf8_lossy(&more.stderr);
    assert!(said.contains("chỉ còn 0 chỗ"), "{said}");

    // Someone opens the first bot with a code kept on the second: told where to go.
    let (_, code, _) = rows.iter().find(|r| r.2 == "bot.thidua.24").unwrap();
    let mut stray = ZTalk::new(&bots[0], ZUser::new("5742a75742a75742a757", "Lạc đường"));
    stray.say(code).expect("bot.thidua.24").await;

    // All sixty join at once, each on the bot its code names.
    let joins = rows.iter().enumerate().map(|(i, (_, code, name))| {
        let fake = if name == "bot.thidua.14" {
            &bots[0]
        } else {
            &bots[1]
        };
        let mut talk = chair(fake, i + 1);
        let code = code.clone();
        async move {
            talk.say(&code).expect("Chào mừng").await;
            talk
        }
    });
    let chairs: Vec<ZTalk> = futures::future::join_all(joins).await;
    let out = d
        .env
        .cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    assert!(out.contains("60 người"), "{out}");
    wait_until("sixty copies", &bot, || {
        chairs.iter().all(|c| {
            c.api
                .sent_to(&c.user.id)
                .iter()
                .any(|m| m.text.contains(NEWS))
        })
    })
    .await;
    for b in &bots {
        assert!(b.refused().is_empty(), "{:?}", b.refused());
        assert!(b.turned_away().is_empty(), "{:?}", b.turned_away());
    }
    assert_eq!(bots[1].users().len(), 30);
    assert!(bot.terminate(), "{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_on_both_channels_gets_announcements_on_telegram() {
    let d = district(2);
    let second_code = d.env.invite("CĐCS Trường số 1", "chair");
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let vars = vars(&zalo, &tg);
    let mut bot = d.env.spawn(&vars);
    // The chair of school 1 is on both apps (Zalo writes the name family-first).
    let mut on_zalo = ZTalk::new(&zalo, ZUser::new("b1b1b1b1b1b1b1b1b1b1", "Trần Văn Bình"));
    on_zalo.say(&d.chair_codes[0]).expect("Chào mừng").await;
    let mut on_telegram = Talk::new(&tg, User::new(1001, "Bình", "Trần Văn"));
    on_telegram
        .say(&format!("/start {second_code}"))
        .expect("Chào mừng")
        .await;
    // School 2's chair is on Zalo only.
    let mut only_zalo = chair(&zalo, 2);
    only_zalo.say(&d.chair_codes[1]).expect("Chào mừng").await;

    let out = d
        .env
        .cli_with(&vars, &["broadcast", "--text", NEWS, "--audience", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    on_telegram.expect(NEWS).await;
    only_zalo.expect(NEWS).await;
    assert!(on_zalo.quiet().await.is_empty(), "Zalo's quota is saved");

    // Set to "no", everyone's chats get it.
    let mut both = vars.clone();
    both.push(("THIDUA_PREFER_TELEGRAM", "no".to_string()));
    let again = format!("{NEWS} — lần 2");
    let out = d
        .env
        .cli_with(&both, &["broadcast", "--text", &again, "--audience", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    on_telegram.expect(&again).await;
    on_zalo.expect(&again).await;
    only_zalo.expect(&again).await;
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// The quick form on Zalo: the whole registration in one message, and the bot's part
/// of it is the list, the summary and the thanks, and one message per round of fixes,
/// however many items the form has.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_form_registers_in_a_few_bot_messages_on_zalo() {
    use thidua::domain::registration::field::*;
    let d = district(1);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut bot = d.env.spawn(&vars(&zalo, &tg));
    let mut chair = chair(&zalo, 1);
    chair.say(&d.chair_codes[0]).expect("Chào mừng").await;
    let before = zalo.month().0;

    let list = chair.say("/nhanh").expect("Điền nhanh").await;
    assert!(list
        .text
        .contains("1. Loại (Công trình / Sản phẩm / Mô hình / Chương trình)"));
    let block = support::quick_form(&[
        (KIND, "mo hinh"),
        (NAME, "Mái ấm công đoàn"),
        (START_DATE, "15/1/2025"),
        (END_DATE, "31/2/2025"),
        (CONTENT, "Xây hai căn nhà cho đoàn viên"),
        (ESTIMATED_VALUE, "250 trieu"),
    ]);
    // One mistake: only it comes back.
    let fix = chair.say(&block).expect("cần sửa").await;
    assert!(fix.text.contains("4. Thời gian kết thúc"), "{}", fix.text);
    assert!(!fix.text.contains("2. Tên"), "{}", fix.text);
    let summary = chair.say("4. 30/6/2025").expect("Xin kiểm tra lại").await;
    assert!(
        summary.text.contains("250.000.000 đồng"),
        "{}",
        summary.text
    );
    assert!(
        summary.text.contains("1. ✅ Xác nhận gửi"),
        "{}",
        summary.text
    );
    chair.say("1").expect("Đã nhận đăng ký số 001/ĐK").await;
    assert!(chair.quiet().await.is_empty());
    let spent = zalo.month().0 - before;
    assert_eq!(spent, 4, "list, one fix, summary, thanks");
    let csv = d.env.cli(&["export", "registrations", "--format", "csv"]);
    let rows = support::csv_records(&csv);
    assert_eq!(rows[0]["end_date"], "2025-06-30");
    assert_eq!(rows[0]["name"], "Mái ấm công đoàn");
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// The plan upgraded mid-month: with a higher ZALO_MONTHLY_QUOTA what waited goes at
/// the next start, without waiting for the month to turn, whether our count stopped
/// the bot or Zalo's 429 did.
async fn a_raised_limit_sends_what_waited(zalo_refused: bool) {
    let d = district(4);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut vars = vars(&zalo, &tg);
    // Four welcomes and two copies, then the month is spent.
    match zalo_refused {
        true => zalo.set_plan(|p| p.monthly_quota = 6),
        false => vars.push(("ZALO_MONTHLY_QUOTA", "6".to_string())),
    }
    let june = ["run", "--now", "2025-06-10T10:00:00+07:00"];
    let mut bot = d.env.spawn_with(&june, &vars);
    let chairs = joined(&zalo, &d, 4).await;
    d.env
        .cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    wait_until("two copies, then the month is spent", &bot, || {
        copies(&zalo, &chairs).iter().sum::<usize>() == 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(copies(&zalo, &chairs).iter().sum::<usize>(), 2);
    assert_eq!(
        zalo.month().1,
        usize::from(zalo_refused),
        "{}",
        bot.log_text()
    );
    assert!(bot.terminate(), "{}", bot.log_text());

    // Upgraded: the same month, a higher limit (at Zalo's end too).
    zalo.set_plan(|p| p.monthly_quota = 100);
    vars.retain(|(k, _)| *k != "ZALO_MONTHLY_QUOTA");
    vars.push(("ZALO_MONTHLY_QUOTA", "5000".to_string()));
    let mut bot = d.env.spawn_with(&june, &vars);
    wait_until("the rest goes the same day", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n == 1)
    })
    .await;
    assert_eq!(zalo.month().1, usize::from(zalo_refused), "no new refusal");
    assert!(bot.terminate(), "{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raised_limit_sends_what_our_count_held() {
    a_raised_limit_sends_what_waited(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raised_limit_sends_what_zalos_refusal_held() {
    a_raised_limit_sends_what_waited(true).await;
}

/// Zalo failing every send (its retries take seconds each) does not hold back what goes
/// to Telegram: each channel has its own lanes and pace. The Telegram chair joined last,
/// so their copy is queued after every Zalo one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_403_storm_does_not_hold_telegram_back() {
    let d = district(7);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut bot = d.env.spawn(&vars(&zalo, &tg));
    let chairs = joined(&zalo, &d, 6).await;
    let mut on_telegram = Talk::new(&tg, User::new(4_242, "Hoa", "Trần Thị"));
    on_telegram.say(&d.chair_codes[6]).expect("Chào mừng").await;
    zalo.set_plan(|p| p.fail_403_every = 1);
    let queued = Instant::now();
    d.env
        .cli(&["broadcast", "--text", NEWS, "--audience", "all"]);
    on_telegram.expect(NEWS).await;
    let waited = queued.elapsed();
    assert!(
        waited < Duration::from_secs(4),
        "the Telegram copy waited {waited:?} behind Zalo's retries"
    );
    zalo.set_plan(|p| p.fail_403_every = 0);
    wait_until("every Zalo chair has it once Zalo recovers", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n == 1)
    })
    .await;
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// A reminder that meets Zalo's 403 goes back to the outbox, which asks again before the
/// next try whether it still matters: a unit that handed in while Zalo failed is not
/// reminded, one that did not is, once Zalo recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_held_up_by_403s_skips_a_unit_that_handed_in_meanwhile() {
    let d = district(2);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    // The report is due 5/5: the "1 day left" round is at 08:00 on 4/5.
    let morning = ["run", "--now", "2025-05-04T07:59:45+07:00"];
    let mut bot = d.env.spawn_with(&morning, &vars(&zalo, &tg));
    let chairs = joined(&zalo, &d, 2).await;
    zalo.set_plan(|p| p.fail_403_every = 1);
    wait_until("both reminders met a 403", &bot, || zalo.errors_403() >= 2).await;

    let db = thidua::store::connect(&d.env.database_url()).await.unwrap();
    let unit: i64 = sqlx::query_scalar("SELECT id FROM units WHERE name = 'CĐCS Trường số 1'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    support::hand_in(&db, "report", unit, chrono::Utc::now()).await;
    zalo.set_plan(|p| p.fail_403_every = 0);

    let reminded = |c: &ZTalk| {
        zalo.sent_to(&c.user.id)
            .iter()
            .filter(|m| m.text.contains("Nhắc hạn"))
            .count()
    };
    wait_until("the unit still missing it is reminded", &bot, || {
        reminded(&chairs[1]) == 1
    })
    .await;
    // The other chair's row comes up for its next try about when this one did.
    let deadline = Instant::now() + Duration::from_secs(20);
    let lapsed = loop {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT status, COALESCE(error, '') FROM outbox WHERE chat_id = $1 AND about IS NOT NULL",
        )
        .bind(&chairs[0].user.id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        if rows.iter().all(|(s, _)| s != "pending" && s != "sending") || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        lapsed,
        vec![(
            "lapsed".to_string(),
            "handed in since it was queued".to_string()
        )],
        "{}",
        bot.log_text()
    );
    assert_eq!(reminded(&chairs[0]), 0, "reminded after handing in");
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// A chair's answer that met a 403 goes to the outbox ahead of what was queued before
/// it: it does not wait behind the copies of six announcements to the same chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_met_a_403_goes_before_queued_announcements() {
    let d = district(3);
    let tg = FakeTelegram::start().await;
    let zalo = FakeZalo::start().await;
    let mut bot = d.env.spawn(&vars(&zalo, &tg));
    let mut chairs = joined(&zalo, &d, 3).await;
    for i in 1..=6 {
        let text = format!("{NEWS} (lần {i})");
        d.env
            .cli(&["broadcast", "--text", &text, "--audience", "all"]);
    }
    let answer = "chưa đăng ký";
    zalo.set_plan(|p| p.fail_403_once_for = Some(answer.to_string()));
    let asked = Instant::now();
    chairs[0].say("/cuatoi").expect(answer).await;
    let answered = asked.elapsed();
    assert!(zalo.errors_403() >= 1, "the answer met its 403");
    wait_until("every chair has the six", &bot, || {
        copies(&zalo, &chairs).iter().all(|n| *n == 6)
    })
    .await;
    // Each chat takes one message a second: behind the six, it came after the last.
    let to_first = zalo.sent_to(&chairs[0].user.id);
    let at = |part: &str| {
        to_first
            .iter()
            .rposition(|m| m.text.contains(part))
            .unwrap()
    };
    assert!(
        at(answer) < at(&format!("{NEWS} (lần 6)")),
        "the answer waited {answered:?}, behind the announcements: {:#?}",
        to_first.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    assert!(bot.terminate(), "{}", bot.log_text());
}
