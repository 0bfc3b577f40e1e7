//! The paper as a clerk sees it: every Word and Excel file thidua writes, printed to
//! PDF by LibreOffice (headless, Liberation Serif 2 standing in for Times New Roman)
//! and read back with its layout (`pdftotext -layout`). A long issuer and a long unit
//! name, a district of 60 units: the Quốc hiệu stays on one line, a form is one page,
//! no amount or date is split, a table's header row is on every page it spans, the
//! works table lies in landscape, every spreadsheet prints one page wide.
//!
//! Without `soffice` the test says it was skipped; `.ci/run` installs it and sets
//! THIDUA_REQUIRE_SOFFICE, so there it cannot be skipped.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::TestEnv;
use thidua::domain::registration::field::BENEFIT_SOCIAL;

const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";
/// 60 characters: a long grassroots union's name, as a province has them.
const LONG_UNIT: &str = "CĐCS Công ty TNHH Chế biến Thủy sản Xuất khẩu Vĩnh Thuận Mới";
const WORK: &str = "Mô hình nuôi tôm sạch kết hợp trồng rừng ngập mặn cho con đoàn viên";

/// A file printed: its pages' text, and whether the pages lie in landscape.
struct Printed {
    pages: Vec<String>,
    landscape: bool,
}

impl Printed {
    fn text(&self) -> String {
        self.pages.join("\n")
    }

    /// The lines of the printed text, each trimmed.
    fn lines(&self) -> Vec<String> {
        self.text().lines().map(|l| l.trim().to_string()).collect()
    }
}

fn has(tool: &str, version: &str) -> bool {
    Command::new(tool)
        .arg(version)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Prints every file to PDF in one LibreOffice run (its own profile, so tests running
/// at once do not share one), then reads each back.
fn print(files: &[PathBuf], dir: &Path) -> Vec<Printed> {
    let out = dir.join("pdf");
    let profile = format!("file://{}", dir.join("lo-profile").display());
    let done = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(files)
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.with_extension("pdf").file_name().unwrap());
            let text = Command::new("pdftotext")
                .args(["-layout"])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
            let info = String::from_utf8(info.stdout).unwrap();
            let size = info
                .lines()
                .find(|l| l.starts_with("Page size:"))
                .unwrap()
                .to_string();
            let dims: Vec<f64> = size
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            let text = String::from_utf8(text.stdout).unwrap();
            Printed {
                pages: text
                    .split('\u{c}')
                    .filter(|p| !p.trim().is_empty())
                    .map(String::from)
                    .collect(),
                landscape: dims[0] > dims[1],
            }
        })
        .collect()
}

/// A district of 60 units, each with a work (59 written straight into the database),
/// the long-named one with a chair who registered on the console and opened the
/// dossier (which writes the works table).
fn district(env: &TestEnv) {
    env.cli(&[
        "campaign",
        "load",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/campaign-vinh-thuan-2025.toml"
        ),
    ]);
    env.cli(&["unit", "add", DISTRICT]);
    let parent = ["--parent", DISTRICT, "--kind", "enterprise"];
    env.cli(&[&["unit", "add", LONG_UNIT][..], &parent[..]].concat());
    let code = env.invite(LONG_UNIT, "chair");
    let mut lines = vec![
        code.as_str(),
        "Nguyễn Thị Hoa",
        "/dangky",
        "3",
        WORK,
        "15/1/2025",
        "30/6/2025",
        "Xây dựng mô hình, tập huấn đoàn viên, theo dõi và nhân rộng",
        "250 triệu",
        "Tiết kiệm 20 triệu đồng mỗi năm",
        "Giúp 30 đoàn viên có việc làm",
    ];
    lines.extend(vec!["1"; support::items_after(BENEFIT_SOCIAL)]);
    // The dossier offers the report's draft; the chair writes it, skipping one part.
    lines.extend([
        "1",
        "/hoso",
        "/baocaothanhtich",
        "Công đoàn có 120 đoàn viên, chủ yếu là công nhân chế biến.",
        "/boqua",
        "Tổ chức 12 buổi tập huấn; 100% đoàn viên tham gia phong trào.",
        "Phối hợp với chuyên môn, giao chỉ tiêu cho từng tổ.",
        "Năm 2024: Giấy khen của LĐLĐ huyện.",
        "1",
    ]);
    let said = support::console(env, &lines);
    assert!(said.contains("Đã nhận đăng ký số 001/ĐK"), "{said}");
    assert!(
        said.contains("Gõ /baocaothanhtich"),
        "the dossier offers the draft: {said}"
    );
    assert!(said.contains("Bản nháp Báo cáo thành tích"), "{said}");
    assert_eq!(support::raw_keys(&said), Vec::<String>::new(), "{said}");
    support::seed_chairs_sync(env, 59);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = thidua::store::connect(&env.database_url()).await.unwrap();
        let mut tx = db.pool.begin().await.unwrap();
        let campaign: i64 = sqlx::query_scalar("SELECT MAX(id) FROM campaigns")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        support::load::seed_registrations_after(&mut tx, campaign, 1).await;
        tx.commit().await.unwrap();
        db.pool.close().await;
    });
}

