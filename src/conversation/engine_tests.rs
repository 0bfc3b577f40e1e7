//! The form engine alone: no bot, no database.

use super::*;
use crate::conversation::registration_form::*;
use crate::domain::answers;
use crate::domain::registration::RegistrationDraft;
use crate::domain::registration::WorkKind;

/// Vietnamese, with buttons, no awards, no campaign end: the engine's tests' context.
pub(crate) const CTX: Ctx = Ctx {
    awards: Vec::new(),
    lang: Lang::Vi,
    buttons: true,
    default_year: 2025,
    campaign_ends: None,
};

fn new() -> FormSession {
    FormSession::new(FormId::Registration, "KEY1".into())
}

fn go(s: FormSession, input: Input) -> (FormSession, Reply) {
    match step(s, input, &REGISTRATION, &CTX) {
        FormOutcome::Continue(s, mut replies) => {
            assert_eq!(replies.len(), 1);
            (s, replies.remove(0))
        }
        other => panic!("expected to continue, got {other:?}"),
    }
}

fn text(s: FormSession, t: &str) -> (FormSession, Reply) {
    go(s, Input::Text(t.into()))
}

fn act(s: FormSession, a: Action) -> (FormSession, Reply) {
    go(s, Input::Action(a))
}

/// A session that has answered everything and stands at the summary. Walked from the
/// form's declaration: each item's answer by its key, an optional item this does not
/// know (one added to the form later) skipped.
fn at_summary() -> FormSession {
    let mut s = new();
    for f in REGISTRATION.fields.iter() {
        let input = match &*f.key {
            KIND => Input::Action(Action::Pick("mo_hinh".into())),
            NAME => Input::Text("Mái ấm công đoàn".into()),
            START_DATE => Input::Text("15/01/2025".into()),
            END_DATE => Input::Text("30/6/2025".into()),
            CONTENT => Input::Text("Xây hai căn nhà".into()),
            ESTIMATED_VALUE => Input::Text("250 triệu".into()),
            BENEFIT_SOCIAL => Input::Text("Đoàn viên an cư".into()),
            _ => Input::Action(Action::Skip),
        };
        s = go(s, input).0;
    }
    assert_eq!(s.step, Step::Summary);
    assert!(prompt(&s, &REGISTRATION, &CTX)
        .text
        .contains("Xin kiểm tra lại"));
    s
}

/// "(n/total)" as the n-th question of the registration form shows it.
fn nth(n: usize) -> String {
    format!("({n}/{})", REGISTRATION.fields.len())
}

#[test]
fn a_complete_walk_submits_the_draft() {
    let s = at_summary();
    let outcome = step(
        s,
        Input::Action(Action::Confirm("KEY1".into())),
        &REGISTRATION,
        &CTX,
    );
    let FormOutcome::Submit(s) = outcome else {
        panic!("{outcome:?}")
    };
    let d = RegistrationDraft::from_answers(&s.answers).unwrap();
    assert_eq!(d.kind, WorkKind::MoHinh);
    assert_eq!(d.estimated_value.dong(), 250_000_000);
    assert_eq!(answers::text(&s.answers, BENEFIT_ECONOMIC), None);
    assert_eq!(
        answers::text(&s.answers, BENEFIT_SOCIAL),
        Some("Đoàn viên an cư")
    );
    assert_eq!(answers::text(&s.answers, TIME_SAVED), None);
}

#[test]
fn the_summary_lists_every_answer_with_buttons() {
    let r = prompt(&at_summary(), &REGISTRATION, &CTX);
    for part in [
        "1. Loại: Mô hình",
        "3. Thời gian bắt đầu: 15/01/2025",
        "6. Tổng giá trị thực hiện dự kiến: 250.000.000 đồng",
        "7. Giá trị làm lợi - Kinh tế: (bỏ qua)",
    ] {
        assert!(r.text.contains(part), "{part}: {}", r.text);
    }
    let actions: Vec<Action> = r.choices.iter().map(|c| c.action.clone()).collect();
    assert_eq!(
        actions,
        [
            Action::Confirm("KEY1".into()),
            Action::Edit,
            Action::Cancel,
            Action::Back
        ]
    );
}

