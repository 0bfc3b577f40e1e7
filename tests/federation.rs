//! A federation is a tree: a province over two districts, each over its CĐCS. Staff of
//! district A see, review and message district A's units only; the province's staff see
//! both, rolled up per district, in `/tinhtrang` and in the digest after a deadline.

mod support;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const PROVINCE: &str = "LĐLĐ tỉnh Kiên Giang";
const A: &str = "LĐLĐ huyện An Biên";
const B: &str = "LĐLĐ huyện Vĩnh Thuận";
/// A level more inside district A: its schools' union (no staff, units below it).
const SECTOR: &str = "Công đoàn ngành Giáo dục An Biên";
const A1: &str = "CĐCS Trường Tiểu học An Biên";
const A2: &str = "CĐCS Trạm Y tế An Biên";
const B1: &str = "CĐCS Trường THCS Vĩnh Thuận";

fn province(env: &TestEnv) {
    let list = env.dir.path().join("don-vi.csv");
    std::fs::write(
        &list,
        format!(
            "Tên đơn vị,Loại,Đơn vị cấp trên,Điện thoại\n\
             {PROVINCE},cơ quan,,\n{A},cơ quan,{PROVINCE},\n{B},cơ quan,{PROVINCE},\n\
             {SECTOR},cơ quan,{A},\n{A1},cơ quan,{SECTOR},0912345678\n{A2},cơ quan,{A},\n\
             {B1},cơ quan,{B},0987654321\n"
        ),
    )
    .unwrap();
    env.cli(&["unit", "import", list.to_str().unwrap()]);
}

