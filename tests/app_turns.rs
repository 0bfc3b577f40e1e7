//! The application layer over a real SQLite file, without a channel: the rules that
//! are hard to provoke through a live bot.

mod support;

use chrono::{Duration, Utc};
use thidua::app::{Answer, App};
use thidua::conversation::{Body, Incoming, RawInput};
use thidua::domain::member::{Channel, Role};
use thidua::domain::unit::UnitKind;
use thidua::store::{self, invites, units};

async fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let db = store::connect(&url).await.unwrap();
    (App::new(db), dir)
}

fn msg(update_id: Option<i64>, input: RawInput) -> Incoming {
    Incoming {
        channel: Channel::Telegram,
        user_id: "77".into(),
        chat_id: "77".into(),
        display_name: "Phúc".into(),
        language_code: Some("vi".into()),
        update_id,
        message_id: None,
        input,
    }
}

fn texts(out: &[Answer]) -> Vec<String> {
    out.iter()
        .map(|a| match &a.out.body {
            Body::Reply(r) => r.text.clone(),
            Body::Document { caption, .. } => caption.clone(),
        })
        .collect()
}

/// A unit and a chair's invite code for it.
async fn invite(app: &App) -> String {
    let unit = units::add(
        &mut app.db.read().await.unwrap(),
        "CĐCS Bưu điện huyện",
        UnitKind::Enterprise,
    )
    .await
    .unwrap();
    invites::create(
        &mut app.db.read().await.unwrap(),
        unit.id,
        Role::Chair,
        Utc::now() + Duration::days(1),
        None,
    )
    .await
    .unwrap()
}

async fn member(app: &App) {
    let code = invite(app).await;
    let out = app
        .handle(msg(Some(1), RawInput::Text(format!("/start {code}"))))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("CĐCS Bưu điện huyện"), "{out:?}");
}

/// An update delivered again (its first instance died before acknowledging it, or a
/// poll after a crash) changes nothing: the last one gets the same replies again, in
/// case they never went out; an older one gets nothing.
#[tokio::test]
async fn a_redelivered_update_changes_nothing() {
    let (app, _dir) = app().await;
    member(&app).await;
    let first = app
        .handle(msg(Some(2), RawInput::Text("/dangky".into())))
        .await
        .unwrap();
    assert!(texts(&first)[0].contains(&support::step(1)));
    let again = app
        .handle(msg(Some(2), RawInput::Text("/dangky".into())))
        .await
        .unwrap();
    assert_eq!(texts(&again), texts(&first), "said again, not done again");
    // A kind pressed once moves one step, even if Telegram sends it twice.
    let press = || msg(Some(3), RawInput::Button("p:mo_hinh".into()));
    let pressed = texts(&app.handle(press()).await.unwrap());
    assert!(pressed[0].contains(&support::step(2)));
    assert_eq!(texts(&app.handle(press()).await.unwrap()), pressed);
    // An older update, seen before, is only ignored.
    let older = app
        .handle(msg(Some(2), RawInput::Text("/dangky".into())))
        .await
        .unwrap();
    assert!(older.is_empty(), "{older:?}");
    let out = app
        .handle(msg(Some(4), RawInput::Text("Tên đủ dài".into())))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains(&support::step(3)), "{out:?}");
}

#[tokio::test]
async fn expired_codes_are_refused_and_not_consumed_by_strangers() {
    let (app, _dir) = app().await;
    let unit = units::add(
        &mut app.db.read().await.unwrap(),
        "CĐCS Chi cục Thuế",
        UnitKind::Agency,
    )
    .await
    .unwrap();
    let expired = invites::create(
        &mut app.db.read().await.unwrap(),
        unit.id,
        Role::Chair,
        Utc::now() - Duration::minutes(1),
        None,
    )
    .await
    .unwrap();
    let out = app
        .handle(msg(None, RawInput::Text(format!("/start {expired}"))))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("hết hạn"), "{out:?}");
    // Still a stranger: nothing but the explanation.
    let out = app
        .handle(msg(None, RawInput::Text("/dangky".into())))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("mã mời"), "{out:?}");
}