#[test]
fn bad_input_reasks_the_same_question_and_keeps_answers() {
    let (s, _) = act(new(), Action::Pick("cong_trinh".into()));
    let (s, _) = text(s, "Nhà văn hóa công nhân");
    let before = s.clone();
    for (bad, reason) in [
        ("31/02/2025", "không có ngày 31"),
        ("hôm qua", "Chưa hiểu ngày"),
        ("15/13/2025", "Không có tháng 13"),
        ("   ", "Xin nhập câu trả lời"),
    ] {
        let (s, r) = text(before.clone(), bad);
        assert_eq!(s, before, "{bad}: nothing changes");
        assert!(r.text.contains(reason), "{bad}: {}", r.text);
        assert!(r.text.contains(&nth(3)), "{bad}: same question: {}", r.text);
    }
    let (s, r) = go(before.clone(), Input::Unsupported);
    assert_eq!(s, before);
    assert!(r.text.contains("chỉ nhận chữ") && r.text.contains(&nth(3)));
    let (s, r) = go(before.clone(), Input::UnknownCommand);
    assert_eq!(s, before);
    assert!(r.text.contains(&nth(3)));
}

#[test]
fn end_before_start_is_refused_with_the_start_date() {
    let (s, _) = act(new(), Action::Pick("cong_trinh".into()));
    let (s, _) = text(s, "Nhà văn hóa công nhân");
    let (s, _) = text(s, "15/3/2025");
    let (s, r) = text(s, "14/3/2025");
    assert_eq!(s.step, Step::Field(3));
    assert!(r.text.contains("(15/03/2025)"), "{}", r.text);
    let (s, _) = text(s, "15/3/2025");
    assert_eq!(s.step, Step::Field(4), "the same day is allowed");
}

#[test]
fn money_is_echoed_as_parsed() {
    let mut s = new();
    s.step = Step::Field(5);
    let (s, r) = text(s, "1 ty 2");
    assert!(
        r.text.starts_with("Đã ghi nhận: 1.200.000.000 đồng."),
        "{}",
        r.text
    );
    assert_eq!(s.step, Step::Field(6));
    let mut s2 = new();
    s2.step = Step::Field(5);
    for bad in ["0", "-5 triệu", "200-300 triệu", "nhiều lắm"] {
        let (after, r) = text(s2.clone(), bad);
        assert_eq!(after.step, Step::Field(5), "{bad}");
        assert!(r.text.starts_with("⚠️"), "{bad}: {}", r.text);
    }
}

#[test]
fn back_goes_one_step_and_shows_the_current_answer() {
    let (s, _) = act(new(), Action::Pick("san_pham".into()));
    let (s, _) = text(s, "Phần mềm quản lý đoàn viên");
    let (s, r) = go(s, Input::Action(Action::Back));
    assert_eq!(s.step, Step::Field(1));
    assert!(
        r.text.contains("Đã ghi: Phần mềm quản lý đoàn viên"),
        "{}",
        r.text
    );
    let (s, r) = act(s, Action::Back);
    assert_eq!(s.step, Step::Field(0));
    assert!(r.text.contains("Đã ghi: Sản phẩm"), "{}", r.text);
    // At the first question with answers kept, back does not throw them away.
    let (s, r) = act(s, Action::Back);
    assert_eq!(s.step, Step::Field(0));
    assert!(r.text.contains("câu hỏi đầu tiên"));
    assert_eq!(s.answers.len(), 2);
}

#[test]
fn back_on_the_first_question_says_so_and_offers_to_stop() {
    let (s, r) = go(new(), Input::Action(Action::Back));
    assert_eq!(s.step, Step::Field(0), "the form is not dropped unasked");
    assert!(r.text.contains("không có gì trước nó"), "{}", r.text);
    assert!(r.choices.iter().any(|c| c.action == Action::Cancel));
    assert!(matches!(
        step(s, Input::Action(Action::Cancel), &REGISTRATION, &CTX),
        FormOutcome::Cancelled(_)
    ));
}

#[test]
fn an_answer_gone_back_to_is_kept_by_a_choice_or_an_empty_line() {
    let (s, _) = act(new(), Action::Pick("san_pham".into()));
    let (s, _) = text(s, "Phần mềm quản lý đoàn viên");
    let (s, r) = text(s, "15/1/2025");
    assert_eq!(s.step, Step::Field(3), "{}", r.text);
    let (s, r) = act(s, Action::Back);
    assert!(r.text.contains("Đã ghi: 15/01/2025"), "{}", r.text);
    assert!(r.choices.iter().any(|c| c.action == Action::Keep));
    let (kept, _) = act(s.clone(), Action::Keep);
    assert_eq!(kept.step, Step::Field(3));
    assert_eq!(kept.answers, s.answers);
    let (kept, _) = text(s, "   ");
    assert_eq!(kept.step, Step::Field(3), "an empty line keeps it too");
    // A question never answered has nothing to keep.
    let (s, r) = act(new(), Action::Keep);
    assert_eq!(s.step, Step::Field(0));
    assert!(r.text.starts_with("⚠️"));
}

