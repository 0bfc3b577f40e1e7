//! The desk in a real browser: headless Chromium (through chromedriver) against the real
//! binary, a real SQLite file and the fake Telegram. A district's staff member asks
//! `/web` in the chat, opens the link, sees their district's units (not another
//! district's), opens a unit by its link, approves one submission and returns the other
//! with a reason typed into the page (shown once more before it goes); the chair is told
//! both in the chat. Then what is refused: the used link, an expired link, a form without
//! its CSRF token, and another district's unit, submission and file.
//!
//! Then the overview, the registrations and the activity log, and an announcement to the
//! chairs missing the report: composed, previewed, sent, its delivery report.
//!
//! Screenshots land in `target/web-screens/` (grid.png, unit.png, return-confirm.png,
//! overview.png, registrations.png, activity.png, announce-preview.png,
//! announce-report.png, announcements.png, refused.png). Without Chromium and chromedriver the test says it was skipped, unless
//! `THIDUA_REQUIRE_CHROMIUM=1`.

mod support;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use support::browser::Browser;
use support::fake_telegram::{FakeTelegram, User};
use support::link_in;
use support::{Talk, TestEnv};

const PROVINCE: &str = "LĐLĐ tỉnh Kiên Giang";
const DISTRICT_A: &str = "LĐLĐ huyện Vĩnh Thuận";
const DISTRICT_B: &str = "LĐLĐ huyện An Biên";
const SCHOOL_A: &str = "CĐCS Trường THCS Vĩnh Thuận";
const CLINIC_A: &str = "CĐCS Trạm Y tế xã Vĩnh Bình";
const SCHOOL_B: &str = "CĐCS Trường THCS An Biên";

const REPORT: &str = "Báo cáo tổng kết phong trào thi đua";
const DOSSIER: &str = "Hồ sơ trình đề nghị khen thưởng";
const REASON: &str = "Thiếu chữ ký của chủ tịch trên biên bản";
const WORK: &str = "Vườn thuốc nam cho trạm y tế";
const ANNOUNCEMENT: &str = "Kính gửi các CĐCS: hạn nộp báo cáo tổng kết là ngày 15/12.";