#[tokio::test]
async fn language_follows_the_client_and_the_switch_sticks() {
    let (app, _dir) = app().await;
    member(&app).await;
    let mut english = msg(None, RawInput::Text("/dangky".into()));
    english.language_code = Some("en-US".into());
    let out = app.handle(english.clone()).await.unwrap();
    assert!(
        texts(&out)[0].contains("What are you registering"),
        "{out:?}"
    );

    let out = app
        .handle(msg(None, RawInput::Text("/ngonngu".into())))
        .await
        .unwrap();
    let Body::Reply(menu) = &out[0].out.body else {
        panic!()
    };
    let vi = menu
        .choices
        .iter()
        .find(|c| c.label == "Tiếng Việt")
        .unwrap();
    let out = app
        .handle(msg(None, RawInput::Button(vi.action.encode())))
        .await
        .unwrap();
    let t = texts(&out);
    assert!(t[0].contains("tiếng Việt"), "{t:?}");
    assert!(
        t[1].contains(&support::step(1)),
        "the form question follows: {t:?}"
    );
    // An English client no longer overrides the explicit choice.
    let out = app.handle(english).await.unwrap();
    assert!(texts(&out)[0].contains("đang điền dở"), "{out:?}");
}

#[tokio::test]
async fn a_broken_stored_state_starts_over_instead_of_locking_the_chat() {
    let (app, _dir) = app().await;
    member(&app).await;
    sqlx::query("UPDATE chats SET state = '{\"state\":\"from_the_future\"}'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let out = app
        .handle(msg(None, RawInput::Text("/dangky".into())))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains(&support::step(1)), "{out:?}");
}

#[tokio::test]
async fn forged_buttons_record_nothing() {
    let (app, _dir) = app().await;
    member(&app).await;
    // "Đã nhận" of an announcement this member never received.
    let out = app
        .handle(msg(Some(2), RawInput::Button("ak:999999".into())))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("đã cũ"), "{out:?}");
    let acks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM broadcast_acks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(acks, 0);
    // A language that does not exist changes nothing and says nothing false.
    let out = app
        .handle(msg(Some(3), RawInput::Button("l:zz".into())))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("đã cũ"), "{out:?}");
    let out = app
        .handle(msg(Some(4), RawInput::Text("/help".into())))
        .await
        .unwrap();
    assert!(
        texts(&out)[0].contains("Chủ tịch"),
        "still Vietnamese: {out:?}"
    );
}

#[tokio::test]
async fn a_zalo_message_delivered_again_later_is_answered_once() {
    let (app, _dir) = app().await;
    let zalo = |id: &str| Incoming {
        channel: Channel::Zalo,
        user_id: "a0b1c2".into(),
        chat_id: "a0b1c2".into(),
        display_name: "Hoa".into(),
        language_code: None,
        update_id: None,
        message_id: Some(id.into()),
        input: RawInput::Text("xin chào".into()),
    };
    assert_eq!(app.handle(zalo("m1")).await.unwrap().len(), 1);
    assert_eq!(app.handle(zalo("m2")).await.unwrap().len(), 1);
    // m1 again after m2: a webhook retry that came late.
    assert!(app.handle(zalo("m1")).await.unwrap().is_empty());
    assert_eq!(app.handle(zalo("m3")).await.unwrap().len(), 1);
}

#[tokio::test]
async fn guessing_invite_codes_is_slowed_down() {
    let (app, _dir) = app().await;
    let code = invite(&app).await;
    for (i, guess) in ["AAAA2222", "BBBB3333", "CCCC4444", "DDDD5555", "EEEE6666"]
        .iter()
        .enumerate()
    {
        let out = app
            .handle(msg(
                Some(i as i64),
                RawInput::Text(format!("/start {guess}")),
            ))
            .await
            .unwrap();
        assert!(texts(&out)[0].contains("không đúng"), "{out:?}");
    }
    // The right code now waits too: the sixth try in a row is not even looked at.
    let out = app
        .handle(msg(Some(9), RawInput::Text(format!("/start {code}"))))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("Xin chờ 10 phút"), "{out:?}");
    let later = App::new(app.db.clone()).with_clock(thidua::clock::Clock::starting_at(
        Utc::now() + Duration::minutes(11),
    ));
    let out = later
        .handle(msg(Some(10), RawInput::Text(format!("/start {code}"))))
        .await
        .unwrap();
    assert!(texts(&out)[0].contains("CĐCS Bưu điện huyện"), "{out:?}");
}