#[test]
fn without_buttons_the_summary_numbers_only_what_can_be_typed() {
    let ctx = Ctx {
        buttons: false,
        ..CTX
    };
    let r = prompt(&at_summary(), &REGISTRATION, &ctx);
    assert!(r.text.contains("• Loại: Mô hình"), "{}", r.text);
    assert!(!r.text.contains("1. Loại"), "{}", r.text);
    assert!(r.text.contains("gõ 1"), "{}", r.text);
    assert!(!r.text.to_lowercase().contains("bấm"), "{}", r.text);
    let numbered = crate::conversation::render::numbered_text(&r, Lang::Vi);
    assert_eq!(numbered.matches("\n1. ").count(), 1, "{numbered}");
    // Every form's summary has its typed words: each `summary_ask` a form declares, read
    // from the forms' own files so a new form cannot be forgotten here.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/conversation");
    let mut keys = Vec::new();
    for file in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        for part in text.split("summary_ask: Words::Key(\"").skip(1) {
            keys.push(part.split('"').next().unwrap().to_string());
        }
    }
    assert!(keys.len() >= 6, "{keys:?}");
    for key in &keys {
        for lang in Lang::ALL {
            let typed = crate::i18n::tr(lang, &format!("{key}_typed"));
            assert!(!typed.contains(key), "{key}_typed missing in {lang:?}");
        }
    }
}

#[test]
fn back_from_the_summary_returns_to_the_last_question() {
    let (s, _) = act(at_summary(), Action::Back);
    assert_eq!(s.step, Step::Field(REGISTRATION.fields.len() - 1));
}

#[test]
fn only_optional_fields_can_be_skipped() {
    let (s, r) = go(new(), Input::Action(Action::Skip));
    assert_eq!(s.step, Step::Field(0));
    assert!(r.text.contains("bắt buộc"), "{}", r.text);
    let mut s = new();
    s.step = Step::Field(6);
    let (s, r) = act(s, Action::Skip);
    assert_eq!(s.step, Step::Field(7));
    assert_eq!(s.answers.get(BENEFIT_ECONOMIC), Some(&Answer::Skipped));
    assert!(r.choices.iter().any(|c| c.action == Action::Skip));
}

#[test]
fn every_question_offers_back_and_optional_ones_skip() {
    let mut s = new();
    for (i, f) in REGISTRATION.fields.iter().enumerate() {
        s.step = Step::Field(i);
        let r = prompt(&s, &REGISTRATION, &CTX);
        assert!(
            r.choices.iter().any(|c| c.action == Action::Back),
            "{}",
            f.key
        );
        assert_eq!(
            r.choices.iter().any(|c| c.action == Action::Skip),
            f.optional,
            "{}",
            f.key
        );
    }
}

#[test]
fn editing_one_field_returns_to_the_summary() {
    let s = at_summary();
    let (s, r) = act(s, Action::Edit);
    assert_eq!(s.step, Step::PickEdit);
    assert_eq!(r.choices.len(), REGISTRATION.fields.len() + 1);
    let (s, r) = act(s, Action::EditField(NAME.into()));
    assert_eq!(s.step, Step::EditField(1));
    assert!(r.text.contains("Đã ghi: Mái ấm công đoàn"), "{}", r.text);
    let (s, r) = text(s, "Mái ấm công đoàn 2025");
    assert_eq!(s.step, Step::Summary);
    assert!(r.text.contains("Mái ấm công đoàn 2025"));
    assert!(r.text.contains("250.000.000 đồng"), "other answers kept");
}

#[test]
fn an_edit_cannot_break_the_date_order() {
    let (s, _) = act(at_summary(), Action::EditField(START_DATE.into()));
    let (s, r) = text(s, "1/7/2025");
    assert_eq!(s.step, Step::EditField(2));
    assert!(r.text.contains("(30/06/2025)"), "{}", r.text);
}

