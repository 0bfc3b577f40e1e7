//! Bad input at the edges: control characters and invisible names from a chat or
//! the command line, and an announcement longer than the bot allows.

mod support;

use chrono::{Duration, Utc};
use support::TestEnv;
use thidua::app::App;
use thidua::conversation::{Body, Incoming, Outgoing, RawInput};
use thidua::domain::member::{Channel, Role};
use thidua::domain::registration::field::ESTIMATED_VALUE;
use thidua::domain::unit::UnitKind;
use thidua::store::{self, invites, members, registrations, units};

fn msg(text: RawInput) -> Incoming {
    Incoming {
        channel: Channel::Telegram,
        user_id: "77".into(),
        chat_id: "77".into(),
        display_name: "Phúc\u{0}\u{202E} Lê".into(),
        language_code: Some("vi".into()),
        update_id: None,
        message_id: None,
        input: text,
    }
}

fn replies(out: &[Outgoing]) -> Vec<&thidua::conversation::Reply> {
    out.iter()
        .filter_map(|o| match &o.body {
            Body::Reply(r) => Some(r),
            Body::Document { .. } => None,
        })
        .collect()
}

async fn say(app: &App, text: &str) -> Vec<Outgoing> {
    let answers = app.handle(msg(RawInput::Text(text.into()))).await.unwrap();
    answers.into_iter().map(|a| a.out).collect()
}

/// PostgreSQL refuses U+0000 in text, so a NUL that reached the database would make
/// the confirm fail there on every try; SQLite would store it. Either way it must
/// never get that far: the app cleans it off before the turn reads anything.
#[tokio::test]
async fn a_nul_in_a_work_name_or_a_display_name_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let db = store::connect(&url).await.unwrap();
    let app = App::new(db.clone());
    let unit = units::add(
        &mut db.read().await.unwrap(),
        "CĐCS Bưu điện huyện",
        UnitKind::Enterprise,
    )
    .await
    .unwrap();
    let code = invites::create(
        &mut db.read().await.unwrap(),
        unit.id,
        Role::Chair,
        Utc::now() + Duration::days(1),
        None,
    )
    .await
    .unwrap();
    say(&app, &format!("/start {code}")).await;
    say(&app, "/dangky").await;
    app.handle(msg(RawInput::Button("p:mo_hinh".into())))
        .await
        .unwrap();
    let out = say(&app, "Mái ấm\u{0} công\u{202E} đoàn\u{7}").await;
    assert!(replies(&out)[0].text.contains(&support::step(3)), "{out:?}");
    for answer in [
        "15/01/2025",
        "30/6/2025",
        "Xây hai\u{0} căn nhà",
        "250 triệu",
    ] {
        say(&app, answer).await;
    }
    let mut out = Vec::new();
    for _ in 0..support::items_after(ESTIMATED_VALUE) {
        out = say(&app, "/boqua").await;
    }
    let summary = replies(&out)[0];
    assert!(
        summary.text.contains("Xin kiểm tra lại"),
        "{}",
        summary.text
    );
    let confirm = summary
        .choices
        .iter()
        .find(|c| c.label.contains("Xác nhận"))
        .expect("a confirm button");
    let out: Vec<Outgoing> = app
        .handle(msg(RawInput::Button(confirm.action.encode())))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.out)
        .collect();
    assert!(replies(&out)[0].text.contains("Cảm ơn"), "{out:?}");

    let mut conn = db.read().await.unwrap();
    let stored = registrations::all(&mut conn).await.unwrap();
    let r = &stored[0].registration;
    assert_eq!(r.draft.name, "Mái ấm công đoàn");
    assert_eq!(r.draft.content, "Xây hai căn nhà");
    let me = members::find(&mut conn, Channel::Telegram, "77")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.display_name, "Phúc Lê");
    assert!(!r.submitted_by.contains(['\u{0}', '\u{202E}']), "{r:?}");
}

#[test]
fn invisible_unit_names_are_refused_and_an_empty_name_finds_no_unit() {
    let env = TestEnv::new();
    for invisible in [
        "\u{200B}\u{200B}\u{200B}",
        "\u{202E}\u{202E}\u{2066}",
        " \u{FEFF} ",
    ] {
        let out = env.cli_raw(&["unit", "add", invisible]);
        assert!(!out.status.success(), "{invisible:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("không có chữ nào nhìn thấy"), "{err}");
    }
    // Control and direction characters are taken off what is kept.
    env.cli(&["unit", "add", "\u{202E}CĐCS Trường A\u{202C}\u{1B}"]);
    let list = env.cli(&["unit", "list"]);
    assert!(list.contains("\tCĐCS Trường A\t"), "{list:?}");

    // A unit stored before names were checked: an empty --unit must not find it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = store::connect(&env.database_url()).await.unwrap();
        let mut tx = db.write().await.unwrap();
        units::add(&mut tx, "\u{200B}\u{200B}\u{200B}", UnitKind::Agency)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        db.close().await;
    });
    for wanted in ["", "\u{200B}", " "] {
        let out = env.cli_raw(&["invite", "--unit", wanted, "--role", "chair"]);
        assert!(!out.status.success(), "--unit {wanted:?} found a unit");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("không tìm thấy đơn vị"), "{err}");
    }
}

#[test]
fn the_command_line_keeps_the_bots_announcement_limit() {
    let env = TestEnv::new();
    // A chair to receive it (an announcement to nobody is refused).
    support::seed_chairs_sync(&env, 1);
    let long = "a".repeat(thidua::broadcast::MAX_TEXT + 1);
    let out = env.cli_raw(&["broadcast", "--text", &long]);
    assert!(!out.status.success(), "a 1 501-character announcement");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1501 ký tự") && err.contains("tối đa 1500"),
        "{err}"
    );
    let most = "â".repeat(thidua::broadcast::MAX_TEXT);
    let done = env.cli(&["broadcast", "--text", &most]);
    assert!(done.contains("Đã xếp thông báo"), "{done}");
    // What is cleaned off does not count, and is not sent.
    let padded = format!("{}\u{7}\u{202E}", "b".repeat(thidua::broadcast::MAX_TEXT));
    env.cli(&["broadcast", "--text", &padded]);
}
