//! Where a chat cannot carry a file (Zalo): a chair's `/hoso` brings a one-time link
//! to an upload page bound to that chair, that unit and that deadline; the page takes
//! the files with the chat's checks, shows the checklist, hands it in, and the Zalo
//! chat and the district's staff are told. A file the chat cannot send comes as a
//! one-time download link. Links open only with a button (a chat app's preview uses
//! nothing), once, within their time; an upload page opens nothing else.

mod support;

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use support::fake_telegram::{FakeTelegram, User};
use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
use support::link_in;
use support::{Talk, TestEnv, TOKEN};

const DISTRICT_A: &str = "LĐLĐ huyện Vĩnh Thuận";
const DISTRICT_B: &str = "LĐLĐ huyện An Biên";
const SCHOOL_A: &str = "CĐCS Trường THCS Vĩnh Thuận";
const SCHOOL_B: &str = "CĐCS Trường THCS An Biên";

/// The value of `name="csrf"` on a page.
fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no CSRF token in {html}"))
        .to_string()
}

fn part(name: &str, mime: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_string())
        .mime_str(mime)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_chair_hands_in_a_dossier_on_the_web_and_gets_files_by_link() {
    let env = TestEnv::new();
    env.tree(&[
        (DISTRICT_A, None),
        (DISTRICT_B, None),
        (SCHOOL_A, Some(DISTRICT_A)),
        (SCHOOL_B, Some(DISTRICT_B)),
    ]);
    let staff_code = env.invite(DISTRICT_A, "staff");
    let zalo_staff_code = env.invite(DISTRICT_A, "staff");
    let chair_code = env.invite(SCHOOL_A, "chair");
    let telegram_chair_code = env.invite(SCHOOL_B, "chair");
    let tg = FakeTelegram::start().await;
    let zl = FakeZalo::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let vars = [
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", tg.url()),
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", zl.url()),
        ("ZALO_FILE_HOSTS", "http://127.0.0.1".to_string()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", base.clone()),
    ];
    let mut bot = env.spawn(&vars);
    let mut staff = Talk::new(&tg, User::new(2001, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut chair = ZTalk::new(&zl, ZUser::new("e4ea2cd5189df1c3a88c", "Nguyễn Văn An"));
    chair.say(&chair_code).expect("Chào mừng").await;

    // /hoso on Zalo: the link to the web page comes with the first question, which
    // says to use it.
    let asked = chair.say("/hoso").expect("nộp qua trang web").await;
    assert!(
        asked.text.contains("nộp qua đường link trang web"),
        "{}",
        asked.text
    );
    let link = link_in(&asked.text);
    assert!(link.starts_with(&format!("{base}/web/in/")), "{link}");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    // A preview (GET) uses nothing; the button (POST) opens the upload page.
    assert_eq!(http.get(&link).send().await.unwrap().status(), 200);
    let opened = http.post(&link).send().await.unwrap();
    assert_eq!(opened.status(), 303, "{}", bot.log_text());
    assert_eq!(opened.headers()["location"], "/web/up");
    let set = opened.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.starts_with("thidua_upload=") && set.contains("Path=/web/up"),
        "{set}"
    );
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let secret = set.split(';').next().unwrap().split('=').nth(1).unwrap();
    let cookie = format!("thidua_upload={secret}");
    assert_eq!(http.post(&link).send().await.unwrap().status(), 403, "once");

    // The upload page opens nothing else: not the desk, not a unit, not a file.
    for path in [
        "/web",
        "/web/unit/1",
        "/web/submission/1/file/0",
        "/web/grid.xlsx",
    ] {
        let as_desk = format!("thidua_session={secret}; {cookie}");
        let r = http
            .get(format!("{base}{path}"))
            .header("cookie", as_desk)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }

    let page = |c: String| {
        http.get(format!("{base}/web/up"))
            .header("cookie", c)
            .send()
    };
    let html = page(cookie.clone()).await.unwrap().text().await.unwrap();
    for doc in ["Tờ trình", "Biên bản", "Báo cáo thành tích"] {
        assert!(html.contains(doc), "{doc}: {html}");
    }
    assert!(html.contains(SCHOOL_A), "{html}");
    assert!(!html.contains("/web/up/submit"), "nothing to hand in yet");
    let csrf = csrf_in(&html);

    let pdf = b"%PDF-1.4 to trinh de nghi khen thuong".to_vec();
    let docx = b"PK\x03\x04 bien ban hop xet".to_vec();
    let upload = |form: Form| {
        http.post(format!("{base}/web/up/files"))
            .header("cookie", cookie.clone())
            .multipart(form)
            .send()
    };
    // Without the CSRF token: refused, nothing kept.
    let forged = Form::new().part("doc-0", part("to-trinh.pdf", "application/pdf", &pdf));
    assert_eq!(upload(forged).await.unwrap().status(), 403);
    // A program named .pdf, and a type not taken: refused with the chat's reasons;
    // the good file of the same form is kept.
    let mixed = Form::new()
        .text("csrf", csrf.clone())
        .part("doc-0", part("to-trinh.pdf", "application/pdf", &pdf))
        .part(
            "doc-1",
            part("bien-ban.pdf", "application/pdf", b"MZ\x90\x00 program"),
        )
        .part(
            "doc-2",
            part("bao-cao.exe", "application/octet-stream", b"MZ"),
        );
    let refused = upload(mixed).await.unwrap();
    assert_eq!(refused.status(), 422);
    let said = refused.text().await.unwrap();
    assert!(
        said.contains("không đúng định dạng ghi trong tên"),
        "{said}"
    );
    assert!(said.contains("không đúng loại"), "{said}");
    assert!(said.contains("✓ to-trinh.pdf"), "{said}");
    assert!(
        !said.contains("/web/up/submit"),
        "two still missing: {said}"
    );

    let rest = Form::new()
        .text("csrf", csrf.clone())
        .text("note", "Gửi bản scan có dấu")
        .part(
            "doc-1",
            part(
                "biên bản họp.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &docx,
            ),
        )
        .part(
            "doc-2",
            part("bao-cao-thanh-tich.pdf", "application/pdf", &pdf),
        );
    let kept = upload(rest).await.unwrap();
    assert_eq!(kept.status(), 303);
    let html = page(cookie.clone()).await.unwrap().text().await.unwrap();
    assert!(html.contains("✓ biên bản họp.docx"), "{html}");
    assert!(html.contains("/web/up/submit"), "{html}");
    // A kill -9 between the upload and Nộp loses nothing: the page and its files wait.
    bot.kill_hard();
    bot = env.spawn(&vars);
    let until = std::time::Instant::now() + Duration::from_secs(20);
    let html = loop {
        if let Ok(r) = page(cookie.clone()).await {
            break r.text().await.unwrap();
        }
        assert!(std::time::Instant::now() < until, "{}", bot.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        html.contains("✓ biên bản họp.docx") && html.contains("/web/up/submit"),
        "{html}"
    );

    let submit = |token: String| {
        http.post(format!("{base}/web/up/submit"))
            .header("cookie", cookie.clone())
            .form(&[("csrf", token)])
            .send()
    };
    assert_eq!(submit("0".repeat(32)).await.unwrap().status(), 403);
    // Two tabs press Nộp at once: one hands in, the other finds the page ended.
    let (one, two) = tokio::join!(submit(csrf.clone()), submit(csrf.clone()));
    let (one, two) = (one.unwrap(), two.unwrap());
    let mut statuses = [one.status().as_u16(), two.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 403]);
    let done = if one.status() == 200 { one } else { two };
    assert!(done.text().await.unwrap().contains("Đã nộp"));
    // The Zalo chat and the district's staff are told.
    chair.expect("(3 tệp) nộp qua trang web").await;
    staff.expect(SCHOOL_A).await;
    let told = |needle: &str| {
        zl.sent_to(&chair.user.id)
            .iter()
            .filter(|s| s.text.contains(needle))
            .count()
    };
    assert_eq!(told("(3 tệp) nộp qua trang web"), 1, "handed in once");
    // The page has ended: its cookie opens nothing.
    assert_eq!(page(cookie.clone()).await.unwrap().status(), 403);

    // The staff member sees the three files on the unit's page, the .docx among them.
    let desk = link_in(&staff.say("/web").expect("dùng một lần").await.text);
    let signed = http.post(&desk).send().await.unwrap();
    let session = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let grid = http
        .get(format!("{base}/web"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let grid = grid.text().await.unwrap();
    let unit = grid
        .split("href=\"/web/unit/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the unit's link")
        .to_string();
    let unit_page = http
        .get(format!("{base}/web/unit/{unit}"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        "to-trinh.pdf",
        "biên bản họp.docx",
        "bao-cao-thanh-tich.pdf",
    ] {
        assert!(unit_page.contains(name), "{name}: {unit_page}");
    }

    // A Zalo staff member's spreadsheet comes as a one-time download link.
    let mut zstaff = ZTalk::new(&zl, ZUser::new("ffeeddccbbaa99887766", "Lê Kim Thoa"));
    zstaff.say(&zalo_staff_code).expect("cán bộ").await;
    let sent = zstaff.say("/xuat").expect("Tải tệp về").await;
    let download = link_in(&sent.text);
    let got = http.post(&download).send().await.unwrap();
    assert_eq!(got.status(), 200);
    let disposition = got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains(".xlsx"), "{disposition}");
    assert!(got.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    assert_eq!(
        http.post(&download).send().await.unwrap().status(),
        403,
        "once"
    );

    // On Telegram, a document over the bot's download limit is answered with the
    // upload link instead.
    let mut tg_chair = Talk::new(&tg, User::new(1002, "Hoa", "Trần Thị"));
    tg_chair
        .say(&format!("/start {telegram_chair_code}"))
        .expect("Chào mừng")
        .await;
    tg_chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    let big = vec![b'%'; 21 * 1024 * 1024];
    let answer = tg_chair
        .document("bao-cao-scan.pdf", "application/pdf", &big)
        .expect("lớn hơn 20 MB")
        .await;
    let upload = link_in(&answer.text);
    assert!(
        upload.starts_with(&format!("{base}/web/in/")),
        "{}",
        answer.text
    );
    let opened = http.post(&upload).send().await.unwrap();
    assert_eq!(opened.headers()["location"], "/web/up");

    // The links never reach the log.
    let log = bot.log_text();
    for token in [&link, &download, &desk] {
        assert!(
            !log.contains(token.rsplit('/').next().unwrap()),
            "a token in the log"
        );
    }
}

/// Thirty Zalo chairs hand in their dossiers on the web at the same moment: each gets
/// exactly one "received" in Zalo, the district's staff exactly one notice per unit,
/// and no hand-in is lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_chairs_hand_in_on_the_web_at_once() {
    const CHAIRS: usize = 30;
    let env = TestEnv::new();
    env.cli(&["unit", "add", DISTRICT_A]);
    let staff_code = env.invite(DISTRICT_A, "staff");
    let mut codes = Vec::new();
    for i in 0..CHAIRS {
        let unit = format!("CĐCS Trường số {i}");
        env.cli(&["unit", "add", &unit, "--parent", DISTRICT_A]);
        codes.push((unit.clone(), env.invite(&unit, "chair")));
    }
    let tg = FakeTelegram::start().await;
    let zl = FakeZalo::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let bot = env.spawn(&[
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", tg.url()),
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", zl.url()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", base.clone()),
    ]);
    let mut staff = Talk::new(&tg, User::new(2001, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let pdf = b"%PDF-1.4 ho so".to_vec();
    let mut tasks = Vec::new();
    for (i, (_, code)) in codes.into_iter().enumerate() {
        let (zl, base, pdf) = (zl.clone(), base.clone(), pdf.clone());
        tasks.push(tokio::spawn(async move {
            let user = ZUser::new(
                &format!("{:020x}", 0xc0ffee00 + i),
                &format!("Chủ tịch Số {i}"),
            );
            let mut chair = ZTalk::new(&zl, user);
            chair.say(&code).expect("Chào mừng").await;
            let link = link_in(&chair.say("/hoso").expect("nộp qua trang web").await.text);
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            let opened = http.post(&link).send().await.unwrap();
            assert_eq!(opened.status(), 303, "chair {i}");
            let set = opened.headers()["set-cookie"].to_str().unwrap().to_string();
            let cookie = set.split(';').next().unwrap().to_string();
            let page = http.get(format!("{base}/web/up")).header("cookie", &cookie);
            let csrf = csrf_in(&page.send().await.unwrap().text().await.unwrap());
            let mut form = Form::new().text("csrf", csrf.clone());
            for d in 0..3 {
                form = form.part(
                    format!("doc-{d}"),
                    part(&format!("tep-{d}.pdf"), "application/pdf", &pdf),
                );
            }
            let up = http
                .post(format!("{base}/web/up/files"))
                .header("cookie", &cookie);
            assert_eq!(
                up.multipart(form).send().await.unwrap().status(),
                303,
                "chair {i}"
            );
            let done = http
                .post(format!("{base}/web/up/submit"))
                .header("cookie", &cookie)
                .form(&[("csrf", csrf)])
                .send()
                .await
                .unwrap();
            assert_eq!(done.status(), 200, "chair {i}");
            chair.user.id
        }));
    }
    let mut chairs = Vec::new();
    for t in tasks {
        chairs.push(t.await.unwrap());
    }
    // The outbox paces Zalo: the thirty "received" arrive within the minute, each once.
    let told = |id: &str| {
        zl.sent_to(id)
            .iter()
            .filter(|s| s.text.contains("(3 tệp) nộp qua trang web"))
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while chairs.iter().any(|c| told(c) == 0) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for c in &chairs {
        assert_eq!(told(c), 1, "chair {c} told once");
    }
    // One notice per unit to the staff member, none twice.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let notices: Vec<String> = tg
            .sent_to(2001)
            .into_iter()
            .map(|s| s.text)
            .filter(|t| t.contains("CĐCS Trường số"))
            .collect();
        if notices.len() >= CHAIRS || std::time::Instant::now() > deadline {
            for i in 0..CHAIRS {
                let unit = format!("CĐCS Trường số {i} ");
                let n = notices.iter().filter(|t| t.contains(&unit)).count();
                assert_eq!(n, 1, "notices for {unit}: {notices:#?}");
            }
            assert_eq!(notices.len(), CHAIRS);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(bot);
}