#[test]
fn back_while_editing_returns_to_the_summary_unchanged() {
    let before = at_summary();
    let (s, _) = act(before.clone(), Action::EditField(CONTENT.into()));
    let (s, _) = act(s, Action::Back);
    assert_eq!(s, before);
}

#[test]
fn cancel_works_from_every_step() {
    let mut s = at_summary();
    for st in [
        Step::Field(0),
        Step::Field(5),
        Step::Summary,
        Step::PickEdit,
        Step::EditField(2),
    ] {
        s.step = st;
        assert!(matches!(
            step(
                s.clone(),
                Input::Action(Action::Cancel),
                &REGISTRATION,
                &CTX
            ),
            FormOutcome::Cancelled(_)
        ));
    }
}

#[test]
fn stale_buttons_change_nothing() {
    let s = at_summary();
    for a in [
        Action::Confirm("OLDKEY".into()),
        Action::Pick("mo_hinh".into()),
        Action::Skip,
    ] {
        let (after, r) = act(s.clone(), a.clone());
        assert_eq!(after, s, "{a:?}");
        assert!(r.text.contains("đã cũ"), "{a:?}: {}", r.text);
    }
    // A kind button pressed again at the name question does not overwrite the kind.
    let (s, _) = act(new(), Action::Pick("mo_hinh".into()));
    let (after, _) = act(s.clone(), Action::Pick("san_pham".into()));
    assert_eq!(after, s);
}

#[test]
fn typed_kind_is_understood_without_diacritics() {
    let (s, _) = text(new(), "chuong trinh");
    assert_eq!(
        s.answers.get(KIND),
        Some(&Answer::Choice("chuong_trinh".into()))
    );
    let (s, r) = text(new(), "cái gì đó");
    assert_eq!(s.step, Step::Field(0));
    assert!(r.text.contains("Xin chọn"));
}

#[test]
fn text_limits_are_enforced() {
    let mut s = new();
    s.step = Step::Field(1);
    let (after, r) = text(s.clone(), "Nhà");
    assert_eq!(after.step, Step::Field(1));
    assert!(r.text.contains("ít nhất 5"));
    let (after, r) = text(s.clone(), &"a".repeat(301));
    assert_eq!(after.step, Step::Field(1));
    assert!(
        r.text.contains("301") && r.text.contains("300"),
        "{}",
        r.text
    );
    let (after, _) = text(s, &"â".repeat(300));
    assert_eq!(after.step, Step::Field(2), "characters, not bytes");
}

#[test]
fn a_name_of_invisible_characters_is_refused() {
    let mut s = new();
    s.step = Step::Field(1);
    let zero_width = "\u{200B}".repeat(6);
    let (after, r) = text(s.clone(), &zero_width);
    assert_eq!(after.step, Step::Field(1));
    assert!(r.text.contains("không nhìn thấy"), "{}", r.text);
    let (after, _) = text(
        s.clone(),
        "\u{202E}\u{202E}\u{2066}\u{2069}\u{FEFF}\u{00AD}",
    );
    assert_eq!(after.step, Step::Field(1));
    // Visible letters padded with zero-width ones are still too short.
    let (after, r) = text(s.clone(), "Nhà\u{200B}\u{200B}\u{200B}");
    assert_eq!(after.step, Step::Field(1));
    assert!(r.text.contains("ít nhất 5"), "{}", r.text);
    let (after, _) = text(s, "Mái ấm");
    assert_eq!(after.step, Step::Field(2));
}

