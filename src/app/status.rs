//! "/tinhtrang": a chair sees the unit's checklist; staff see the units they act on,
//! counted, with the first few named, each district's figures for a province, and the
//! whole table as a spreadsheet on request.

use std::collections::HashMap;

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::{Action, Choice, Reply};
use crate::domain::dates::format_dmy;
use crate::domain::member::{Member, Role};
use crate::domain::unit::Scope;
use crate::export::submission_state;
use crate::i18n::{tr, trf, Lang};
use crate::scheduler::messages;
use crate::store::deadlines::{self, Deadline};
use crate::store::scope;
use crate::store::submissions::{self, Branch, Status};

/// Names listed per deadline for staff before "and N more".
const NAMES: usize = 20;
/// Units in the staff's table: a chat screen, not a register.
const TABLE_ROWS: i64 = 40;

impl Handler {
    pub(super) async fn status(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let campaign = turn.campaign().await?;
        let deadlines = deadlines::reported(&mut turn.tx, campaign.id).await?;
        let title = trf(turn.lang, "status.title", &[("campaign", &campaign.title)]);
        if me.role == Role::Staff {
            return self.staff_status(turn, me, title, &deadlines).await;
        }
        let tz = campaign.tz();
        let mut lines = vec![title];
        for d in &deadlines {
            let s = submissions::for_unit(&mut turn.tx, d.id, me.unit_id).await?;
            let due = format_dmy(d.spec.due_on);
            // Past the deadline, "not yet" is "late": said with the date it was due.
            let state = match s {
                None if turn.now > d.spec.due_at(tz) => {
                    trf(turn.lang, "status.overdue", &[("due", &due)])
                }
                _ => submission_state(turn.lang, s.as_ref(), tz),
            };
            lines.push(format!(
                "{} ({}): {state}",
                d.spec.title,
                trf(turn.lang, "status.due", &[("due", &due)]),
            ));
        }
        turn.say(Reply::text(lines.join("\n\n")));
        Ok(())
    }

    async fn staff_status(
        &self,
        turn: &mut Turn,
        me: &Member,
        title: String,
        deadlines: &[Deadline],
    ) -> Result<()> {
        let lang = turn.lang;
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let total = submissions::subject_count(&mut turn.tx, within).await?;
        let mut lines = vec![title];
        for d in deadlines {
            let (missing, first) =
                submissions::missing_page(&mut turn.tx, d, within, NAMES as i64).await?;
            let branches = submissions::by_branch(&mut turn.tx, d, me.unit_id, within).await?;
            lines.push(deadline_lines(lang, d, total, missing, &first, &branches));
        }
        let campaign = turn.campaign().await?;
        let (done, ongoing, not_done, unreported) =
            crate::store::registrations::result_counts(&mut turn.tx, campaign.id, within).await?;
        if done + ongoing + not_done + unreported > 0 {
            lines.push(trf(
                lang,
                "status.results",
                &[
                    ("done", &done.to_string()),
                    ("ongoing", &ongoing.to_string()),
                    ("not_done", &not_done.to_string()),
                    ("unreported", &unreported.to_string()),
                ],
            ));
        }
        lines.push(self.unit_table(turn, within, total, deadlines).await?);
        turn.say(Reply::with_choices(
            lines.join("\n\n"),
            vec![Choice::new(
                tr(lang, "button.status_file"),
                Action::StatusFile,
            )],
        ));
        Ok(())
    }

    /// One line per unit, one mark per deadline, for the first units; the rest is
    /// counted, and the whole table is the spreadsheet's job.
    async fn unit_table(
        &self,
        turn: &mut Turn,
        within: Scope,
        total: i64,
        deadlines: &[Deadline],
    ) -> Result<String> {
        let lang = turn.lang;
        let units = submissions::subject_units_page(&mut turn.tx, within, TABLE_ROWS).await?;
        let deadline_ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let handed_in: HashMap<(i64, i64), submissions::Submission> =
            submissions::of_units(&mut turn.tx, &deadline_ids, &unit_ids)
                .await?
                .into_iter()
                .map(|s| ((s.deadline_id, s.unit_id), s))
                .collect();
        // Deadlines by number, named once above the rows: a person reads titles, never
        // the campaign file's keys.
        let mut rows = vec![tr(lang, "status.legend")];
        for (i, d) in deadlines.iter().enumerate() {
            rows.push(format!("({}) {}", i + 1, d.spec.title));
        }
        for u in &units {
            let marks: Vec<String> = deadlines
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let mark = match handed_in.get(&(d.id, u.id)) {
                        None => "✗",
                        Some(s) if s.status == Status::Approved => "✔️",
                        Some(s) if s.status == Status::Returned => "↩️",
                        Some(s) if s.late => "⚠️",
                        Some(_) => "✅",
                    };
                    format!("({}) {mark}", i + 1)
                })
                .collect();
            rows.push(format!("{}: {}", u.name, marks.join(" · ")));
        }
        if total > TABLE_ROWS {
            rows.push(trf(
                lang,
                "status.more_units",
                &[("n", &(total - TABLE_ROWS).to_string())],
            ));
        }
        Ok(rows.join("\n"))
    }

    /// The whole status table of the staff member's units, as a spreadsheet in the chat.
    pub(super) async fn status_file(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let campaign = turn.campaign().await?;
        let actor = crate::ops::Actor::Staff(me.clone());
        let (sheet, n) =
            crate::ops::exports::status(&mut turn.tx, &actor, &campaign, None, turn.lang).await?;
        let caption = trf(turn.lang, "status.file_caption", &[("n", &n.to_string())]);
        let file_name = format!(
            "tinh-trang-{}.xlsx",
            crate::domain::dates::file_day(turn.now)
        );
        self.give_file(turn, me, (file_name, sheet.into_bytes()?, caption))
            .await?;
        Ok(())
    }
}

/// A deadline's line for staff: how many handed in, the first missing by name, and a
/// province's districts one line each.
fn deadline_lines(
    lang: Lang,
    d: &Deadline,
    total: i64,
    missing: i64,
    first: &[crate::domain::unit::Unit],
    branches: &[Branch],
) -> String {
    let mut line = trf(
        lang,
        "status.staff_line",
        &[
            ("title", &d.spec.title),
            ("due", &format_dmy(d.spec.due_on)),
            ("done", &(total - missing).to_string()),
            ("total", &total.to_string()),
        ],
    );
    let mut names: Vec<String> = first.iter().map(|u| u.name.clone()).collect();
    if missing > first.len() as i64 {
        let more = (missing - first.len() as i64).to_string();
        names.push(trf(lang, "reminder.digest_more", &[("n", &more)]));
    }
    if !names.is_empty() {
        line.push('\n');
        line.push_str(&trf(
            lang,
            "status.missing",
            &[("units", &names.join(", "))],
        ));
    }
    line.push_str(&messages::branch_lines(lang, branches));
    line
}