/// Every paper of the district, written the ways a clerk gets them.
fn papers(env: &TestEnv) -> Vec<PathBuf> {
    let dir = env.dir.path();
    let at = |name: &str| dir.join(name).to_str().unwrap().to_string();
    env.cli(&["export", "forms", "--out", &at("forms")]);
    env.cli(&[
        "export",
        "summary",
        "--format",
        "docx",
        "--out",
        &at("summary.docx"),
    ]);
    env.cli(&[
        "export",
        "summary",
        "--format",
        "xlsx",
        "--out",
        &at("summary-sheet.xlsx"),
    ]);
    env.cli(&[
        "export",
        "registrations",
        "--format",
        "xlsx",
        "--out",
        &at("registrations.xlsx"),
    ]);
    env.cli(&["export", "status", "--out", &at("status.xlsx")]);
    env.cli(&[
        "invite",
        "--all",
        "--role",
        "chair",
        "--out",
        &at("invites.xlsx"),
    ]);
    env.cli(&["export", "reports", "--out", &at("reports")]);
    let drafts = std::fs::read_dir(dir.join("reports")).unwrap().count();
    assert_eq!(drafts, 60, "one draft per unit");
    let form = dir
        .join("forms")
        .join("001-DK-cdcs-cong-ty-tnhh-che-bien-thuy-san-xuat-khau-vinh-thuan-moi.docx");
    let written = |part: &str| {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(part))
            .unwrap_or_else(|| panic!("no {part}… written by the chat"))
    };
    let annex = written("cong-trinh-va-ket-qua");
    let report = written("bao-cao-thanh-tich");
    vec![
        form,
        dir.join("summary.docx"),
        annex,
        report,
        dir.join("summary-sheet.xlsx"),
        dir.join("registrations.xlsx"),
        dir.join("status.xlsx"),
        dir.join("invites.xlsx"),
    ]
}

#[test]
fn every_paper_prints_as_a_clerk_would_file_it() {
    if !has("soffice", "--version") || !has("pdftotext", "-v") {
        // CI installs both and says so: there a missing tool is a failure.
        let required = std::env::var_os("THIDUA_REQUIRE_SOFFICE").is_some();
        assert!(!required, "soffice and pdftotext are required here");
        eprintln!("skipped: LibreOffice (soffice) or pdftotext is not installed");
        return;
    }
    let env = TestEnv::new();
    district(&env);
    let files = papers(&env);
    let printed = print(&files, env.dir.path());
    let [form, summary, annex, report, sheets @ ..] = printed.as_slice() else {
        unreachable!()
    };
    check_form(form);
    check_summary(summary);
    check_annex(annex);
    check_report(report);
    for (sheet, file) in sheets.iter().zip(&files[4..]) {
        assert!(sheet.landscape, "{file:?} prints in portrait");
        // One page wide: every header cell is on the first page's first lines.
        let first = sheet.pages[0].lines().take(4).collect::<Vec<_>>().join(" ");
        assert!(!first.trim().is_empty(), "{file:?}: {}", sheet.text());
    }
    let status = &sheets[2];
    assert!(
        status.pages.len() > 1,
        "60 units on one page? {}",
        status.text()
    );
    for page in &status.pages {
        assert!(
            page.contains("Đơn vị"),
            "the header row is not repeated:\n{page}"
        );
    }
}