#[test]
fn a_session_survives_serialisation() {
    let s = at_summary();
    let json = serde_json::to_string(&s).unwrap();
    let back: FormSession = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

#[test]
fn english_users_get_english_questions() {
    let ctx = Ctx {
        lang: Lang::En,
        buttons: true,
        default_year: 2025,
        campaign_ends: None,
        awards: Vec::new(),
    };
    let r = prompt(&new(), &REGISTRATION, &ctx);
    assert!(r.text.contains("What are you registering"), "{}", r.text);
    assert!(r.choices.iter().any(|c| c.label == "Model"));
}

/// Files: the submission form of a deadline asking for two documents.
mod files {
    use super::*;
    use crate::conversation::form::StoredFile;
    use crate::conversation::submission_form;
    use crate::domain::campaign_file::DocumentSpec;

    fn form() -> FormSpec {
        let docs =
            [("to_trinh", "Tờ trình"), ("bien_ban", "Biên bản")].map(|(k, t)| DocumentSpec {
                key: k.into(),
                title: t.into(),
            });
        submission_form::spec(
            ("Hồ sơ khen thưởng", "/hoso"),
            &docs,
            Lang::Vi,
            (
                crate::domain::member::Channel::Telegram.capabilities(),
                false,
            ),
        )
    }

    fn file(name: &str) -> StoredFile {
        StoredFile {
            name: name.into(),
            size: 2048,
            sha256: "ab".repeat(32),
            path: format!("drafts/K/{name}"),
            channel: "telegram".into(),
            file_id: name.into(),
        }
    }

    fn go(s: FormSession, spec: &FormSpec, input: Input) -> (FormSession, Reply) {
        match step(s, input, spec, &CTX) {
            FormOutcome::Continue(s, mut r) => (s, r.remove(0)),
            other => panic!("expected to continue, got {other:?}"),
        }
    }

    fn session() -> FormSession {
        FormSession::new(FormId::Submission { deadline_id: 7 }, "K".into())
    }

    #[test]
    fn each_document_is_a_question_then_the_note_then_the_checklist() {
        let spec = form();
        let s = session();
        let first = prompt(&s, &spec, &CTX);
        assert!(
            first.text.starts_with("(1/3) Xin gửi tệp: Tờ trình"),
            "{}",
            first.text
        );
        let (s, r) = go(s, &spec, Input::Text("đây".into()));
        assert_eq!(s.step, Step::Field(0));
        assert!(r.text.contains("xin gửi tệp"), "{}", r.text);
        let (s, r) = go(s, &spec, Input::File(Ok(file("a.pdf"))));
        assert!(r.text.starts_with("Đã nhận tệp a.pdf."), "{}", r.text);
        assert_eq!(s.step, Step::Field(1));
        let (s, _) = go(s, &spec, Input::File(Ok(file("b.pdf"))));
        // A file where the note is asked is not taken.
        let (s, r) = go(s, &spec, Input::File(Ok(file("c.pdf"))));
        assert_eq!(s.step, Step::Field(2));
        assert!(r.text.contains("chỉ nhận chữ"), "{}", r.text);
        let (s, r) = go(s, &spec, Input::Action(Action::Skip));
        assert_eq!(s.step, Step::Summary);
        assert!(
            r.text.contains("Kiểm tra trước khi nộp Hồ sơ khen thưởng"),
            "{}",
            r.text
        );
        assert!(r.text.contains("1. Tờ trình: a.pdf (2 KB)"), "{}", r.text);
        assert!(r.choices.iter().any(|c| c.label.contains("Nộp")));
        let mut names: Vec<_> = s.files().map(|f| f.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["a.pdf", "b.pdf"]);
    }

    #[test]
    fn a_refused_file_says_why_and_a_document_sent_can_be_kept_or_replaced() {
        let spec = form();
        let why = Rejection::plain("document.too_big");
        let (s, r) = go(session(), &spec, Input::File(Err(why)));
        assert_eq!(s.step, Step::Field(0));
        assert!(r.text.starts_with("⚠️"), "{}", r.text);
        let (s, _) = go(s, &spec, Input::File(Ok(file("a.pdf"))));
        let (s, back) = go(s, &spec, Input::Action(Action::Back));
        assert!(back.text.contains("Đã ghi: a.pdf"), "{}", back.text);
        assert!(back.choices.iter().any(|c| c.action == Action::Skip));
        let (kept, _) = go(s.clone(), &spec, Input::Action(Action::Skip));
        assert_eq!(kept.step, Step::Field(1));
        assert_eq!(kept.files().count(), 1);
        let (replaced, _) = go(s, &spec, Input::File(Ok(file("a2.pdf"))));
        let names: Vec<_> = replaced.files().map(|f| f.name.clone()).collect();
        assert_eq!(names, ["a2.pdf"], "one file per document");
        // A required document cannot be skipped before it is sent.
        let (s, _) = go(replaced, &spec, Input::Action(Action::Skip));
        assert_eq!(s.step, Step::Field(1));
        let (s, r) = go(s, &spec, Input::Action(Action::Skip));
        assert_eq!(s.step, Step::Field(1));
        assert!(r.text.contains("bắt buộc"), "{}", r.text);
    }

    #[test]
    fn a_form_changed_under_a_session_is_refitted() {
        let spec = form();
        let (s, _) = go(session(), &spec, Input::File(Ok(file("a.pdf"))));
        let (mut s, _) = go(s, &spec, Input::File(Ok(file("b.pdf"))));
        assert!(!s.refit(&spec), "nothing changed");
        // The deadline now asks for the first document only.
        let docs = [DocumentSpec {
            key: "to_trinh".into(),
            title: "Tờ trình".into(),
        }];
        let shorter = submission_form::spec(
            ("Hồ sơ", "/hoso"),
            &docs,
            Lang::Vi,
            (
                crate::domain::member::Channel::Telegram.capabilities(),
                false,
            ),
        );
        assert!(s.refit(&shorter));
        assert_eq!(s.step, Step::Field(1), "the note, now the second question");
        assert_eq!(s.files().count(), 1);
    }

    #[test]
    fn files_add_up_to_the_maximum_when_a_field_takes_several() {
        let mut fields = form().fields.to_vec();
        fields[0].kind = FieldKind::File { max: 2 };
        let spec = FormSpec {
            fields: fields.into(),
            texts: form().texts,
        };
        let (s, r) = go(session(), &spec, Input::File(Ok(file("1.jpg"))));
        assert_eq!(s.step, Step::Field(0), "room for one more");
        assert!(r.choices.iter().any(|c| c.label.contains("Xong")), "{r:?}");
        let (s, _) = go(s, &spec, Input::File(Ok(file("2.jpg"))));
        assert_eq!(s.step, Step::Field(1));
        assert_eq!(s.files().count(), 2);
        // Back to the full question, one more: the list starts again, never three.
        let (s, _) = go(s, &spec, Input::Action(Action::Back));
        assert_eq!(s.step, Step::Field(0));
        let (s, r) = go(s, &spec, Input::File(Ok(file("3.jpg"))));
        assert_eq!(s.files().count(), 1);
        assert!(r.text.contains("bắt đầu lại"), "{}", r.text);
    }
}

#[test]
fn an_announcement_is_written_addressed_and_previewed() {
    use crate::conversation::announcement_form;
    use crate::domain::audience::Audience;
    use crate::domain::deadline_kind::AsksFor;
    let spec = announcement_form::spec(None, Lang::Vi);
    let s = FormSession::new(FormId::Announcement, "K".into());
    let (s, r) = match step(s, Input::Text("Họp lúc 8 giờ".into()), &spec, &CTX) {
        FormOutcome::Continue(s, mut r) => (s, r.remove(0)),
        other => panic!("{other:?}"),
    };
    assert!(r.text.contains("Gửi tới ai?"), "{}", r.text);
    let labels: Vec<_> = r.choices.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"Tất cả chủ tịch CĐCS"), "{labels:?}");
    let pick = Input::Action(Action::Pick("unregistered".into()));
    let FormOutcome::Continue(s, _) = step(s, pick, &spec, &CTX) else {
        panic!()
    };
    // The app counts the audience picked and builds the form again for the preview.
    let counted = announcement_form::spec(
        Some((Audience::Missing(AsksFor::Registration), 7)),
        Lang::Vi,
    );
    let preview = prompt(&s, &counted, &CTX);
    assert!(preview.text.contains("2. Gửi tới: "), "{}", preview.text);
    assert!(preview.text.contains("(7 người)"), "{}", preview.text);
    let outcome = step(
        s,
        Input::Action(Action::Confirm("K".into())),
        &counted,
        &CTX,
    );
    assert!(matches!(outcome, FormOutcome::Submit(_)));
}

#[test]
fn a_question_taken_out_under_the_session_is_never_indexed_past_the_form() {
    use crate::domain::questions::{Question, QuestionKind};
    let asked = Question {
        key: "phoi_hop".into(),
        label: "Đơn vị phối hợp".into(),
        prompt: "Đơn vị nào phối hợp?".into(),
        kind: QuestionKind::Text,
        optional: true,
    };
    let longer = for_campaign(std::slice::from_ref(&asked));
    let mut s = at_summary();
    s.step = Step::Field(REGISTRATION.fields.len());
    s.mark(&longer);
    assert_eq!(s.asking.as_deref(), Some("phoi_hop"));
    // The question is gone: the session goes to the summary (all else answered),
    // and a prompt for a step past the end shows the summary instead of panicking.
    assert!(s.refit(&REGISTRATION));
    assert_eq!(s.step, Step::Summary);
    let past = FormSession {
        step: Step::Field(99),
        ..s.clone()
    };
    assert!(prompt(&past, &REGISTRATION, &CTX)
        .text
        .contains("Xin kiểm tra lại"));
}
