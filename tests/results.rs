//! From registration to result: the day after a work's end date its chair is asked,
//! once, how it ended (through the outbox, at 08:00, never twice across restarts); the
//! answer shows in /cuatoi and the export; "still going" asks again 14 days later.

mod support;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";
const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";
const QUESTION: &str = "đã đến ngày kết thúc (30/06/2025). Đã hoàn thành chưa?";

/// How many times the chair was asked about this work.
fn asked(api: &FakeTelegram, chat: i64, number: &str) -> usize {
    api.sent_to(chat)
        .iter()
        .filter(|m| m.text.contains(QUESTION) && m.text.contains(number))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_is_asked_once_how_a_work_ended() {
    asked_once(&TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_is_asked_once_how_a_work_ended_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_results_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
    asked_once(&env).await;
    support::load::drop_postgres(&server, &name).await;
}

async fn asked_once(env: &TestEnv) {
    env.cli(&["unit", "add", SCHOOL]);
    env.cli(&["unit", "add", DISTRICT]);
    let code = env.invite(SCHOOL, "chair");
    let staff_code = env.invite(DISTRICT, "staff");
    let api = FakeTelegram::start().await;

    // Two works registered in June, both ending on 30/06/2025.
    let mut bot = env.run_at(&api, "2025-06-20T09:00:00+07:00");
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair.register("Mái ấm công đoàn cho đoàn viên").await;
    chair.register("Tủ sách cho con đoàn viên").await;
    let works = chair.say("/cuatoi").expect("002/ĐK").await;
    assert!(
        works
            .buttons
            .iter()
            .all(|(l, _)| !l.contains("Báo kết quả")),
        "not before the end date: {:?}",
        works.buttons
    );
    bot.terminate();

    // The morning after the end date: one question per work, at 08:00.
    let mut bot = env.run_at(&api, "2025-07-01T07:59:55+07:00");
    let first = chair
        .expect(&format!(
            "001/ĐK «Mái ấm công đoàn cho đoàn viên» của {SCHOOL} {QUESTION}"
        ))
        .await;
    let second = chair.expect("002/ĐK").await;
    assert!(second.text.contains(QUESTION), "{}", second.text);

    // Done: the actual value (a typo is refused and asked again), photos of the
    // finished work (a document is not a photo), then what it achieved.
    chair
        .press(&first.button("Hoàn thành"))
        .expect("Giá trị thực hiện thực tế")
        .await;
    let again = chair.say("nhiều lắm").expect("⚠️").await;
    assert!(
        again.text.contains("Giá trị thực hiện thực tế"),
        "{}",
        again.text
    );
    chair
        .say("260 triệu")
        .expect("ảnh chụp công trình đã hoàn thành")
        .await;
    chair
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 x")
        .expect("chỉ nhận ảnh chụp")
        .await;
    let photo = b"\xff\xd8\xff\xe0 nha da xay xong".to_vec();
    let more = chair
        .document("nha-1.jpg", "image/jpeg", &photo)
        .expect("Đã nhận tệp nha-1.jpg")
        .await;
    chair
        .press(&more.button("Xong"))
        .expect("Hiệu quả kinh tế, xã hội")
        .await;
    let summary = chair
        .say("Xây xong 2 căn nhà cho đoàn viên")
        .expect("Kết quả công trình 001/ĐK")
        .await;
    assert!(
        summary.text.contains("2. Ảnh công trình: nha-1.jpg"),
        "{}",
        summary.text
    );
    chair
        .press(&summary.button("Lưu kết quả"))
        .expect(
            "Đã ghi nhận kết quả: 🏁 Kết quả: hoàn thành, giá trị thực tế 260.000.000 đồng · 1 ảnh",
        )
        .await;
    // The photo is kept with the work, byte for byte.
    let kept = support::files_under(&env.dir.path().join("data/results"));
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), photo);
    // Still going: asked again in 14 days.
    chair
        .press(&second.button("Đang làm"))
        .expect("Bot sẽ hỏi lại vào ngày 15/07/2025")
        .await;
    let mine = chair.say("/cuatoi").expect("Các công trình").await;
    assert!(
        mine.text
            .contains("🏁 Kết quả: hoàn thành, giá trị thực tế 260.000.000 đồng"),
        "{}",
        mine.text
    );
    assert!(
        mine.text
            .contains("⏳ Kết quả: đang thực hiện (hỏi lại ngày 15/07/2025)"),
        "{}",
        mine.text
    );
    assert!(
        mine.buttons
            .iter()
            .any(|(l, _)| l.contains("Báo kết quả 002/ĐK")),
        "{:?}",
        mine.buttons
    );
    assert!(
        mine.buttons
            .iter()
            .all(|(l, _)| !l.contains("Báo kết quả 001/ĐK")),
        "{:?}",
        mine.buttons
    );

    // A power cut and a restart the same morning ask nobody again.
    bot.kill_hard();
    let bot2 = env.run_at(&api, "2025-07-01T08:05:00+07:00");
    chair.quiet().await;
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(asked(&api, 1001, "001/ĐK"), 1);
    assert_eq!(asked(&api, 1001, "002/ĐK"), 1);
    let mut bot = bot2;
    bot.terminate();

    // Fourteen days later: only the work still going is asked about.
    let mut bot = env.run_at(&api, "2025-07-15T07:59:55+07:00");
    let again = chair.expect("002/ĐK").await;
    assert!(again.text.contains(QUESTION), "{}", again.text);
    chair
        .press(&again.button("Không thực hiện"))
        .expect("Vì sao công trình 002/ĐK")
        .await;
    let summary = chair
        .say("Đơn vị sáp nhập, không còn kinh phí")
        .expect("Kết quả công trình 002/ĐK")
        .await;
    chair
        .press(&summary.button("Lưu kết quả"))
        .expect("không thực hiện — Đơn vị sáp nhập")
        .await;

    // Before the dossier: the unit's works and results as a Word table, the facts of
    // its achievement report.
    let annex = chair
        .say("/hoso")
        .expect("để Anh/Chị viết báo cáo thành tích")
        .await;
    let (name, bytes) = annex.document.expect("a Word file");
    assert!(name.starts_with("cong-trinh-va-ket-qua-cdcs-"), "{name}");
    let doc = support::docx_paragraphs(&bytes);
    let table = doc.join("|");
    for part in [
        "CÁC CÔNG TRÌNH (SẢN PHẨM, MÔ HÌNH, CHƯƠNG TRÌNH) ĐÃ ĐĂNG KÝ VÀ KẾT QUẢ",
        "001/ĐK|Mái ấm công đoàn cho đoàn viên|",
        "|Hoàn thành|260.000.000|Xây xong 2 căn nhà cho đoàn viên",
        "002/ĐK|Tủ sách cho con đoàn viên|15/01/2025 – 30/06/2025|250.000.000|Không thực hiện|Đơn vị sáp nhập",
        "Tổng cộng|500.000.000|260.000.000",
    ] {
        assert!(table.contains(part), "{part:?} not in {table}");
    }
    chair.expect("Xin gửi tệp").await;
    chair.quiet().await;
    assert_eq!(asked(&api, 1001, "001/ĐK"), 1);
    assert_eq!(asked(&api, 1001, "002/ĐK"), 2);
    let mut staff = Talk::new(&api, User::new(2001, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    staff
        .say("/tinhtrang")
        .expect("1 hoàn thành, 0 đang thực hiện, 1 không thực hiện, 0 chưa báo")
        .await;
    bot.terminate();

    // The export carries the results.
    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    let rows = support::csv_records(&csv);
    assert_eq!(rows[0]["result"], "done", "{csv}");
    assert_eq!(rows[0]["actual_value_vnd"], "260000000");
    assert_eq!(rows[0]["result_note"], "Xây xong 2 căn nhà cho đoàn viên");
    assert_eq!(rows[1]["result"], "not_done");
    assert_eq!(
        rows[1]["result_note"],
        "Đơn vị sáp nhập, không còn kinh phí"
    );
}

/// Fifty chairs asked at once answer at once: each result stored once, nobody asked
/// twice, and a note too long is refused with the question kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_chairs_report_their_results_at_once() {
    const N: i64 = 50;
    let env = TestEnv::new();
    let chats = support::seed_chairs(&env, N, 5000).await;
    let db = thidua::store::connect(&env.database_url()).await.unwrap();
    let campaign = thidua::store::campaigns::ensure_seed(&db).await.unwrap();
    let mut tx = db.write().await.unwrap();
    support::load::seed_registrations(&mut tx, campaign.id).await;
    tx.commit().await.unwrap();
    db.close().await;

    let api = FakeTelegram::start().await;
    let mut bot = env.run_at(&api, "2025-07-01T07:59:55+07:00");
    let answers = chats.iter().enumerate().map(|(i, chat)| {
        let api = api.clone();
        let chat = *chat;
        async move {
            let mut talk = Talk::new(&api, User::new(chat, "Chủ tịch", "X"));
            let q = talk.expect(QUESTION).await;
            talk.press(&q.button("Hoàn thành"))
                .expect("Giá trị thực hiện thực tế")
                .await;
            talk.say(&format!("{} triệu", 200 + i))
                .expect("ảnh chụp công trình")
                .await;
            talk.press("s").expect("Hiệu quả kinh tế").await;
            if i == 0 {
                talk.say(&"x".repeat(1001))
                    .expect("tối đa 1000 ký tự")
                    .await;
            }
            let summary = talk.press("s").expect("Kết quả công trình").await;
            talk.press(&summary.button("Lưu kết quả"))
                .expect("Đã ghi nhận kết quả")
                .await;
        }
    });
    futures::future::join_all(answers).await;
    bot.terminate();

    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    let rows = support::csv_records(&csv);
    assert_eq!(rows.len(), N as usize);
    let mut values: Vec<u64> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["result"], "done", "{r:?}");
            r["actual_value_vnd"].parse().unwrap()
        })
        .collect();
    values.sort_unstable();
    let expected: Vec<u64> = (0..N as u64).map(|i| (200 + i) * 1_000_000).collect();
    assert_eq!(values, expected, "each chair's own value, once");
    for chat in &chats {
        let asked = api
            .sent_to(*chat)
            .iter()
            .filter(|m| m.text.contains(QUESTION))
            .count();
        assert_eq!(asked, 1, "chat {chat}");
    }
}