fn check_form(form: &Printed) {
    let lines = form.lines();
    assert_eq!(form.pages.len(), 1, "a form is one page:\n{}", form.text());
    for whole in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(whole)),
            "«{whole}» is not on one line:\n{}",
            form.text()
        );
    }
    let text = form.text();
    assert!(text.contains("Số: 001/ĐK-CĐCS"), "{text}");
    for unbroken in ["15/01/2025", "30/06/2025", "250.000.000 đồng"] {
        assert!(text.contains(unbroken), "«{unbroken}» is split:\n{text}");
    }
    // Item 1 is the name as typed: no "(mô hình)" after it.
    assert!(!text.contains("(mô hình)"), "{text}");
    assert!(text.contains("Nguyễn Thị Hoa"), "{text}");
}

fn check_summary(summary: &Printed) {
    let text = summary.text();
    assert!(summary.pages.len() > 1, "60 units: {text}");
    for page in &summary.pages {
        assert!(
            page.contains("STT"),
            "the header row is not repeated:\n{page}"
        );
    }
    let lines = summary.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("(SẢN PHẨM, MÔ HÌNH, CHƯƠNG TRÌNH) THI ĐUA")),
        "the title breaks:\n{text}"
    );
    assert!(lines
        .iter()
        .any(|l| l.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")));
    for part in [
        "Tính đến ngày",
        "Vĩnh Thuận, ngày",
        "TM. BAN THƯỜNG VỤ",
        "Lê Kim Thoa",
    ] {
        assert!(text.contains(part), "«{part}» missing:\n{text}");
    }
    assert!(text.contains("250.000.000"), "{text}");
}

fn check_annex(annex: &Printed) {
    let text = annex.text();
    assert!(annex.landscape, "the works table is portrait:\n{text}");
    for unbroken in ["15/01/2025", "30/06/2025", "250.000.000"] {
        assert!(text.contains(unbroken), "«{unbroken}» is split:\n{text}");
    }
    assert!(!text.contains("Bảng do bot"), "{text}");
    assert!(text.contains("STT"), "a header breaks:\n{text}");
    // Nobody reported an actual value: the total's cell is empty, not "0".
    let total = annex
        .lines()
        .into_iter()
        .find(|l| l.contains("Tổng cộng"))
        .unwrap();
    assert!(!total.ends_with(" 0"), "{total}");
}

fn check_report(report: &Printed) {
    let text = report.text();
    let lines = report.lines();
    for whole in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO THÀNH TÍCH",
        "I. THÔNG TIN CHUNG",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(whole)),
            "«{whole}»:\n{text}"
        );
    }
    // The chair's words, the skipped part left to write by hand, the facts.
    for part in [
        "120 đoàn viên",
        "Năm 2024: Giấy khen",
        "……………",
        "- Đơn vị cấp trên: Liên đoàn Lao động huyện Vĩnh Thuận",
        "15/01/2025",
        "250.000.000",
        "(Bằng chữ: Hai trăm",
        "Bằng khen",
        "STT",
        "Nguyễn Thị Hoa",
    ] {
        assert!(text.contains(part), "«{part}» missing or split:\n{text}");
    }
    assert!(!text.contains("Mẫu số 08"), "{text}");
}
