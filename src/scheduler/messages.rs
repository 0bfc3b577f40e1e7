use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::conversation::{Action, Choice, Reply};
use crate::domain::dates::format_dmy;
use crate::domain::registration::{Registration, ASK_AGAIN_DAYS};
use crate::domain::reminders::{days_left, Due};
use crate::domain::unit::Unit;
use crate::i18n::{tr, trf, Lang};
use crate::store::deadlines::Deadline;
use crate::store::submissions::Branch;

/// Names listed in a digest before "and N more": a chat message, not a register.
const DIGEST_NAMES: usize = 30;
/// Districts listed under a province's figures before "and N more".
const BRANCHES: usize = 20;

fn documents(d: &Deadline) -> String {
    if d.spec.documents.is_empty() {
        return d.spec.title.clone();
    }
    d.spec
        .documents
        .iter()
        .map(|doc| doc.title.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn to_chair(
    d: &Deadline,
    due: Due,
    unit: &str,
    tz: Tz,
    now: DateTime<Utc>,
    lang: Lang,
) -> String {
    let due_date = format_dmy(d.spec.due_on);
    let left = match days_left(&d.spec, tz, now) {
        0 => tr(lang, "reminder.today"),
        n => trf(lang, "reminder.days_left", &[("n", &n.to_string())]),
    };
    let args = [
        ("unit", unit),
        ("title", d.spec.title.as_str()),
        ("due", due_date.as_str()),
        ("left", left.as_str()),
        ("missing", &documents(d)),
        ("command", &d.spec.asks_for.command()),
    ];
    match due {
        Due::Reminder { .. } => trf(lang, "reminder.before", &args),
        Due::Overdue => trf(lang, "reminder.overdue", &args),
    }
}

/// Names listed in a digest: the query asks for no more.
pub const DIGEST_LIMIT: i64 = DIGEST_NAMES as i64;

/// `first`: the first missing units (at most `DIGEST_NAMES`), of `missing` in all.
pub fn digest(d: &Deadline, first: &[Unit], missing: i64, total: i64, lang: Lang) -> String {
    let due = format_dmy(d.spec.due_on);
    if missing == 0 {
        return trf(
            lang,
            "reminder.digest_all_in",
            &[
                ("title", &d.spec.title),
                ("due", &due),
                ("total", &total.to_string()),
            ],
        );
    }
    let mut names: Vec<&str> = first
        .iter()
        .take(DIGEST_NAMES)
        .map(|u| u.name.as_str())
        .collect();
    let more;
    let listed = names.len() as i64;
    if missing > listed {
        more = trf(
            lang,
            "reminder.digest_more",
            &[("n", &(missing - listed).to_string())],
        );
        names.push(&more);
    }
    trf(
        lang,
        "reminder.digest",
        &[
            ("title", &d.spec.title),
            ("due", &due),
            ("missing", &missing.to_string()),
            ("total", &total.to_string()),
            ("units", &names.join(", ")),
        ],
    )
}

/// "• LĐLĐ huyện A: 40/60 đã nộp" per district, the first `BRANCHES` of them.
pub fn branch_lines(lang: Lang, branches: &[Branch]) -> String {
    let mut out = String::new();
    for b in branches.iter().take(BRANCHES) {
        out.push('\n');
        out.push_str(&trf(
            lang,
            "status.branch_line",
            &[
                ("unit", &b.unit.name),
                ("done", &(b.subjects - b.missing).to_string()),
                ("total", &b.subjects.to_string()),
            ],
        ));
    }
    if branches.len() > BRANCHES {
        out.push('\n');
        let more = (branches.len() - BRANCHES).to_string();
        out.push_str(&trf(lang, "status.more_units", &[("n", &more)]));
    }
    out
}

/// The question about a work's end, with its three answers.
pub fn result_question(lang: Lang, w: &Registration) -> Reply {
    let number = w.number.to_string();
    let text = trf(
        lang,
        "result.ask",
        &[
            ("number", &number),
            ("name", &w.draft.name),
            ("unit", &w.unit_name),
            ("end", &format_dmy(w.draft.end_date)),
        ],
    );
    let days = ASK_AGAIN_DAYS.to_string();
    Reply::with_choices(
        text,
        vec![
            Choice::new(tr(lang, "button.result_done"), Action::ResultDone(w.id)),
            Choice::new(
                trf(lang, "button.result_later", &[("days", &days)]),
                Action::ResultLater(w.id),
            ),
            Choice::new(
                tr(lang, "button.result_not_done"),
                Action::ResultNotDone(w.id),
            ),
        ],
    )
}
