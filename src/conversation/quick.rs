//! "Điền nhanh": the whole form in one message. The form is sent once as a numbered
//! list; the person answers every item on its own line, in order (or only some, each
//! line starting with its number), and every line goes through the same parser and
//! the same reasons as the question-by-question way. What is right is kept; the reply
//! lists only what must be fixed, until nothing is, then the summary. On Zalo, where
//! each bot message counts against a monthly quota, a registration is then 3–4 bot
//! messages instead of a dozen.

use super::engine::{Ctx, FormOutcome, FormSession, Step};
use super::form::{Answer, FieldKind, FieldSpec, FormSpec};
use super::reply::{Action, Choice, Reply};
use crate::domain::text::fold;
use crate::i18n::{tr, trf, Lang};

/// Fewer questions than this are as quick one by one.
const WORTH_IT: usize = 5;

/// Whether the form can be answered in one message: long enough to be worth it, and
/// nothing to attach (a file cannot sit on a line).
pub fn allowed(spec: &FormSpec) -> bool {
    spec.fields.len() >= WORTH_IT && !spec.fields.iter().any(FieldSpec::takes_files)
}

/// The numbered list to answer, with what each line takes.
pub fn template(spec: &FormSpec, lang: Lang) -> Reply {
    let mut text = tr(lang, "form.quick.intro");
    text.push_str("\n\n");
    for (i, f) in spec.fields.iter().enumerate() {
        text.push_str(&format!(
            "{}. {}{}\n",
            i + 1,
            f.label.show(lang),
            shape(f, lang)
        ));
    }
    text.push('\n');
    text.push_str(&tr(lang, "form.quick.how"));
    Reply::with_choices(
        text,
        vec![
            Choice::new(tr(lang, "button.cancel"), Action::Cancel),
            Choice::new(tr(lang, "button.back"), Action::Back),
        ],
    )
}

/// What a line must look like, after the item's name.
fn shape(f: &FieldSpec, lang: Lang) -> String {
    let what = match &f.kind {
        FieldKind::Choice(options) => options
            .iter()
            .map(|o| o.label.show(lang))
            .collect::<Vec<_>>()
            .join(" / "),
        FieldKind::Date { .. } => tr(lang, "form.quick.date"),
        FieldKind::Money => tr(lang, "form.quick.money"),
        FieldKind::Text { .. } | FieldKind::File { .. } => String::new(),
    };
    let optional = if f.optional {
        tr(lang, "form.quick.optional")
    } else {
        String::new()
    };
    match (what.is_empty(), optional.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({what})"),
        (true, false) => format!(" ({optional})"),
        (false, false) => format!(" ({what}; {optional})"),
    }
}

/// The lines a person sent, as (item index, text): all numbered ("3. 15/1/2025"),
/// or one a item in the form's order. `None` when neither.
fn lines(text: &str, spec: &FormSpec) -> Option<Vec<(usize, String)>> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let numbered: Option<Vec<(usize, String)>> = lines
        .iter()
        .map(|l| {
            let (n, rest) = l.split_once(['.', ')', ':'])?;
            let n: usize = n.trim().parse().ok()?;
            (1..=spec.fields.len())
                .contains(&n)
                .then(|| (n - 1, rest.trim().to_string()))
        })
        .collect();
    match numbered {
        // "1.500.000 đồng" alone is an amount, not item 1: numbered means every line.
        Some(n) if !n.is_empty() && looks_numbered(&lines) => Some(n),
        _ if lines.len() == spec.fields.len() => Some(
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.to_string()))
                .collect(),
        ),
        _ => None,
    }
}

/// Every line starts "N." (or "N)" / "N:") followed by a space or nothing: how a
/// numbered answer is written, unlike an amount such as "1.500.000".
fn looks_numbered(lines: &[&str]) -> bool {
    lines.iter().all(|l| {
        let digits = l.chars().take_while(char::is_ascii_digit).count();
        let mut rest = l[digits..].chars();
        digits > 0
            && matches!(rest.next(), Some('.' | ')' | ':'))
            && rest.next().is_none_or(char::is_whitespace)
    })
}

/// "-", "không", "bỏ qua": nothing for an item that may be left out.
fn is_nothing(text: &str) -> bool {
    matches!(
        fold(text).as_str(),
        "" | "-" | "--" | "khong" | "khong co" | "bo qua" | "none" | "skip" | "n/a"
    )
}

/// A line copied from the list with the answer after it ("Loại (…): Mô hình"): the
/// answer alone.
fn without_label<'t>(f: &FieldSpec, text: &'t str, lang: Lang) -> &'t str {
    match text.split_once(':') {
        Some((before, after)) if fold(before).starts_with(&fold(&f.label.show(lang))) => {
            after.trim()
        }
        _ => text,
    }
}