// The pages' words (locales/vi.yml), as a person reads them.
const LINK_REFUSED: &str = "Đường link này đã được dùng hoặc đã hết hạn";
const NOT_YOURS: &str = "không thuộc LĐLĐ của Anh/Chị";
const BAD_FORM: &str = "Biểu mẫu không hợp lệ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_reviews_a_unit_in_chromium() {
    let started = Instant::now();
    let Some(browser) = Browser::start().await else {
        return;
    };
    let env = TestEnv::new();
    env.tree(&[
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (CLINIC_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ]);
    let staff_code = env.invite(DISTRICT_A, "staff");
    let chair_code = env.invite(SCHOOL_A, "chair");
    let chair_b_code = env.invite(SCHOOL_B, "chair");
    let clinic_code = env.invite(CLINIC_A, "chair");

    // The bot's clock runs ahead of the real one by more than a link's life, so a link
    // the operator's command line makes now (on the real clock) is, to the bot, already
    // expired; links the bot makes itself are fresh.
    let ahead = thidua::ops::web::LINK_LIFE + chrono::TimeDelta::minutes(5);
    let now = (chrono::Utc::now() + ahead).to_rfc3339();
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut bot = env.spawn_with(
        &["run", "--now", &now],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
            ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
            ("THIDUA_PUBLIC_URL", format!("{base}/")),
        ],
    );
    let mut staff = Talk::new(&api, User::new(2001, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {chair_code}"))
        .expect("Chào mừng")
        .await;
    let mut chair_b = Talk::new(&api, User::new(1002, "Hùng", "Trần Văn"));
    chair_b
        .say(&format!("/start {chair_b_code}"))
        .expect("Chào mừng")
        .await;

    let mut clinic = Talk::new(&api, User::new(1003, "Mai", "Phạm Thị"));
    clinic
        .say(&format!("/start {clinic_code}"))
        .expect("Chào mừng")
        .await;
    clinic.register(WORK).await;

    // Two submissions to review (the report, the award dossier), and one in district B.
    hand_in_report(&mut chair).await;
    hand_in_dossier(&mut chair).await;
    hand_in_report(&mut chair_b).await;
    let expired = {
        let made = env.cli_with(
            &[("THIDUA_PUBLIC_URL", base.clone())],
            &["web", "link", "--unit", DISTRICT_A],
        );
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        link_in(&String::from_utf8_lossy(&made.stdout))
    };

    // 1. The link from the chat opens the grid: district A's units, not district B's.
    let link = link_in(&staff.say("/web").expect("dùng một lần").await.text);
    assert!(link.starts_with(&format!("{base}/web/in/")), "{link}");
    browser.open_link(&link).await;
    browser.find("table tbody tr", "the grid's rows").await;
    let grid = browser.wait_for_text(SCHOOL_A).await;
    assert!(grid.contains(CLINIC_A), "district A's other unit: {grid}");
    assert!(!grid.contains(SCHOOL_B), "district B's unit shown: {grid}");
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/web", "the link goes on to the grid");
    browser.screenshot("grid.png").await;
    let session = format!("thidua_session={}", browser.cookie("thidua_session").await);

    // 2. The unit, by clicking its link.
    browser
        .wait_for(Locator::LinkText(SCHOOL_A), "the unit's link in the grid")
        .await
        .click()
        .await
        .unwrap();
    browser.find("main h1", "the unit's page").await;
    browser.wait_for_text("Báo cáo và hồ sơ đã nộp").await;
    let unit_url = browser.client.current_url().await.unwrap().to_string();
    assert!(unit_url.contains("/web/unit/"), "{unit_url}");
    let page = browser.text().await;
    assert!(
        page.contains("to-trinh.docx") && page.contains("bao-cao.pdf"),
        "{page}"
    );
    browser.screenshot("unit.png").await;

    // A form whose CSRF token was taken out is refused, and nothing is decided.
    let approve_dossier = section_form(DOSSIER, "approve");
    let approve = browser
        .wait_for(Locator::XPath(&approve_dossier), "the dossier's Duyệt form")
        .await;
    browser
        .run(
            "arguments[0].querySelector('input[name=csrf]').remove();",
            vec![serde_json::to_value(&approve).unwrap()],
        )
        .await;
    approve
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Refused before anything is decided, with the page's own 403.
    browser
        .wait_for_path("/approve", "the answer to the form")
        .await;
    let status = browser.status().await;
    assert_eq!(status, 403, "no CSRF token\n{}", browser.where_am_i().await);
    browser.wait_for_text(BAD_FORM).await;
    // A wrong token, sent with the browser's cookie: the page's 403.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let action = approve_action(&browser, &unit_url, DOSSIER).await;
    let forged = http
        .post(format!("{base}{action}"))
        .header("cookie", &session)
        .form(&[("csrf", "0".repeat(32))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403, "a wrong CSRF token");
    assert!(forged.text().await.unwrap().contains(BAD_FORM));

    // Approve the report, by its button.
    browser.goto(&unit_url).await;
    browser
        .wait_for(
            Locator::XPath(&format!("{}//button", section_form(REPORT, "approve"))),
            "the report's Duyệt button",
        )
        .await
        .click()
        .await
        .unwrap();
    browser.find("main h1", "the unit's page again").await;
    let report_left = format!("{}//form", section(REPORT));
    wait_gone(&browser, &report_left, "the report's forms, once approved").await;
    chair.expect("đã được LĐLĐ huyện duyệt").await;

    // Return the dossier with a reason: shown once more, then it goes.
    browser
        .wait_for(
            Locator::XPath(&format!(
                "{}//textarea[@name='reason']",
                section_form(DOSSIER, "return")
            )),
            "the dossier's reason field",
        )
        .await
        .send_keys(REASON)
        .await
        .unwrap();
    browser
        .wait_for(
            Locator::XPath(&format!("{}//button", section_form(DOSSIER, "return"))),
            "the dossier's Trả lại button",
        )
        .await
        .click()
        .await
        .unwrap();
    let quoted = browser
        .find("main blockquote", "the reason shown again")
        .await;
    assert_eq!(quoted.text().await.unwrap(), REASON);
    assert!(
        chair.quiet().await.is_empty(),
        "nothing sent before it is confirmed"
    );
    browser.screenshot("return-confirm.png").await;
    browser
        .find("main form button", "the confirm button")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Báo cáo và hồ sơ đã nộp").await;
    wait_gone(
        &browser,
        "//main//form",
        "the unit's review forms, all decided",
    )
    .await;
    chair.expect(&format!("bị trả lại: {REASON}")).await;

    // The desk's other pages, and an announcement to the chairs missing the report.
    the_other_pages(&browser, &base).await;
    announce(&browser, &base, &mut clinic, &mut chair).await;

    // 3. What is refused. The used link:
    browser.open_link(&link).await;
    browser.wait_for_text(LINK_REFUSED).await;
    assert_eq!(browser.status().await, 403, "the used link");
    browser.screenshot("refused.png").await;
    // A link made longer ago than a link lives (the operator's, on the real clock):
    browser.open_link(&expired).await;
    browser.wait_for_text(LINK_REFUSED).await;
    assert_eq!(browser.status().await, 403, "the expired link");
    // Another district's unit, its submission and its file, with this session.
    let unit_b = unit_id(&env, SCHOOL_B);
    browser.goto(&format!("{base}/web/unit/{unit_b}")).await;
    browser.wait_for_text(NOT_YOURS).await;
    assert_eq!(browser.status().await, 403, "district B's unit");
    let sub_b = submission_of(&env, unit_b).await;
    let file = http
        .get(format!("{base}/web/submission/{sub_b}/file/0"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 403, "district B's file");
    browser.goto(&unit_url).await;
    let csrf = browser
        .find("header input[name=csrf]", "the sign-out form's token")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    for decision in ["approve", "return"] {
        let r = http
            .post(format!("{base}/web/submission/{sub_b}/{decision}"))
            .header("cookie", &session)
            .form(&[
                ("csrf", csrf.as_str()),
                ("reason", "x"),
                ("confirmed", "true"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "district B's submission: {decision}");
    }
    let told_b = chair_b.quiet().await;
    assert!(
        told_b
            .iter()
            .all(|m| !m.text.contains("duyệt") && !m.text.contains("trả lại")),
        "district B's chair was told: {:?}",
        told_b.iter().map(|m| &m.text).collect::<Vec<_>>()
    );

    browser.close().await;
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
    eprintln!("browser test took {:?}", started.elapsed());
}

/// The overview, the registrations and the activity log, as they look.
async fn the_other_pages(browser: &Browser, base: &str) {
    for (path, says, png) in [
        (
            "/web/overview",
            "Tình hình nộp theo từng hạn",
            "overview.png",
        ),
        ("/web/registrations", WORK, "registrations.png"),
        ("/web/activity", "Trả lại", "activity.png"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        browser.wait_for_text(says).await;
        assert_eq!(browser.status().await, 200, "{path}");
        browser.screenshot(png).await;
    }
}

/// From the nav's "Thông báo": the text typed, "Chưa nộp báo cáo" chosen (the clinic's
/// one chair, its count shown), the preview, "Gửi", the delivery report; the clinic's
/// chair gets it in the chat, the school's (its report handed in) does not.
async fn announce(browser: &Browser, base: &str, clinic: &mut Talk, school: &mut Talk) {
    browser.goto(&format!("{base}/web")).await;
    browser
        .wait_for(Locator::LinkText("Thông báo"), "the nav's Thông báo")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Soạn thông báo mới").await;
    browser
        .find("textarea[name=text]", "the announcement's text")
        .await
        .send_keys(&format!("{ANNOUNCEMENT}\nXin các đồng chí nộp đúng hạn."))
        .await
        .unwrap();
    let missing = "//label[input[@value='missing-report']]";
    let label = browser
        .wait_for(Locator::XPath(missing), "the audience «Chưa nộp báo cáo»")
        .await;
    assert_eq!(label.text().await.unwrap(), "Chưa nộp báo cáo (1 người)");
    label.click().await.unwrap();
    browser
        .wait_for(
            Locator::XPath("//button[normalize-space() = 'Xem trước']"),
            "Xem trước",
        )
        .await
        .click()
        .await
        .unwrap();
    let preview = browser.wait_for_text("Chưa nộp báo cáo — 1 người").await;
    assert!(
        preview.contains("📢 Thông báo của LĐLĐ huyện Vĩnh Thuận")
            && preview.contains(ANNOUNCEMENT),
        "{preview}"
    );
    browser.screenshot("announce-preview.png").await;
    assert!(clinic.quiet().await.is_empty(), "nothing sent on a preview");
    browser
        .find("form[action='/web/announcements/send'] button", "Gửi")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Người nhận").await;
    let url = browser.client.current_url().await.unwrap().to_string();
    assert!(url.contains("/web/announcement/"), "{url}");
    let got = clinic.expect(ANNOUNCEMENT).await;
    assert!(got.text.contains("nộp đúng hạn"), "{}", got.text);
    clinic
        .press(&got.button("Đã nhận"))
        .expect("đã ghi nhận")
        .await;
    // The report, read again until the chair's "Đã nhận" is in it.
    let deadline = Instant::now() + support::browser::WAIT;
    loop {
        browser.goto(&url).await;
        let page = browser.wait_for_text("Người nhận").await;
        if page.contains("1 Đã nhận") {
            assert!(
                page.contains(CLINIC_A) && !page.contains(SCHOOL_A),
                "{page}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no Đã nhận: {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    browser.screenshot("announce-report.png").await;
    browser
        .wait_for(
            Locator::LinkText("« Về danh sách thông báo"),
            "the way back to the list",
        )
        .await
        .click()
        .await
        .unwrap();
    let list = browser.wait_for_text("Thông báo đã gửi").await;
    assert!(list.contains(ANNOUNCEMENT), "{list}");
    browser.screenshot("announcements.png").await;
    let told = school.quiet().await;
    assert!(
        told.iter().all(|m| !m.text.contains(ANNOUNCEMENT)),
        "the school handed its report in"
    );
}

/// `/baocao`: one PDF, no note, handed in.
async fn hand_in_report(chair: &mut Talk) {
    chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    chair
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 bao cao")
        .expect("Ghi chú")
        .await;
    let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair.press(&checklist.button("Nộp")).expect("Đã nộp").await;
}

/// `/hoso`: the three documents, no note, handed in.
async fn hand_in_dossier(chair: &mut Talk) {
    chair.say("/hoso").expect("(1/4) Xin gửi tệp").await;
    chair
        .document(
            "to-trinh.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 word",
        )
        .expect("(2/4)")
        .await;
    chair
        .document("bien-ban.pdf", "application/pdf", b"%PDF-1.4 bien ban")
        .expect("(3/4)")
        .await;
    chair
        .document("thanh-tich.jpg", "image/jpeg", b"\xff\xd8\xff jpeg")
        .expect("Ghi chú")
        .await;
    let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp Hồ sơ")
        .await;
}

/// The unit page's section of the deadline titled `title` (XPath).
fn section(title: &str) -> String {
    format!("//section[h3[contains(., '{title}')]]")
}

/// Its form whose action ends in `/decision` (XPath).
fn section_form(title: &str, decision: &str) -> String {
    format!(
        "{}//form[substring(@action, string-length(@action) - {}) = '/{decision}']",
        section(title),
        decision.len()
    )
}

/// The action of the deadline's Duyệt form on the unit page, read afresh.
async fn approve_action(browser: &Browser, unit_url: &str, title: &str) -> String {
    browser.goto(unit_url).await;
    browser
        .wait_for(
            Locator::XPath(&section_form(title, "approve")),
            "the Duyệt form",
        )
        .await
        .attr("action")
        .await
        .unwrap()
        .expect("a form's action")
}

/// Waits until nothing matches `xpath` on the page.
async fn wait_gone(browser: &Browser, xpath: &str, what: &str) {
    let deadline = Instant::now() + support::browser::WAIT;
    loop {
        let found = browser.client.find_all(Locator::XPath(xpath)).await;
        if found.is_ok_and(|f| f.is_empty()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "expected {what} to be gone\n{}",
            browser.where_am_i().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A unit's id, from `thidua unit list`.
fn unit_id(env: &TestEnv, name: &str) -> i64 {
    let units = env.cli(&["unit", "list"]);
    units
        .lines()
        .find(|l| l.contains(&format!("\t{name}\t")))
        .and_then(|l| l.split('\t').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no unit {name} in {units}"))
}

/// The id of the unit's one submission, read from the database.
async fn submission_of(env: &TestEnv, unit: i64) -> i64 {
    let db = thidua::store::connect(&env.database_url()).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM submissions WHERE unit_id = $1")
        .bind(unit)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;
    id
}
