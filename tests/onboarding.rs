//! A province hands out its codes in one go: `thidua invite --all` writes one chair's
//! code and link per unit into a spreadsheet, and each code works.

mod support;

use calamine::{open_workbook, Reader, Xlsx};
use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unit_gets_a_code_in_one_spreadsheet() {
    let env = TestEnv::new();
    for name in ["CĐCS Trường A", "CĐCS Trường B", "CĐCS Trạm Y tế"] {
        env.cli(&["unit", "add", name]);
    }
    let out = env.dir.path().join("ma-moi.xlsx");
    let said = env.cli(&[
        "invite",
        "--all",
        "--role",
        "chair",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("3 mã mời"), "{said}");

    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("Mã mời").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][..2], ["Đơn vị".to_string(), "Mã mời".to_string()]);
    assert_eq!(rows.len(), 4, "{rows:?}");
    let mut codes: Vec<&String> = rows[1..].iter().map(|r| &r[1]).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 3, "{rows:?}");

    // A second run never overwrites the file, and staff codes are made one by one.
    assert!(!env
        .cli_raw(&[
            "invite",
            "--all",
            "--role",
            "chair",
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success());
    let staff = env.cli_raw(&["invite", "--all", "--role", "staff", "--out", "x.xlsx"]);
    assert!(!staff.status.success());
    assert!(!env
        .cli_raw(&["invite", "--all", "--role", "chair"])
        .status
        .success());

    let api = FakeTelegram::start().await;
    let _bot = env.run_bot(&api);
    let row = rows.iter().find(|r| r[0] == "CĐCS Trạm Y tế").unwrap();
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "A"));
    let welcome = chair
        .say(&format!("/start {}", row[1]))
        .expect("Chào mừng")
        .await;
    assert!(welcome.text.contains("CĐCS Trạm Y tế"), "{}", welcome.text);
}

#[test]
fn a_provinces_list_is_imported_whole_or_not_at_all() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "LĐLĐ tỉnh Kiên Giang"]);
    let bad = env.dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        "Tên đơn vị,Loại,Đơn vị cấp trên,Điện thoại\n\
         LĐLĐ huyện Vĩnh Thuận,cơ quan,LĐLĐ tỉnh Kiên Giang,\n\
         CĐCS Trường A,,LĐLĐ huyện Vĩnh Thuận,0912 345 678\n\
         CĐCS Công ty B,xyz,LĐLĐ huyện Vĩnh Thuận,\n\
         CĐCS Trường A,,,\n",
    )
    .unwrap();
    let out = env.cli_raw(&["unit", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dòng 4: loại «xyz»"), "{err}");
    assert!(
        err.contains("dòng 5: đơn vị «CĐCS Trường A» đã có"),
        "{err}"
    );
    assert!(err.contains("Không nhập đơn vị nào: có 2 lỗi"), "{err}");
    assert!(!env.cli(&["unit", "list"]).contains("Trường A"));

    // The same list fixed, as a spreadsheet.
    let good = env.dir.path().join("dung.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["Tên đơn vị", "Loại", "Đơn vị cấp trên", "Điện thoại"],
        [
            "LĐLĐ huyện Vĩnh Thuận",
            "cơ quan",
            "LĐLĐ tỉnh Kiên Giang",
            "",
        ],
        ["CĐCS Trường A", "", "LĐLĐ huyện Vĩnh Thuận", "0912 345 678"],
        [
            "CĐCS Công ty B",
            "doanh nghiệp",
            "LĐLĐ huyện Vĩnh Thuận",
            "b@ctyb.vn",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(&good).unwrap();
    let said = env.cli(&["unit", "import", good.to_str().unwrap()]);
    assert!(said.contains("Đã nhập 3 đơn vị"), "{said}");
    let list = env.cli(&["unit", "list"]);
    assert!(list.contains("CĐCS Công ty B\tenterprise"), "{list}");
}
