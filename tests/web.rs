//! The desk pages over HTTP, against the real binary: a staff member asks `/web` in the
//! fake Telegram, opens the one-time link, sees the units below their federation (and
//! not another district's), and signs out; a link works once, a page without a session
//! or a form without its CSRF token is refused, and every answer carries the security
//! headers.

mod support;

use std::time::Duration;

use support::fake_telegram::{FakeTelegram, User};
use support::link_in;
use support::{Talk, TestEnv};

const PROVINCE: &str = "LĐLĐ tỉnh Kiên Giang";
const DISTRICT_A: &str = "LĐLĐ huyện Vĩnh Thuận";
const DISTRICT_B: &str = "LĐLĐ huyện An Biên";
const SCHOOL_A: &str = "CĐCS Trường THCS Vĩnh Thuận";
const SCHOOL_B: &str = "CĐCS Trường THCS An Biên";

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
    env.tree(&[
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ]);
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
    // The filter form as sent with every choice left at "Tất cả".
    let all = http
        .get(format!("{base}/web?q=&district=&state="))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(all.status(), 200, "the filters left empty");
    assert!(all.text().await.unwrap().contains(SCHOOL_A));
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
        self.answer(path, form).await.status()
    }

    /// A POST's whole answer (its status, its page or where it goes next).
    async fn answer(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.session)
            .form(form)
            .send()
            .await
            .unwrap()
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
    env.tree(&[
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ]);
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
    // The work's Word form, from its unit's page; never for another district.
    let work_id = action.split('/').nth(3).unwrap();
    let form_path = format!("/web/work/{work_id}/form.docx");
    let unit_link = a
        .page("/web")
        .await
        .split("href=\"/web/unit/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let unit_page = a.page(&format!("/web/unit/{unit_link}")).await;
    assert!(unit_page.contains(&form_path), "{unit_page}");
    let form = a.get(&form_path).await;
    assert_eq!(form.status(), 200);
    assert!(form.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    assert_eq!(
        b.get(&form_path).await.status(),
        403,
        "another district's work"
    );
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

const CLINIC_A: &str = "CĐCS Trạm Y tế xã Vĩnh Bình";
const KINDERGARTEN_A: &str = "CĐCS Trường Mầm non Vĩnh Thuận";
const ANNOUNCEMENT: &str =
    "Kính gửi các CĐCS: hạn nộp báo cáo tổng kết là ngày 15/12.\nXin các đồng chí nộp đúng hạn.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_announce_from_the_desk_to_the_chairs_missing_the_report() {
    announcements(&TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_web_announce_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
    announcements(&env).await;
    support::load::drop_postgres(&server, &name).await;
}

/// The report page's figure named `key` ("sent", "acked", …).
fn figure(html: &str, key: &str) -> i64 {
    html.split(&format!("<li class=\"figure {key}\"><strong>"))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no figure {key}: {html}"))
}

/// Reads the report page until its figure `key` is `n`.
async fn report_when(desk: &Desk, path: &str, key: &str, n: i64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let html = desk.page(path).await;
        if figure(&html, key) == n {
            return html;
        }
        assert!(std::time::Instant::now() < deadline, "{key} ≠ {n}: {html}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// District A's staff write to the chairs missing the report: the live counts, a text
/// too long kept with the chat's reason, the preview, one send however often it is
/// pressed, the report; district B's staff see none of it.
async fn announcements(env: &TestEnv) {
    env.tree(&[
        (PROVINCE, None),
        (DISTRICT_A, Some(PROVINCE)),
        (DISTRICT_B, Some(PROVINCE)),
        (SCHOOL_A, Some(DISTRICT_A)),
        (CLINIC_A, Some(DISTRICT_A)),
        (KINDERGARTEN_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ]);
    let codes = [
        env.invite(DISTRICT_A, "staff"),
        env.invite(DISTRICT_B, "staff"),
        env.invite(SCHOOL_A, "chair"),
        env.invite(CLINIC_A, "chair"),
        env.invite(KINDERGARTEN_A, "chair"),
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
    for (i, code) in codes.iter().enumerate() {
        let mut talk = Talk::new(&api, User::new(4001 + i as i64, "Người", "Thứ"));
        let said = if i < 2 { "cán bộ" } else { "Chào mừng" };
        talk.say(&format!("/start {code}")).expect(said).await;
        talks.push(talk);
    }
    let [staff_a, staff_b, school, clinic, kindergarten, school_b] = &mut talks[..] else {
        unreachable!()
    };
    // The school hands its report in; the kindergarten's chair has blocked the bot.
    school.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    school
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 bao cao")
        .expect("Ghi chú")
        .await;
    let checklist = school.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    school
        .press(&checklist.button("Nộp"))
        .expect("Đã nộp")
        .await;
    api.block(kindergarten.user.id);

    // The counts, within the district, as the page is drawn.
    let a = Desk::open(&base, staff_a).await;
    let page = a.page("/web/announcements").await;
    for shown in [
        "Tất cả chủ tịch CĐCS (3 người)",
        "Chưa đăng ký công trình (3 người)",
        "Chưa nộp báo cáo (2 người)",
        "maxlength=\"1500\"",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    assert!(page.contains("Chưa có thông báo nào"), "{page}");
    let csrf = field_after(&page, "/web/announcements/preview", "csrf");

    // Without the page's token: refused, before anything.
    let form = |csrf: &str, text: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.into()),
            ("text".into(), text.into()),
            ("audience".into(), "missing-report".into()),
        ]
    };
    fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
        f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    for path in ["/web/announcements/preview", "/web/announcements/send"] {
        let no_token = &form("", ANNOUNCEMENT)[1..];
        assert_eq!(a.post(path, &pairs(no_token)).await, 403, "{path}");
        let forged = form(&"0".repeat(32), ANNOUNCEMENT);
        assert_eq!(a.post(path, &pairs(&forged)).await, 403, "{path}");
    }

    // Too long: the chat's reason, the text kept in its box.
    let long = "Nội dung rất dài. ".repeat(90);
    let refused = a
        .answer("/web/announcements/preview", &pairs(&form(&csrf, &long)))
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    let len = long.trim().chars().count();
    assert!(
        html.contains(&format!("{len} ký tự, tối đa 1500 ký tự")),
        "{html}"
    );
    assert!(html.contains(&format!(">{long}</textarea>")), "{html}");
    let too_long = a
        .answer("/web/announcements/send", &pairs(&form(&csrf, &long)))
        .await;
    assert_eq!(too_long.status(), 422, "the send checks it too");

    // The preview: the message as chairs get it, to whom, and the text carried on.
    let preview = a
        .answer(
            "/web/announcements/preview",
            &pairs(&form(&csrf, ANNOUNCEMENT)),
        )
        .await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    for shown in [
        "📢 Thông báo của LĐLĐ huyện Vĩnh Thuận:",
        "Chưa nộp báo cáo — 2 người",
        "Đã nhận",
        &format!("name=\"text\" value=\"{ANNOUNCEMENT}\""),
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    assert!(clinic.quiet().await.is_empty(), "nothing sent on a preview");
    let text = field_after(&html, "/web/announcements/send", "text");
    let send = form(&csrf, &text);

    // Sent: to the two chairs missing the report in district A, and only to them.
    let sent = a.answer("/web/announcements/send", &pairs(&send)).await;
    assert_eq!(sent.status(), 303);
    let report = sent.headers()["location"].to_str().unwrap().to_string();
    assert!(report.starts_with("/web/announcement/"), "{report}");
    let got = clinic.expect("hạn nộp báo cáo tổng kết").await;
    assert!(
        got.text.contains("Xin các đồng chí nộp đúng hạn"),
        "{}",
        got.text
    );
    // Pressed again (a double click, a reload): the same report, nothing sent twice.
    let again = a.answer("/web/announcements/send", &pairs(&send)).await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"].to_str().unwrap(), report);
    staff_a.expect("đã gửi xong").await;
    for (who, talk) in [("school", &mut *school), ("school B", &mut *school_b)] {
        let told = talk.quiet().await;
        assert!(
            told.iter()
                .all(|m| !m.text.contains("hạn nộp báo cáo tổng kết")),
            "{who} got it"
        );
    }
    let copies = api
        .sent_to(clinic.user.id)
        .iter()
        .filter(|m| m.text.contains("hạn nộp báo cáo tổng kết"))
        .count();
    assert_eq!(copies, 1, "one copy");

    // The report: 2 queued, 1 sent, 1 blocked; the clinic's "Đã nhận" counted.
    let html = report_when(&a, &report, "sent", 1).await;
    assert_eq!(figure(&html, "queued"), 2);
    assert_eq!(figure(&html, "blocked"), 1);
    assert_eq!(figure(&html, "failed"), 0);
    assert_eq!(figure(&html, "acked"), 0);
    assert!(
        html.contains(CLINIC_A) && html.contains(KINDERGARTEN_A),
        "{html}"
    );
    assert!(
        !html.contains(SCHOOL_A) && !html.contains(SCHOOL_B),
        "{html}"
    );
    assert!(html.contains("Đã chặn bot"), "{html}");
    clinic
        .press(&got.button("Đã nhận"))
        .expect("đã ghi nhận")
        .await;
    report_when(&a, &report, "acked", 1).await;
    let list = a.page("/web/announcements").await;
    assert!(list.contains(&format!("href=\"{report}\"")), "{list}");
    assert!(
        list.contains("Kính gửi các CĐCS: hạn nộp báo cáo tổng kết là ngày 15/12.")
            && !list.contains("Xin các đồng chí"),
        "the first line: {list}"
    );
    let log = a.page("/web/activity").await;
    assert!(log.contains("Gửi thông báo"), "{log}");

    // District B's staff: their own counts, none of A's announcements, A's report 403.
    let b = Desk::open(&base, staff_b).await;
    let theirs = b.page("/web/announcements").await;
    assert!(
        theirs.contains("Tất cả chủ tịch CĐCS (1 người)"),
        "{theirs}"
    );
    assert!(!theirs.contains("hạn nộp báo cáo tổng kết"), "{theirs}");
    let refused = b.get(&report).await;
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("không do LĐLĐ của Anh/Chị gửi"),
        "the refusal's reason"
    );
    assert_eq!(b.get("/web/announcement/999999").await.status(), 404);
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}
