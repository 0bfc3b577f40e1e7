//! The paper itself: the official registration form as a Word document, from the chat
//! (Telegram sends the file) and from the command line, with the layout and wording of
//! the plan's form, read back from the produced .docx.

mod support;

use std::io::Read;

use support::fake_telegram::{FakeTelegram, User};
use support::{docx_paragraphs as paragraphs, Talk, TestEnv};

const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";
const CLINIC: &str = "CĐCS Trạm Y tế xã";
const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

/// `lines` appear in the document in this order, each as (part of) a paragraph.
fn assert_in_order(doc: &[String], lines: &[&str]) {
    let mut at = 0;
    for line in lines {
        match doc[at..].iter().position(|p| p.contains(line)) {
            Some(i) => at += i + 1,
            None => panic!("{line:?} not found after paragraph {at} in {doc:#?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_gets_the_official_form_as_word() {
    let env = TestEnv::new();
    for u in [SCHOOL, CLINIC, DISTRICT] {
        env.cli(&["unit", "add", u]);
    }
    let code = env.invite(SCHOOL, "chair");
    let staff_code = env.invite(DISTRICT, "staff");
    let other = env.invite(CLINIC, "chair");
    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair
        .register("Mái ấm công đoàn cho đoàn viên khó khăn")
        .await;

    let works = chair.say("/cuatoi").expect("001/ĐK").await;
    let word = works.button("Bản Word 001/ĐK");
    let sent = chair.press(&word).expect("in ra, ký, đóng dấu").await;
    assert!(
        sent.text.contains("Liên đoàn Lao động huyện Vĩnh Thuận"),
        "{}",
        sent.text
    );
    let (name, bytes) = sent.document.expect("a Word file");
    assert_eq!(name, "001-DK-cdcs-truong-thcs-vinh-thuan.docx");
    let doc = paragraphs(&bytes);
    assert_in_order(
        &doc,
        &[
            "LIÊN ĐOÀN LAO ĐỘNG HUYỆN VĨNH THUẬN",
            "CĐCS TRƯỜNG THCS VĨNH THUẬN",
            "Số: 001/ĐK",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Vĩnh Thuận, ngày",
            "BẢNG ĐĂNG KÝ",
            "thi đua chào mừng Đại hội đảng các cấp, tiến tới Đại hội Đảng bộ tỉnh lần thứ XII",
            "1. Tên công trình (sản phẩm, mô hình, chương trình): Mái ấm công đoàn cho đoàn viên khó khăn",
            "2. Thời gian bắt đầu và kết thúc: từ 15/01/2025 đến 30/06/2025",
            "3. Nội dung công việc thực hiện để hoàn thành công trình (sản phẩm, mô hình, chương trình): Vận động đoàn viên",
            "4. Tổng giá trị thực hiện dự kiến: 250.000.000 đồng (Bằng chữ: Hai trăm năm mươi triệu đồng)",
            "5. Giá trị làm lợi, tiết kiệm:",
            "- Kinh tế: Tiết kiệm chi phí",
            "- Xã hội: Đoàn viên an tâm",
            "- Rút ngắn thời gian thực hiện dự kiến (nếu có): ……",
            "Nơi nhận:",
            "- Liên đoàn Lao động huyện Vĩnh Thuận;",
            "- Lưu.",
            "TM. BAN CHẤP HÀNH",
            "CHỦ TỊCH",
            "Lan Nguyễn Thị",
        ],
    );
    // The date is written out as the decree wants: two-digit day, "tháng", "năm".
    let dated = doc
        .iter()
        .find(|p| p.starts_with("Vĩnh Thuận, ngày"))
        .unwrap();
    let words: Vec<&str> = dated.split_whitespace().collect();
    assert_eq!(words[3].len(), 2, "{dated}");
    assert_eq!(
        (words[2], words[4], words[6]),
        ("ngày", "tháng", "năm"),
        "{dated}"
    );

    // Another unit's chair pressing the same button gets nothing of it.
    let mut stranger = Talk::new(&api, User::new(1002, "Hoa", "Trần"));
    stranger
        .say(&format!("/start {other}"))
        .expect("Chào mừng")
        .await;
    let refused = stranger
        .press(&word)
        .expect("Không tìm thấy công trình")
        .await;
    assert!(refused.document.is_none());

    // 50 triệu reaches nothing: no hint.
    let (summary, done) = stranger
        .register_with("Tủ sách cho con đoàn viên", "50 triệu")
        .await;
    assert!(
        !summary.contains("💡") && !done.contains("💡"),
        "{summary}\n{done}"
    );

    // Staff see the candidates: the school's work, not the clinic's.
    let mut staff = Talk::new(&api, User::new(2001, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let list = staff
        .say("/ungvien")
        .expect("đạt mức xét khen thưởng")
        .await;
    assert!(
        list.text.contains(
            "Bằng khen của BCH LĐLĐ tỉnh (mục III.2.2.1), từ 200.000.000 đồng: 1 công trình"
        ),
        "{}",
        list.text
    );
    assert!(
        list.text.contains(&format!("• 001/ĐK — {SCHOOL}")),
        "{}",
        list.text
    );
    assert!(!list.text.contains(CLINIC), "{}", list.text);
    // Staff propose the school's work for a plaque ("công trình tiêu biểu").
    staff
        .press(&list.button("Đề xuất tiêu biểu 001/ĐK"))
        .expect("Đã đề xuất công trình 001/ĐK")
        .await;
    chair
        .press(&list.button("Đề xuất tiêu biểu 001/ĐK"))
        .expect("Chỉ cán bộ")
        .await;
    // /xuat offers every form of the district's units as one .zip of .docx files.
    let offer = staff.say("/xuat").expect("Cần bản Word").await;
    let zipped = staff
        .press(&offer.button("Bản Word các bảng đăng ký"))
        .expect("2 bảng đăng ký (Word)")
        .await;
    let (name, bytes) = zipped.document.expect("a .zip");
    assert!(name.ends_with(".zip"), "{name}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "001-DK-cdcs-truong-thcs-vinh-thuan.docx",
            "002-DK-cdcs-tram-y-te-xa.docx"
        ]
    );
    let mut first = Vec::new();
    zip.by_name(&names[0])
        .unwrap()
        .read_to_end(&mut first)
        .unwrap();
    assert_eq!(paragraphs(&first), doc);
    let again = staff
        .say("/ungvien")
        .expect("Công trình tiêu biểu đã đề xuất gắn biển (1): 001/ĐK")
        .await;
    assert!(again.text.contains("⭐ • 001/ĐK"), "{}", again.text);
    chair
        .say("/ungvien")
        .expect("Chỉ cán bộ LĐLĐ xem được")
        .await;
    bot.terminate();

    // The same paper from the command line, one file per work.
    let dir = env.dir.path().join("mau-dang-ky");
    env.cli(&["export", "forms", "--out", dir.to_str().unwrap()]);
    let mut files = support::files_under(&dir);
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].ends_with("001-DK-cdcs-truong-thcs-vinh-thuan.docx"));
    assert!(files[1].ends_with("002-DK-cdcs-tram-y-te-xa.docx"));
    assert_eq!(paragraphs(&std::fs::read(&files[0]).unwrap()), doc);

    // The candidates as CSV: the 250 triệu work reaches the first criterion, the
    // 50 triệu one nothing.
    let candidates = env.cli(&["export", "candidates"]);
    assert_eq!(
        candidates.lines().collect::<Vec<_>>(),
        [
            "criterion,award,plan_ref,number,unit,name,estimated_value_vnd,featured",
            &format!(
                "bang_khen_tinh_tap_the,Bằng khen của BCH LĐLĐ tỉnh,mục III.2.2.1,001/ĐK,{SCHOOL},\
                 Mái ấm công đoàn cho đoàn viên khó khăn,250000000,1"
            ),
        ]
    );
    let featured = env.cli(&["export", "featured"]);
    assert_eq!(
        featured.lines().collect::<Vec<_>>(),
        [
            "number,unit,name,estimated_value_vnd,result,actual_value_vnd,photos",
            &format!("001/ĐK,{SCHOOL},Mái ấm công đoàn cho đoàn viên khó khăn,250000000,,,"),
        ]
    );

    // The district's summary: the school's one work and its value, the total, and the
    // clinic among the units that registered nothing.
    let summary = env.dir.path().join("tong-hop.docx");
    env.cli(&[
        "export",
        "summary",
        "--format",
        "docx",
        "--out",
        summary.to_str().unwrap(),
    ]);
    let doc = paragraphs(&std::fs::read(&summary).unwrap());
    assert_in_order(
        &doc,
        &[
            "LIÊN ĐOÀN LAO ĐỘNG HUYỆN VĨNH THUẬN",
            "BẢNG TỔNG HỢP ĐĂNG KÝ",
            "STT",
            SCHOOL,
            "250.000.000",
            CLINIC,
            "50.000.000",
            "Tổng cộng",
            "300.000.000",
            "Các đơn vị chưa đăng ký (0):",
        ],
    );
    let sheet = env.dir.path().join("tong-hop.xlsx");
    env.cli(&[
        "export",
        "summary",
        "--format",
        "xlsx",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    let cells = sheet_rows(&sheet);
    assert!(
        cells.contains(&format!("1|{SCHOOL}|1|250000000")),
        "{cells}"
    );
    assert!(cells.contains(&format!("2|{CLINIC}|1|50000000")), "{cells}");
    assert!(cells.contains("|Tổng cộng|2|300000000"), "{cells}");
}

/// Every row of the first sheet as "a|b|c|d".
fn sheet_rows(path: &std::path::Path) -> String {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A question the district adds in the campaign file is asked after the paper's items,
/// kept with the work, and is a column of every export and an item of the Word form,
/// with no other change anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_the_campaign_adds_is_asked_stored_and_exported() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    let code = env.invite(SCHOOL, "chair");
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/campaign-vinh-thuan-2025.toml"
    ))
    .unwrap();
    let file = env.dir.path().join("with-question.toml");
    std::fs::write(
        &file,
        format!(
            "{example}\n[[question]]\nkey = \"don_vi_phoi_hop\"\nlabel = \"Đơn vị phối hợp\"\n\
             prompt = \"Đơn vị nào phối hợp thực hiện?\"\nkind = \"text\"\n"
        ),
    )
    .unwrap();
    env.cli(&["campaign", "load", file.to_str().unwrap()]);

    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let n = thidua::conversation::registration_form::REGISTRATION
        .fields
        .len()
        + 1;
    let step = |i: usize| format!("({i}/{n})");
    let kind = chair.say("/dangky").expect(&step(1)).await;
    chair.press(&kind.button("Mô hình")).expect(&step(2)).await;
    chair.say("Mái ấm công đoàn").expect(&step(3)).await;
    chair.say("15/1/2025").expect(&step(4)).await;
    chair.say("30/6/2025").expect(&step(5)).await;
    chair.say("Xây hai căn nhà").expect(&step(6)).await;
    chair.say("250 triệu").expect(&step(7)).await;
    // The form's optional items skipped, however many it has: the campaign's question
    // comes after all of them.
    for i in 8..n {
        chair.say("/boqua").expect(&step(i)).await;
    }
    let asked = chair.say("/boqua").expect(&step(n)).await;
    assert!(
        asked.text.contains("Đơn vị nào phối hợp thực hiện?"),
        "{}",
        asked.text
    );
    asked.button("Bỏ qua"); // optional unless the file says otherwise
    let summary = chair
        .say("Công ty Điện lực Vĩnh Thuận")
        .expect("Xin kiểm tra lại")
        .await;
    assert!(
        summary.text.contains(&format!(
            "{n}. Đơn vị phối hợp: Công ty Điện lực Vĩnh Thuận"
        )),
        "{}",
        summary.text
    );
    chair
        .press(&summary.button("Xác nhận gửi"))
        .expect("Đã nhận đăng ký số 001/ĐK")
        .await;

    // The Word form: the paper's items 1–5, then the campaign's question as item 6.
    let doc = word_form(&mut chair, "001/ĐK").await;
    assert_in_order(
        &doc,
        &[
            "5. Giá trị làm lợi, tiết kiệm:",
            "6. Đơn vị phối hợp: Công ty Điện lực Vĩnh Thuận",
            "Nơi nhận:",
        ],
    );
    assert!(bot.terminate(), "{}", bot.log_text());

    // CSV: a column named by the key, after the paper's fields.
    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "don_vi_phoi_hop").unwrap();
    let last = thidua::conversation::registration_form::REGISTRATION
        .fields
        .last()
        .unwrap();
    assert_eq!(header[at - 1], &*last.key);
    let row = lines.next().unwrap();
    assert!(row.contains("Công ty Điện lực Vĩnh Thuận"), "{row}");
    // XLSX: headed by the label.
    let cells = sheet_rows(&env.export_xlsx("dang-ky.xlsx"));
    let first = cells.lines().next().unwrap();
    assert!(first.contains("|Đơn vị phối hợp|"), "{first}");
    assert!(cells.contains("|Công ty Điện lực Vĩnh Thuận|"), "{cells}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn characters_xml_forbids_never_reach_the_word_form() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    let code = env.invite(SCHOOL, "chair");
    let api = FakeTelegram::start().await;
    let _bot = env.run_bot(&api);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair
        .register("Mái ấm\u{FFFE} công\u{0}đoàn\u{FFFF}\u{FDD0}")
        .await;
    let works = chair.say("/cuatoi").expect("001/ĐK").await;
    assert!(works.text.contains("Mái ấm công đoàn"), "{}", works.text);
    let sent = chair
        .press(&works.button("Bản Word 001/ĐK"))
        .expect("in ra")
        .await;
    let xml = support::docx_xml(&sent.document.expect("a Word file").1);
    assert_eq!(support::xml_forbidden(&xml), Vec::<char>::new());
    assert!(xml.contains("Mái ấm công đoàn"));
}

/// The paragraphs of work `number`'s Word form, as the chair gets it from `/cuatoi`.
async fn word_form(chair: &mut Talk, number: &str) -> Vec<String> {
    let works = chair.say("/cuatoi").expect(number).await;
    let sent = chair
        .press(&works.button(&format!("Bản Word {number}")))
        .expect("in ra")
        .await;
    paragraphs(&sent.document.expect("a Word file").1)
}