/// One line's answer for field `f`, or why not.
fn answer(f: &FieldSpec, text: &str, s: &FormSession, ctx: &Ctx) -> Result<Answer, String> {
    let text = without_label(f, text, ctx.lang);
    if is_nothing(text) {
        return match f.optional {
            true => Ok(Answer::Skipped),
            false => Err(tr(ctx.lang, "form.quick.required")),
        };
    }
    // A choice may be given by its number in the list, as on the phone menus, or by
    // its name as the list shows it in the person's language ("Model").
    if let FieldKind::Choice(options) = &f.kind {
        let typed = fold(text);
        let by_number = text
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| options.get(i));
        let by_label = || {
            options
                .iter()
                .find(|o| fold(&o.label.show(ctx.lang)) == typed)
        };
        if let Some(o) = by_number.or_else(by_label) {
            return Ok(Answer::Choice(o.value.to_string()));
        }
    }
    f.parse(text, &s.answers, ctx.default_year)
        .map_err(|r| super::engine::rejection_text(&r, ctx.lang))
}

/// Takes the message: every line it can, then either the summary or the items still
/// to fix (wrong, or required and not given), with their reasons.
pub(super) fn take(mut s: FormSession, text: &str, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    let lang = ctx.lang;
    let Some(lines) = lines(text, spec) else {
        let text = trf(
            lang,
            "form.quick.count",
            &[("n", &spec.fields.len().to_string())],
        );
        return FormOutcome::Continue(s, vec![again(spec, lang, text)]);
    };
    let mut wrong: Vec<(usize, String)> = Vec::new();
    // One answer an item (the last given), in the form's order, so a later date is
    // checked against the earlier one.
    let lines: std::collections::BTreeMap<usize, String> = lines.into_iter().collect();
    for (i, line) in lines {
        let f = &spec.fields[i];
        match answer(f, &line, &s, ctx) {
            Ok(a) => {
                s.answers.insert(f.key.to_string(), a);
            }
            Err(why) => {
                s.answers.remove(&*f.key);
                wrong.push((i, why));
            }
        }
    }
    for (i, f) in spec.fields.iter().enumerate() {
        let missing = !s.answers.contains_key(&*f.key) && !wrong.iter().any(|(w, _)| *w == i);
        if missing && !f.optional {
            wrong.push((i, tr(lang, "form.quick.required")));
        }
    }
    if wrong.is_empty() {
        for f in spec.fields.iter() {
            s.answers
                .entry(f.key.to_string())
                .or_insert(Answer::Skipped);
        }
        s.step = Step::Summary;
        let summary = super::engine::prompt(&s, spec, ctx);
        return FormOutcome::Continue(s, vec![summary]);
    }
    wrong.sort_by_key(|(i, _)| *i);
    let list: Vec<String> = wrong
        .iter()
        .map(|(i, why)| format!("{}. {}: {why}", i + 1, spec.fields[*i].label.show(lang)))
        .collect();
    let example = wrong[0].0 + 1;
    let text = trf(
        lang,
        "form.quick.fix",
        &[
            ("n", &wrong.len().to_string()),
            ("list", &list.join("\n")),
            ("item", &example.to_string()),
        ],
    );
    FormOutcome::Continue(s, vec![with_exits(text, lang)])
}

/// The template again, after saying what was wrong with the message as a whole.
fn again(spec: &FormSpec, lang: Lang, why: String) -> Reply {
    let mut reply = template(spec, lang);
    reply.text = format!("⚠️ {why}\n\n{}", reply.text);
    reply
}

