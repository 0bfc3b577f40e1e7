//! "/tinhtrang": a chair sees the unit's checklist; staff see every unit.

use std::collections::HashMap;

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::Reply;
use crate::domain::campaign_file::AsksFor;
use crate::domain::dates::format_dmy;
use crate::domain::member::{Member, Role};
use crate::i18n::{tr, trf};
use crate::store::deadlines;
use crate::store::submissions::{self, Status};

/// Names listed per deadline for staff before "and N more".
const NAMES: usize = 20;
/// Units in the staff's table: a chat screen, not a register.
const TABLE_ROWS: i64 = 40;

impl Handler {
    pub(super) async fn status(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let tz = campaign.tz();
        let mut lines = vec![trf(lang, "status.title", &[("campaign", &campaign.code)])];
        let total = submissions::subject_count(&mut turn.tx).await?;
        for d in deadlines::for_campaign(&mut turn.tx, campaign.id).await? {
            if d.spec.asks_for == AsksFor::Registration {
                continue;
            }
            let due = format_dmy(d.spec.due_on);
            if me.role == Role::Staff {
                let (missing, first) =
                    submissions::missing_page(&mut turn.tx, &d, NAMES as i64).await?;
                let mut names: Vec<String> = first.iter().map(|u| u.name.clone()).collect();
                if missing > NAMES as i64 {
                    names.push(trf(
                        lang,
                        "reminder.digest_more",
                        &[("n", &(missing - NAMES as i64).to_string())],
                    ));
                }
                let done = total - missing;
                let mut line = trf(
                    lang,
                    "status.staff_line",
                    &[
                        ("title", &d.spec.title),
                        ("due", &due),
                        ("done", &done.to_string()),
                        ("total", &total.to_string()),
                    ],
                );
                if !names.is_empty() {
                    line.push('\n');
                    line.push_str(&trf(
                        lang,
                        "status.missing",
                        &[("units", &names.join(", "))],
                    ));
                }
                lines.push(line);
            } else {
                let state = match submissions::for_unit(&mut turn.tx, d.id, me.unit_id).await? {
                    None => tr(lang, "status.not_submitted"),
                    Some(s) => {
                        let at = s
                            .submitted_at
                            .with_timezone(&tz)
                            .format("%d/%m/%Y %H:%M")
                            .to_string();
                        match s.status {
                            Status::Submitted if s.late => {
                                trf(lang, "status.submitted_late", &[("at", &at)])
                            }
                            Status::Submitted => trf(lang, "status.submitted", &[("at", &at)]),
                            Status::Approved => tr(lang, "status.approved"),
                            Status::Returned => trf(
                                lang,
                                "status.returned",
                                &[("reason", s.review_reason.as_deref().unwrap_or("-"))],
                            ),
                        }
                    }
                };
                lines.push(format!(
                    "{} ({}): {state}",
                    d.spec.title,
                    trf(lang, "status.due", &[("due", &due)])
                ));
            }
        }
        if me.role == Role::Staff {
            lines.push(self.unit_table(turn, total, campaign.id).await?);
        }
        turn.say(Reply::text(lines.join("\n\n")));
        Ok(())
    }

    /// One line per unit, one mark per deadline, for the first units; the rest is
    /// counted, and the whole table is the export's job (`/xuat`).
    async fn unit_table(&self, turn: &mut Turn, total: i64, campaign_id: i64) -> Result<String> {
        let lang = turn.lang;
        let deadlines: Vec<_> = deadlines::for_campaign(&mut turn.tx, campaign_id)
            .await?
            .into_iter()
            .filter(|d| d.spec.asks_for != AsksFor::Registration)
            .collect();
        let units = submissions::subject_units_page(&mut turn.tx, TABLE_ROWS).await?;
        let deadline_ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let handed_in: HashMap<(i64, i64), submissions::Submission> =
            submissions::of_units(&mut turn.tx, &deadline_ids, &unit_ids)
                .await?
                .into_iter()
                .map(|s| ((s.deadline_id, s.unit_id), s))
                .collect();
        let mut rows = vec![tr(lang, "status.legend")];
        for u in &units {
            let marks: Vec<String> = deadlines
                .iter()
                .map(|d| {
                    let mark = match handed_in.get(&(d.id, u.id)) {
                        None => "✗",
                        Some(s) if s.status == Status::Approved => "✔️",
                        Some(s) if s.status == Status::Returned => "↩️",
                        Some(s) if s.late => "⚠️",
                        Some(_) => "✅",
                    };
                    format!("{} {mark}", d.spec.key)
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
}