async fn join(
    api: &FakeTelegram,
    env: &TestEnv,
    id: i64,
    name: &str,
    unit: &str,
    role: &str,
) -> Talk {
    let code = env.invite(unit, role);
    let mut talk = Talk::new(api, User::new(id, name, "Thử"));
    talk.say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    talk
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_act_on_the_units_below_their_own() {
    below_their_own(&TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_act_on_the_units_below_their_own_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_tree_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
    below_their_own(&env).await;
    support::load::drop_postgres(&server, &name).await;
}

async fn below_their_own(env: &TestEnv) {
    province(env);
    let api = FakeTelegram::start().await;
    let mut bot = env.run_at(&api, "2025-05-03T09:00:00+07:00");
    let mut prov = join(&api, env, 3001, "Tỉnh", PROVINCE, "staff").await;
    let mut staff_a = join(&api, env, 3002, "An Biên", A, "staff").await;
    let mut staff_b = join(&api, env, 3003, "Vĩnh Thuận", B, "staff").await;
    let mut chair_a1 = join(&api, env, 1001, "Lan", A1, "chair").await;
    let mut chair_b1 = join(&api, env, 1002, "Hoa", B1, "chair").await;

    // B1 registers a work: its district and the province hear of it, district A does not.
    chair_b1.register("Mái ấm công đoàn Vĩnh Thuận").await;
    staff_b.expect(B1).await;
    prov.expect(B1).await;

    // B1 hands in its report.
    chair_b1.say("/baocao").expect("Xin gửi tệp").await;
    chair_b1
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 bao cao")
        .expect("Đã nhận tệp")
        .await;
    let checklist = chair_b1
        .say("/boqua")
        .expect("Kiểm tra trước khi nộp")
        .await;
    chair_b1
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp Báo cáo tổng kết")
        .await;
    staff_b.expect("đã nộp Báo cáo tổng kết").await;
    prov.expect("đã nộp Báo cáo tổng kết").await;
    let heard: Vec<String> = staff_a.quiet().await.into_iter().map(|s| s.text).collect();
    assert!(heard.is_empty(), "district A heard of B's unit: {heard:?}");

    // District A's review list is empty; B's shows B1. A pressing B's button is refused.
    staff_a.say("/duyet").expect("Không có hồ sơ nào").await;
    let list = staff_b.say("/duyet").expect("Hồ sơ chờ duyệt").await;
    assert!(list.text.contains(B1), "{}", list.text);
    let approve = list.button("Duyệt 1");
    staff_a
        .press(&approve)
        .expect("không do Anh/Chị phụ trách")
        .await;
    staff_a
        .press(&list.button("Xem tệp 1"))
        .expect("không do Anh/Chị phụ trách")
        .await;
    staff_a
        .press(&list.button("Trả lại 1"))
        .expect("không do Anh/Chị phụ trách")
        .await;
    staff_b.press(&approve).expect("Đã duyệt").await;
    chair_b1.expect("LĐLĐ huyện duyệt").await;

    // Status: A sees its two units, the province all three and each district's figures.
    let mine = staff_a.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(mine.text.contains("0/2 đơn vị đã nộp"), "{}", mine.text);
    assert!(
        mine.text.contains(A1) && mine.text.contains(A2),
        "{}",
        mine.text
    );
    assert!(!mine.text.contains(B1), "{}", mine.text);
    assert!(
        mine.text.contains(&format!("• {SECTOR}: 0/1")),
        "{}",
        mine.text
    );
    let all = prov.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(all.text.contains("1/3 đơn vị đã nộp"), "{}", all.text);
    assert!(all.text.contains(&format!("• {A}: 0/2")), "{}", all.text);
    assert!(all.text.contains(&format!("• {B}: 1/1")), "{}", all.text);
    assert!(
        !all.text.contains(&format!("{A}: report")),
        "districts are not units to chase: {}",
        all.text
    );

    // The whole table as a spreadsheet: A's units only.
    let file = staff_a
        .press(&mine.button("Tải bảng"))
        .expect("Tình trạng nộp của 2 đơn vị")
        .await;
    let (name, bytes) = file.document.expect("a spreadsheet");
    assert!(
        name.starts_with("tinh-trang-") && name.ends_with(".xlsx"),
        "{name}"
    );
    let cells = sheet_text(&bytes);
    assert!(cells.contains(A1) && cells.contains(A2), "{cells}");
    assert!(!cells.contains(B1), "{cells}");
    // A file Telegram will not take: the person is told, never left waiting.
    api.fail_documents(true);
    staff_a
        .press(&mine.button("Tải bảng"))
        .expect("chưa gửi được tệp tinh-trang-")
        .await;
    api.fail_documents(false);
    // A chair has no such button to press.
    chair_a1.press("st").expect("Chỉ cán bộ").await;

    // A's announcement reaches A's chair only, signed by district A.
    staff_a.say("/thongbao").expect("nội dung thông báo").await;
    let menu = staff_a
        .say("Họp giao ban sáng thứ Hai")
        .expect("Gửi tới ai")
        .await;
    let everyone = menu.button("Tất cả chủ tịch CĐCS");
    let preview = staff_a.press(&everyone).expect("(1 người)").await;
    staff_a
        .press(&preview.button("Gửi"))
        .expect("tới 1 người")
        .await;
    chair_a1.expect(&format!("Thông báo của {A}")).await;
    let b_got: Vec<String> = chair_b1.quiet().await.into_iter().map(|s| s.text).collect();
    assert!(
        b_got.iter().all(|t| !t.contains("Họp giao ban")),
        "{b_got:?}"
    );

    bot.terminate();

    // After the report's deadline each federation's staff get one digest of their own
    // units; the province's counts both districts.
    let db = thidua::store::connect(&env.database_url()).await.unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2025-05-06T07:00:30+07:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    thidua::scheduler::tick(&db, at).await.unwrap();
    let mut conn = db.read().await.unwrap();
    let digest = |chat: &'static str| {
        let sql = format!(
            "SELECT body FROM outbox WHERE chat_id = '{chat}' AND body LIKE '%Đã quá hạn%'"
        );
        sqlx::query_scalar::<_, String>(Box::leak(sql.into_boxed_str()))
    };
    let of = |rows: Vec<String>| -> String {
        assert_eq!(rows.len(), 1, "one digest each: {rows:?}");
        rows[0].clone()
    };
    let a = of(digest("3002").fetch_all(&mut *conn).await.unwrap());
    assert!(a.contains("Còn 2/2 đơn vị"), "{a}");
    let b = digest("3003").fetch_all(&mut *conn).await.unwrap();
    assert!(b.is_empty(), "B's only unit handed in: {b:?}");
    let p = of(digest("3001").fetch_all(&mut *conn).await.unwrap());
    assert!(p.contains("Còn 2/3 đơn vị"), "{p}");
    assert!(
        p.contains(&format!("• {A}: 0/2")) && p.contains(&format!("• {B}: 1/1")),
        "{p}"
    );
}

/// Every text cell of the first sheet, one per line.
fn sheet_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Without any parent, the one district of today's deployment still sees every unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_without_a_tree_sees_every_unit() {
    let env = TestEnv::new();
    for u in [A, A1, B1] {
        env.cli(&["unit", "add", u]);
    }
    let api = FakeTelegram::start().await;
    let mut bot = env.run_at(&api, "2025-05-03T09:00:00+07:00");
    let mut staff = join(&api, &env, 3002, "An Biên", A, "staff").await;
    let table = staff.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(table.text.contains("0/2 đơn vị đã nộp"), "{}", table.text);
    assert!(
        !table.text.contains('•'),
        "no districts to roll up: {}",
        table.text
    );
    let mut chair = join(&api, &env, 1002, "Hoa", B1, "chair").await;
    chair.register("Mái ấm công đoàn").await;
    staff.expect(B1).await;
    bot.terminate();
}