fn with_exits(text: String, lang: Lang) -> Reply {
    Reply::with_choices(
        text,
        vec![
            Choice::new(tr(lang, "button.cancel"), Action::Cancel),
            Choice::new(tr(lang, "button.back"), Action::Back),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::engine::{step, FormId, Input};
    use crate::conversation::registration_form::REGISTRATION;
    use crate::domain::registration::field::*;
    use crate::domain::registration::RegistrationDraft;

    use crate::conversation::engine::tests::CTX;

    fn quick() -> FormSession {
        let s = FormSession::new(FormId::Registration, "K".into());
        match step(s, Input::Action(Action::Quick), &REGISTRATION, &CTX) {
            FormOutcome::Continue(s, r) => {
                assert!(r[0].text.contains("MỘT tin nhắn"), "{}", r[0].text);
                assert!(r[0].text.contains("3. Thời gian bắt đầu (ngày/tháng/năm)"));
                s
            }
            other => panic!("{other:?}"),
        }
    }

    fn send(s: FormSession, text: &str) -> (FormSession, String) {
        match step(s, Input::Text(text.into()), &REGISTRATION, &CTX) {
            FormOutcome::Continue(s, r) => (s, r[0].text.clone()),
            other => panic!("{other:?}"),
        }
    }

    /// A whole answer, one line per item of the form as declared.
    fn block(value: &str, start: &str) -> String {
        REGISTRATION
            .fields
            .iter()
            .map(|f| match &*f.key {
                KIND => "Mô hình",
                NAME => "Mái ấm công đoàn",
                START_DATE => start,
                END_DATE => "30/6/2025",
                CONTENT => "Xây hai căn nhà cho đoàn viên",
                ESTIMATED_VALUE => value,
                BENEFIT_SOCIAL => "Đoàn viên an cư",
                _ => "-",
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_whole_form_in_one_message_goes_to_the_summary() {
        let (s, text) = send(quick(), &block("1.500.000.000 đồng", "15/1"));
        assert_eq!(s.step, Step::Summary, "{text}");
        assert!(text.contains("Xin kiểm tra lại"), "{text}");
        let d = RegistrationDraft::from_answers(&s.answers).unwrap();
        assert_eq!(
            d.estimated_value.dong(),
            1_500_000_000,
            "an amount, not item 1"
        );
        assert_eq!(d.start_date.to_string(), "2025-01-15");
        assert_eq!(s.answers.get(BENEFIT_ECONOMIC), Some(&Answer::Skipped));
    }

    #[test]
    fn only_what_is_wrong_is_asked_again_and_fixed_by_number() {
        let (s, text) = send(quick(), &block("nhiều lắm", "31/02/2025"));
        assert_eq!(s.step, Step::Quick);
        assert!(text.contains("Còn 2 mục cần sửa"), "{text}");
        assert!(text.contains("3. Thời gian bắt đầu: "), "{text}");
        assert!(text.contains("không có ngày 31"), "{text}");
        assert!(text.contains("6. Tổng giá trị"), "{text}");
        assert!(
            !text.contains("2. Tên"),
            "right items are not listed: {text}"
        );
        assert_eq!(
            s.answers.get(NAME),
            Some(&Answer::Text("Mái ấm công đoàn".into()))
        );
        // The end date was right but cannot be checked against a start not given:
        // it is kept, and checked again with the start.
        let (s, text) = send(s, "3. 15/1/2025\n6. 250 triệu");
        assert_eq!(s.step, Step::Summary, "{text}");
        assert!(text.contains("250.000.000 đồng"), "{text}");
    }

    #[test]
    fn a_choice_by_its_number_and_a_line_copied_with_its_label() {
        let mut lines: Vec<String> = block("250 triệu", "15/1/2025")
            .lines()
            .map(String::from)
            .collect();
        lines[0] = "3".into();
        lines[1] = "Tên công trình (sản phẩm, mô hình, chương trình): Mái ấm công đoàn".into();
        let (s, text) = send(quick(), &lines.join("\n"));
        assert_eq!(s.step, Step::Summary, "{text}");
        assert_eq!(s.answers.get(KIND), Some(&Answer::Choice("mo_hinh".into())));
        assert_eq!(
            s.answers.get(NAME),
            Some(&Answer::Text("Mái ấm công đoàn".into()))
        );
    }

    #[test]
    fn a_flood_of_lines_is_one_short_answer() {
        let flood = "1. không biết\n".repeat(5000);
        let (s, text) = send(quick(), &flood);
        assert_eq!(s.step, Step::Quick);
        assert!(
            text.chars().count() < 1500,
            "{} characters",
            text.chars().count()
        );
        let (_, text) = send(s, &"x".repeat(200_000));
        assert!(
            text.chars().count() < 2000,
            "{} characters",
            text.chars().count()
        );
    }

    #[test]
    fn a_message_of_the_wrong_shape_gets_the_list_again() {
        let (s, text) = send(quick(), "Mái ấm công đoàn\n15/1/2025");
        assert_eq!(s.step, Step::Quick);
        let need = format!("⚠️ Cần {} dòng", REGISTRATION.fields.len());
        assert!(text.starts_with(&need), "{text}");
        assert!(s.answers.is_empty());
        // Back: the questions one by one, from the first.
        match step(s, Input::Action(Action::Back), &REGISTRATION, &CTX) {
            FormOutcome::Continue(s, _) => assert_eq!(s.step, Step::Field(0)),
            other => panic!("{other:?}"),
        }
    }
}
