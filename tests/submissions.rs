//! Handing in the report and the award dossier from the phone: files checked, saved
//! with their sha256, a checklist, late marking, a return by staff and a resubmission,
//! the status table and the export.

mod support;

use sha2::{Digest, Sha256};
use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";
const CLINIC: &str = "CĐCS Trạm Y tế xã";
const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_submits_the_report_and_the_dossier() {
    let env = TestEnv::new();
    for u in [SCHOOL, CLINIC, DISTRICT] {
        env.cli(&["unit", "add", u]);
    }
    let chair_code = env.invite(SCHOOL, "chair");
    let staff_code = env.invite(DISTRICT, "staff");
    let api = FakeTelegram::start().await;
    // Before the report's deadline (05/05/2025 23:59, Vietnam time).
    let mut bot = env.spawn_with(
        &["run", "--now", "2025-05-03T09:00:00+07:00"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {chair_code}"))
        .expect("Chào mừng")
        .await;

    // Stopped halfway, the chair is told which command starts it again.
    chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    chair.say("/huy").expect("Gõ /baocao để bắt đầu lại").await;
    let first = chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    assert!(
        first.text.contains("hạn 05/05/2025 23:59"),
        "{}",
        first.text
    );
    chair.say("đây là báo cáo").expect("xin gửi tệp").await;
    chair
        .document("virus.exe", "application/octet-stream", b"MZ")
        .expect("không đúng loại")
        .await;
    // The same program renamed: the name passes, the bytes do not.
    chair
        .document("bao-cao.pdf", "application/pdf", b"MZ\x90\x00 program")
        .expect("không đúng định dạng")
        .await;
    let report = b"%PDF-1.4 bao cao tong ket".to_vec();
    chair
        .document("Bao cao tong ket.pdf", "application/pdf", &report)
        .expect("Đã nhận tệp Bao cao tong ket.pdf")
        .await;
    let checklist = chair
        .say("Báo cáo đã được BCH thông qua")
        .expect("Kiểm tra trước khi nộp")
        .await;
    assert!(
        checklist
            .text
            .contains("1. Báo cáo tổng kết phong trào thi đua: Bao cao tong ket.pdf (1 KB)"),
        "{}",
        checklist.text
    );
    assert!(checklist
        .text
        .contains("Ghi chú: Báo cáo đã được BCH thông qua"));
    chair
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp Báo cáo tổng kết")
        .await;
    staff.expect("đã nộp Báo cáo tổng kết").await;

    // Staff see who is missing; the chair sees the unit's checklist.
    let table = staff.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(table.text.contains("1/2 đơn vị đã nộp"), "{}", table.text);
    assert!(
        table.text.contains(&format!("Chưa nộp: {CLINIC}")),
        "{}",
        table.text
    );
    assert!(
        table.text.contains(&format!("{SCHOOL}: (1) ✅ · (2) ✗")),
        "{}",
        table.text
    );
    assert!(
        table.text.contains(&format!("{CLINIC}: (1) ✗ · (2) ✗")),
        "{}",
        table.text
    );
    let mine = chair.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(mine.text.contains("Đã nộp 03/05/2025"), "{}", mine.text);
    assert!(
        mine.text
            .contains("Hồ sơ trình đề nghị khen thưởng (hạn 02/06/2025): Chưa nộp"),
        "{}",
        mine.text
    );

    // The district reviews in the chat: looks at the file, returns it with a reason.
    let list = staff.say("/duyet").expect("Hồ sơ chờ duyệt").await;
    assert!(
        list.text
            .contains(&format!("1) {SCHOOL} — Báo cáo tổng kết")),
        "{}",
        list.text
    );
    let doc = staff
        .press(&list.button("Xem tệp 1"))
        .expect("Bao cao tong ket.pdf")
        .await;
    assert_eq!(doc.document.map(|(_, b)| b), Some(report.clone()));
    chair
        .press(&list.button("Trả lại 1"))
        .expect("Chỉ cán bộ")
        .await;
    staff
        .press(&list.button("Trả lại 1"))
        .expect("lý do trả lại")
        .await;
    // The reason is shown once more before it goes, and can still be changed.
    let check = staff
        .say("Thiếu chữ ký")
        .expect("Trả lại Báo cáo tổng kết phong trào thi đua của CĐCS Trường THCS")
        .await;
    assert!(
        check.text.contains("1. Lý do trả lại: Thiếu chữ ký"),
        "{}",
        check.text
    );
    staff
        .press(&check.button("Trả lại hồ sơ"))
        .expect("Đã trả lại Báo cáo tổng kết")
        .await;
    chair.expect("bị trả lại: Thiếu chữ ký").await;
    staff
        .say("/duyet")
        .expect("Không có hồ sơ nào chờ duyệt")
        .await;
    let again = chair.say("/baocao").expect("(1/2)").await;
    assert!(
        again
            .text
            .contains("Lần trước hồ sơ bị trả lại: Thiếu chữ ký"),
        "{}",
        again.text
    );
    let signed = b"%PDF-1.4 bao cao co chu ky".to_vec();
    chair
        .document("bao-cao-ky.pdf", "application/pdf", &signed)
        .expect("Ghi chú")
        .await;
    let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair.press(&checklist.button("Nộp")).expect("Đã nộp").await;

    // The dossier: three documents, one photographed.
    let ask = chair
        .say("/hoso")
        .expect("(1/4) Xin gửi tệp: Tờ trình")
        .await;
    assert!(ask.text.contains("Cần 3 tệp"), "{}", ask.text);
    chair
        .document(
            "to-trinh.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 word",
        )
        .expect("(2/4)")
        .await;
    // Going back shows the file already received, which can be kept.
    let back = chair.say("/quaylai").expect("(1/4)").await;
    assert!(back.text.contains("Đã ghi: to-trinh.docx"), "{}", back.text);
    chair
        .press(&back.button("Giữ tệp"))
        .expect("(2/4) Xin gửi tệp: Biên bản")
        .await;
    chair
        .document("bien-ban.pdf", "application/pdf", b"%PDF-1.4 bien ban")
        .expect("(3/4)")
        .await;
    chair
        .document("thanh-tich.jpg", "image/jpeg", b"\xff\xd8\xff jpeg")
        .expect("Ghi chú")
        .await;
    let checklist = chair.press("s").expect("Kiểm tra trước khi nộp").await;
    chair
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp Hồ sơ")
        .await;
    staff.say("/tinhtrang").expect("Tình trạng nộp").await;
    chair.say("/help").expect("/baocao").await;

    // People read titles: no key of the campaign file in anything said to anyone.
    for m in api.sent() {
        let words: Vec<&str> = m
            .text
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .collect();
        for key in [
            "vinh-thuan-2025",
            "report",
            "nomination",
            "to_trinh",
            "bien_ban",
        ] {
            assert!(
                !words.contains(&key),
                "{key} shown to {}: {}",
                m.chat_id,
                m.text
            );
        }
    }
    assert!(bot.terminate(), "{}", bot.log_text());
    env.cli(&[
        "submission",
        "approve",
        "--unit",
        SCHOOL,
        "--deadline",
        "nomination",
    ]);

    // Files are kept with their hash; the export gathers them per unit.
    let out = env.dir.path().join("nop");
    env.cli(&["export", "submissions", "--out", out.to_str().unwrap()]);
    let index = std::fs::read_to_string(out.join("index.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(index.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "{index}");
    let report_row = rows.iter().find(|r| &r[1] == "report").unwrap();
    assert_eq!(&report_row[0], SCHOOL);
    assert_eq!(&report_row[3], "submitted");
    assert_eq!(&report_row[4], "no");
    assert_eq!(&report_row[8], format!("{:x}", Sha256::digest(&signed)));
    let copied = std::fs::read(out.join(&report_row[6])).unwrap();
    assert_eq!(
        copied, signed,
        "the resubmitted file replaced the returned one"
    );
    assert!(rows
        .iter()
        .filter(|r| &r[1] == "nomination")
        .all(|r| &r[3] == "approved"));
    let docs: Vec<&str> = rows
        .iter()
        .filter(|r| &r[1] == "nomination")
        .map(|r| r.get(2).unwrap())
        .collect();
    assert_eq!(docs, ["to_trinh", "bien_ban", "bao_cao_thanh_tich"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_after_the_deadline_is_marked_late_and_big_files_are_refused() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    let code = env.invite(SCHOOL, "chair");
    let api = FakeTelegram::start().await;
    let mut bot = env.spawn_with(
        &["run", "--now", "2025-05-06T10:00:00+07:00"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair.say("/baocao").expect("(1/2)").await;
    let big = vec![b'x'; 21 * 1024 * 1024];
    chair
        .document("lon.pdf", "application/pdf", &big)
        .expect("lớn hơn 20 MB")
        .await;
    // One byte over, its size not said in the message: the same rule, not "send again".
    api.omit_file_sizes();
    let over = vec![b'x'; 20 * 1024 * 1024 + 1];
    chair
        .document("lon2.pdf", "application/pdf", &over)
        .expect("lớn hơn 20 MB")
        .await;
    chair
        .document("bc.pdf", "application/pdf", b"%PDF-1.4 late")
        .expect("Ghi chú")
        .await;
    let list = chair.say("/boqua").expect("Kiểm tra").await;
    chair.press(&list.button("Nộp")).expect("nộp muộn").await;
    chair.say("/tinhtrang").expect("(muộn)").await;
    assert!(bot.terminate());
}
