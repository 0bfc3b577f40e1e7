//! The desk pages over HTTP, against the real binary: a staff member asks `/web` in the
//! fake Telegram, opens the one-time link, sees the units below their federation (and
//! not another district's), and signs out; a link works once, a page without a session
//! or a form without its CSRF token is refused, and every answer carries the security
//! headers.

mod support;

use std::time::Duration;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const PROVINCE: &str = "LĐLĐ tỉnh Kiên Giang";
const DISTRICT_A: &str = "LĐLĐ huyện Vĩnh Thuận";
const DISTRICT_B: &str = "LĐLĐ huyện An Biên";
const SCHOOL_A: &str = "CĐCS Trường THCS Vĩnh Thuận";
const SCHOOL_B: &str = "CĐCS Trường THCS An Biên";

/// The link in the bot's answer.
fn link_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_string()
}

/// The session cookie a response sets ("thidua_session=…"), with its attributes.
fn set_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_signs_in_from_a_one_time_link_and_sees_only_their_units() {
    the_desk(&TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_web_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
    the_desk(&env).await;
    support::load::drop_postgres(&server, &name).await;
}

async fn the_desk(env: &TestEnv) {
    for (unit, parent) in [
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ] {
        let mut args = vec!["unit", "add", unit];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        env.cli(&args);
    }
    let staff_code = env.invite(DISTRICT_A, "staff");
    let chair_code = env.invite(SCHOOL_A, "chair");
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut bot = env.spawn(&[
        ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", format!("{base}/")),
    ]);
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

    // A chair has no desk; the chair hands in the report (a PDF).
    chair.say("/web").expect("dành cho cán bộ").await;
    chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    let pdf = b"%PDF-1.4 bao cao tong ket".to_vec();
    chair
        .document("bao-cáo tổng kết.pdf", "application/pdf", &pdf)
        .expect("Ghi chú")
        .await;
    let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair.press(&checklist.button("Nộp")).expect("Đã nộp").await;
    let said = staff.say("/web").expect("dùng một lần").await;
    let link = link_in(&said.text);
    assert!(link.starts_with(&format!("{base}/web/in/")), "{link}");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // Without a session: nothing but the way in.
    let bare = http.get(format!("{base}/web")).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    for (name, value) in [
        ("content-security-policy", "default-src 'self'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        let got = bare.headers().get(name).unwrap().to_str().unwrap();
        assert!(got.contains(value), "{name}: {got}");
    }

    // Opening the link (as a chat app's preview does) uses nothing: the page has one
    // button, and pressing it signs in.
    let preview = http.get(&link).send().await.unwrap();
    assert_eq!(preview.status(), 200);
    assert!(preview.headers().get("set-cookie").is_none());
    let page = preview.text().await.unwrap();
    let path = link.trim_start_matches(&base);
    assert!(page.contains(&format!("action=\"{path}\"")), "{page}");
    let opened = http.post(&link).send().await.unwrap();
    assert_eq!(opened.status(), 303, "{}", bot.log_text());
    let cookie = set_cookie(&opened);
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/web"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let session = cookie.split(';').next().unwrap().to_string();

    let page = http
        .get(format!("{base}/web"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(SCHOOL_A), "{html}");
    assert!(!html.contains(SCHOOL_B), "another district's unit: {html}");
    assert!(
        html.contains("Báo cáo tổng kết phong trào thi đua"),
        "{html}"
    );
    assert!(
        html.contains("Chưa nộp") && html.contains("Đã nộp"),
        "{html}"
    );
    review_on_the_unit_page(&http, &base, &session, &html, &pdf, &mut chair).await;
    let units = env.cli(&["unit", "list"]);
    let id_of = |name: &str| {
        units
            .lines()
            .find(|l| l.contains(&format!("\t{name}\t")))
            .and_then(|l| l.split('\t').next())
            .unwrap()
            .to_string()
    };
    let other = http
        .get(format!("{base}/web/unit/{}", id_of(SCHOOL_B)))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403, "another district's unit");

    // Filters: a name typed without diacritics, a deadline's state; a district outside
    // the member's federation is not a way out of it.
    let grid = |query: String| {
        let (http, session) = (http.clone(), session.clone());
        let url = format!("{base}/web?{query}");
        async move {
            let r = http
                .get(url)
                .header("cookie", session)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
    };
    let found = grid("q=thcs%20vinh%20thuan".into()).await;
    assert!(
        found.contains(SCHOOL_A) && found.contains("1 đơn vị"),
        "{found}"
    );
    let none = grid("q=an%20bien".into()).await;
    assert!(
        !none.contains(SCHOOL_B) && none.contains("0 đơn vị"),
        "{none}"
    );
    let report = html
        .split("value=\"")
        .filter_map(|v| v.split('"').next())
        .find(|v| v.ends_with(":missing"))
        .expect("a deadline's states to filter by")
        .trim_end_matches(":missing")
        .to_string();
    // Returned on its page above: in "returned", no longer in "missing".
    let returned = grid(format!("state={report}%3Areturned")).await;
    assert!(returned.contains(SCHOOL_A), "{returned}");
    let missing = grid(format!("state={report}%3Amissing")).await;
    assert!(missing.contains("0 đơn vị"), "{missing}");
    let approved = grid(format!("state={report}%3Aapproved")).await;
    assert!(!approved.contains(&format!("<td>{SCHOOL_A}")), "{approved}");
    assert!(approved.contains("0 đơn vị"), "{approved}");
    let b = env.cli(&["unit", "list"]);
    let district_b = b
        .lines()
        .find(|l| l.contains(&format!("\t{DISTRICT_B}\t")))
        .and_then(|l| l.split('\t').next())
        .unwrap()
        .to_string();
    let outside = grid(format!("district={district_b}")).await;
    assert!(
        outside.contains(SCHOOL_A) && !outside.contains(SCHOOL_B),
        "{outside}"
    );

    // The same table as a spreadsheet, as an attachment, over the same units.
    let sheet = http
        .get(format!("{base}/web/grid.xlsx"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(sheet.status(), 200);
    let disposition = sheet.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let bytes = sheet.bytes().await.unwrap();
    let rows = {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        cells.join("|")
    };
    assert!(
        rows.contains(SCHOOL_A) && !rows.contains(SCHOOL_B),
        "{rows}"
    );

    // The link is spent: a second click (or someone who saw it) gets nothing.
    let again = http.post(&link).send().await.unwrap();
    assert_eq!(again.status(), 403);
    assert!(again.headers().get("set-cookie").is_none());
    // A made-up token, and one of the wrong shape, are refused the same way.
    for token in ["0123456789abcdef0123456789abcdef", "../../etc/passwd", "X"] {
        let r = http
            .post(format!("{base}/web/in/{token}"))
            .send()
            .await
            .unwrap();
        assert!(
            r.status() == 403 || r.status() == 404,
            "{token}: {}",
            r.status()
        );
    }

    // Signing out needs the page's CSRF token.
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-out form's token")
        .to_string();
    let forged = http
        .post(format!("{base}/web/out"))
        .header("cookie", &session)
        .form(&[("csrf", "0".repeat(32))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let out = http
        .post(format!("{base}/web/out"))
        .header("cookie", &session)
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let after = http
        .get(format!("{base}/web"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401, "the session ended");
    assert!(
        !bot.log_text().contains(link.rsplit('/').next().unwrap()),
        "the token is never logged"
    );
    // What a person sees is tests/browser.rs's (headless Chromium, screenshots).

    // The operator makes a link for a unit's one staff member; a unit without staff is
    // refused with what to do.
    let url = [("THIDUA_PUBLIC_URL", base.clone())];
    let made = env.cli_with(&url, &["web", "link", "--unit", DISTRICT_A]);
    let printed = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(made.status.success(), "{printed}");
    let opened = http.post(link_in(&printed)).send().await.unwrap();
    assert_eq!(opened.status(), 303);
    let none = env.cli_with(&url, &["web", "link", "--unit", SCHOOL_A]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("Chưa có cán bộ nào"));

    // A member who chose English reads the pages in English.
    let menu = staff.say("/ngonngu").expect("Chọn ngôn ngữ").await;
    staff
        .press(&menu.button("English"))
        .expect("Switched to English")
        .await;
    let english = link_in(&staff.say("/web").expect("Open the desk").await.text);
    let opened = http.post(&english).send().await.unwrap();
    let cookie = set_cookie(&opened);
    let session = cookie.split(';').next().unwrap();
    let page = http
        .get(format!("{base}/web"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("lang=\"en\"") && html.contains("Sign out"),
        "{html}"
    );
    assert!(
        html.contains("Not submitted") || html.contains("Returned"),
        "{html}"
    );

    // Someone trying tokens is slowed down: past a burst, 429.
    let mut slowed = 0;
    for i in 0..40 {
        let token = format!("{i:032x}");
        let r = http
            .post(format!("{base}/web/in/{token}"))
            .send()
            .await
            .unwrap();
        slowed += usize::from(r.status() == 429);
    }
    assert!(slowed >= 15, "{slowed} of 40 slowed down");
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}

/// The unit's page: its report's file opens as an attachment with the same bytes; a
/// return shows its reason once more, then goes, and the chair is told in the chat.
async fn review_on_the_unit_page(
    http: &reqwest::Client,
    base: &str,
    session: &str,
    grid: &str,
    pdf: &[u8],
    chair: &mut Talk,
) {
    let unit = grid
        .split("href=\"/web/unit/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a unit's link")
        .to_string();
    let get = |path: String| {
        http.get(format!("{base}{path}"))
            .header("cookie", session)
            .send()
    };
    let page = get(format!("/web/unit/{unit}")).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("bao-cáo tổng kết.pdf"), "{html}");
    let file = html
        .split("href=\"/web/submission/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the file's link")
        .to_string();
    let submission = file.split('/').next().unwrap().to_string();
    let got = get(format!("/web/submission/{file}")).await.unwrap();
    assert_eq!(got.status(), 200);
    let disposition = got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), pdf);

    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        http.post(format!("{base}{path}"))
            .header("cookie", session)
            .form(&form)
            .send()
    };
    let reason = "Thiếu chữ ký của chủ tịch".to_string();
    let check = post(
        format!("/web/submission/{submission}/return"),
        vec![("csrf", csrf.clone()), ("reason", reason.clone())],
    )
    .await
    .unwrap();
    assert_eq!(check.status(), 200);
    assert!(
        check.text().await.unwrap().contains(&reason),
        "shown once more"
    );
    let forged = post(
        format!("/web/submission/{submission}/return"),
        vec![
            ("csrf", "f".repeat(32)),
            ("reason", reason.clone()),
            ("confirmed", "true".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), 403);
    let gone = post(
        format!("/web/submission/{submission}/return"),
        vec![
            ("csrf", csrf),
            ("reason", reason.clone()),
            ("confirmed", "true".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(gone.status(), 303);
    chair.expect(&format!("bị trả lại: {reason}")).await;
}

const WORK_A: &str = "Nhà vệ sinh cho học sinh Vĩnh Thuận";
const WORK_B: &str = "Tủ sách An Biên";
const REPORT: &str = "Báo cáo tổng kết phong trào thi đua";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_registrations_and_activity_pages_stay_within_the_district() {
    the_pages(&TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_web_pages_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
    the_pages(&env).await;
    support::load::drop_postgres(&server, &name).await;
}

/// A signed-in browser: GETs and POSTs with the session's cookie.
struct Desk {
    http: reqwest::Client,
    base: String,
    session: String,
}

impl Desk {
    /// Opens the link the bot gave `staff` for `/web`.
    async fn open(base: &str, staff: &mut Talk) -> Desk {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let link = link_in(&staff.say("/web").expect("dùng một lần").await.text);
        let opened = http.post(&link).send().await.unwrap();
        assert_eq!(opened.status(), 303);
        let session = set_cookie(&opened).split(';').next().unwrap().to_string();
        Desk {
            http,
            base: base.to_string(),
            session,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.session)
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::StatusCode {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.session)
            .form(form)
            .send()
            .await
            .unwrap()
            .status()
    }
}

/// The numbers of the overview's row for `deadline`: each state's count by its class.
fn overview_row(html: &str, deadline: &str) -> Vec<(String, i64)> {
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!("<th scope=\"row\">{deadline}</th>")))
        .unwrap_or_else(|| panic!("no row for {deadline}: {html}"));
    row.split("<td class=\"n ")
        .skip(1)
        .map(|cell| {
            let (state, rest) = cell.split_once("\">").unwrap();
            let n = rest.split('<').next().unwrap().parse().unwrap();
            (state.to_string(), n)
        })
        .collect()
}

/// The value of the first hidden `name` input after `after` in `html`.
fn field_after(html: &str, after: &str, name: &str) -> String {
    let from = html
        .find(after)
        .unwrap_or_else(|| panic!("{after}: {html}"));
    html[from..]
        .split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
}

async fn the_pages(env: &TestEnv) {
    for (unit, parent) in [
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ] {
        let mut args = vec!["unit", "add", unit];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        env.cli(&args);
    }
    let codes = [
        env.invite(DISTRICT_A, "staff"),
        env.invite(DISTRICT_B, "staff"),
        env.invite(SCHOOL_A, "chair"),
        env.invite(SCHOOL_B, "chair"),
    ];
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut bot = env.spawn(&[
        ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", format!("{base}/")),
    ]);
    let mut talks = Vec::new();
    for (i, (code, (first, last))) in codes
        .iter()
        .zip([
            ("Thoa", "Lê Kim"),
            ("Hùng", "Phạm"),
            ("Lan", "Nguyễn Thị"),
            ("Hoa", "Trần"),
        ])
        .enumerate()
    {
        let mut talk = Talk::new(&api, User::new(3001 + i as i64, first, last));
        let said = if i < 2 { "cán bộ" } else { "Chào mừng" };
        talk.say(&format!("/start {code}")).expect(said).await;
        talks.push(talk);
    }
    let [staff_a, staff_b, chair_a, chair_b] = &mut talks[..] else {
        unreachable!()
    };
    chair_a.register(WORK_A).await;
    chair_b.register(WORK_B).await;
    chair_a.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    chair_a
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 bao cao")
        .expect("Ghi chú")
        .await;
    let checklist = chair_a.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair_a
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp")
        .await;

    let a = Desk::open(&base, staff_a).await;
    // The overview: district A's one school, its report handed in, nothing of B's.
    let overview = a.page("/web/overview").await;
    assert!(overview.contains("<svg"), "{overview}");
    assert!(overview.contains("1 đơn vị phải nộp"), "{overview}");
    let report = overview_row(&overview, REPORT);
    let n = |state: &str| report.iter().find(|(s, _)| s == state).unwrap().1;
    assert_eq!(n("submitted") + n("late"), 1, "{report:?}");
    assert_eq!((n("approved"), n("returned"), n("missing")), (0, 0, 0));
    assert!(
        overview.contains(SCHOOL_A) && overview.contains("250.000.000 đồng"),
        "{overview}"
    );
    assert!(!overview.contains(SCHOOL_B), "{overview}");

    // The registrations: district A's work only; found typed without diacritics.
    let works = a.page("/web/registrations").await;
    assert!(
        works.contains(WORK_A) && works.contains("1 công trình"),
        "{works}"
    );
    assert!(
        !works.contains(WORK_B) && !works.contains(SCHOOL_B),
        "{works}"
    );
    let found = a.page("/web/registrations?q=nha+ve+sinh").await;
    assert!(found.contains(WORK_A), "{found}");
    let none = a.page("/web/registrations?q=tu+sach").await;
    assert!(
        !none.contains(WORK_B) && none.contains("0 công trình"),
        "{none}"
    );

    // Propose the work, then take it back: the page's token, never without it.
    let action = works
        .split("action=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|a| a.ends_with("/propose"))
        .expect("a propose button")
        .to_string();
    let csrf = field_after(&works, &action, "csrf");
    let back = field_after(&works, &action, "back");
    assert_eq!(a.post(&action, &[("back", &back)]).await, 403);
    assert_eq!(a.post(&action, &[("csrf", &"0".repeat(32))]).await, 403);
    assert_eq!(
        a.post(&action, &[("csrf", &csrf), ("back", &back)]).await,
        303
    );
    let proposed = a.page("/web/registrations?featured=1").await;
    assert!(
        proposed.contains(WORK_A) && proposed.contains("đã đề xuất (1)"),
        "{proposed}"
    );
    let unpropose = action.replace("/propose", "/unpropose");
    assert!(proposed.contains(&unpropose), "{proposed}");
    assert_eq!(a.post(&unpropose, &[("csrf", &csrf)]).await, 303);
    let after = a.page("/web/registrations").await;
    assert!(after.contains("đã đề xuất (0)"), "{after}");

    // District B's staff propose their own work; A's log shows A's two lines only.
    let b = Desk::open(&base, staff_b).await;
    let theirs = b.page("/web/registrations").await;
    assert!(
        theirs.contains(WORK_B) && !theirs.contains(WORK_A),
        "{theirs}"
    );
    let action_b = theirs
        .split("action=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|a| a.ends_with("/propose"))
        .unwrap()
        .to_string();
    let csrf_b = field_after(&theirs, &action_b, "csrf");
    assert_eq!(b.post(&action_b, &[("csrf", &csrf_b)]).await, 303);
    // A's token is not B's.
    assert_eq!(b.post(&unpropose, &[("csrf", &csrf)]).await, 403);
    let log = a.page("/web/activity").await;
    assert!(
        log.contains("Đề xuất khen thưởng") && log.contains("Bỏ đề xuất"),
        "{log}"
    );
    assert!(log.contains(WORK_A) && log.contains(SCHOOL_A), "{log}");
    assert!(!log.contains(WORK_B) && !log.contains(SCHOOL_B), "{log}");
    let log_b = b.page("/web/activity").await;
    assert!(log_b.contains(WORK_B) && !log_b.contains(WORK_A), "{log_b}");

    // The chat's CSV, over the same works as the table.
    let csv = a.get("/web/registrations.csv").await;
    assert_eq!(csv.status(), 200);
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let rows = support::csv_records(&csv.text().await.unwrap());
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = rows[0].values().cloned().collect::<Vec<_>>().join("|");
    assert!(row.contains(WORK_A) && row.contains(SCHOOL_A), "{row}");
    for path in ["/web/registrations.xlsx", "/web/registrations-forms.zip"] {
        let r = a.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{path}");
    }
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}
