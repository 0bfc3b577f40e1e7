//! A Zalo chair hands in a dossier from a real browser: `/hoso` on Zalo brings an
//! upload link; headless Chromium opens it with its button, chooses a PDF and a .docx
//! (and a second PDF) in the page's file inputs, uploads, sees the checklist, presses
//! **Nộp**; the Zalo chat is told. A program named `.pdf` is refused on the page with
//! the chat's reason, and the upload page opens nothing of the desk.
//!
//! Screenshots: `target/web-screens/upload.png`, `upload-refused.png`,
//! `upload-ready.png`, `upload-done.png`.

mod support;

use support::browser::Browser;
use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
use support::link_in;
use support::TestEnv;

const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";
const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_chair_hands_in_files_from_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let env = TestEnv::new();
    env.cli(&["unit", "add", DISTRICT]);
    env.cli(&["unit", "add", SCHOOL, "--parent", DISTRICT]);
    let code = env.invite(SCHOOL, "chair");
    let dir = env.dir.path();
    let files = [
        ("to-trinh.pdf", b"%PDF-1.4 to trinh".to_vec()),
        ("biên bản họp.docx", b"PK\x03\x04 bien ban".to_vec()),
        ("bao-cao-thanh-tich.pdf", b"%PDF-1.4 bao cao".to_vec()),
        ("virus.pdf", b"MZ\x90\x00 program".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let path = |name: &str| dir.join(name).display().to_string();

    let zl = FakeZalo::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _bot = env.spawn(&[
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", zl.url()),
        ("ZALO_FILE_HOSTS", "http://127.0.0.1".to_string()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", base.clone()),
    ]);
    let mut chair = ZTalk::new(&zl, ZUser::new("e4ea2cd5189df1c3a88c", "Nguyễn Văn An"));
    chair.say(&code).expect("Chào mừng").await;
    let link = link_in(&chair.say("/hoso").expect("nộp qua trang web").await.text);

    browser.open_link(&link).await;
    browser.wait_for_text("Tờ trình").await;
    browser.wait_for_path("/web/up", "the upload page").await;
    browser.screenshot("upload.png").await;

    // A program named .pdf in the first input: refused with the chat's reason.
    let choose = |i: usize, file: String| {
        let browser = &browser;
        async move {
            let input = browser
                .find(&format!("input#doc-{i}"), "a document's file input")
                .await;
            input.send_keys(&file).await.unwrap();
        }
    };
    choose(0, path("virus.pdf")).await;
    choose(1, path("biên bản họp.docx")).await;
    browser
        .find("form[action='/web/up/files'] button", "Tải lên")
        .await
        .click()
        .await
        .unwrap();
    let page = browser.wait_for_text("không đúng định dạng").await;
    assert!(page.contains("✓ biên bản họp.docx"), "{page}");
    assert!(!page.contains("Nộp\n"), "not ready: {page}");
    browser.screenshot("upload-refused.png").await;

    choose(0, path("to-trinh.pdf")).await;
    choose(2, path("bao-cao-thanh-tich.pdf")).await;
    browser
        .find("form[action='/web/up/files'] button", "Tải lên")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Đã đủ tệp").await;
    browser.screenshot("upload-ready.png").await;
    browser
        .find("form[action='/web/up/submit'] button", "Nộp")
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Đã nộp").await;
    browser.screenshot("upload-done.png").await;
    chair.expect("(3 tệp) nộp qua trang web").await;

    // The page has ended; the desk was never open to it.
    browser.goto(&format!("{base}/web/up")).await;
    browser.wait_for_text("đã hết hạn hoặc đã nộp xong").await;
    browser.goto(&format!("{base}/web")).await;
    assert_eq!(browser.status().await, 401, "the desk");
    browser.close().await;
}
