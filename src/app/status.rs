//! "/tinhtrang": a chair sees the unit's checklist; staff see every unit.

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

impl Handler {
    pub(super) async fn status(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let tz = campaign.tz();
        let mut lines = vec![trf(lang, "status.title", &[("campaign", &campaign.code)])];
        let all_units = submissions::subject_units(&mut turn.tx).await?;
        for d in deadlines::for_campaign(&mut turn.tx, campaign.id).await? {
            if d.spec.asks_for == AsksFor::Registration {
                continue;
            }
            let due = format_dmy(d.spec.due_on);
            if me.role == Role::Staff {
                let missing = submissions::missing_units(&mut turn.tx, &d).await?;
                let mut names: Vec<String> =
                    missing.iter().take(NAMES).map(|u| u.name.clone()).collect();
                if missing.len() > NAMES {
                    names.push(trf(
                        lang,
                        "reminder.digest_more",
                        &[("n", &(missing.len() - NAMES).to_string())],
                    ));
                }
                let done = all_units.len() - missing.len();
                let mut line = trf(
                    lang,
                    "status.staff_line",
                    &[
                        ("title", &d.spec.title),
                        ("due", &due),
                        ("done", &done.to_string()),
                        ("total", &all_units.len().to_string()),
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
            lines.push(self.unit_table(turn, &all_units, campaign.id).await?);
        }
        turn.say(Reply::text(lines.join("\n\n")));
        Ok(())
    }

    /// One line per unit, one mark per deadline: the whole table at a glance.
    async fn unit_table(
        &self,
        turn: &mut Turn,
        units: &[crate::domain::unit::Unit],
        campaign_id: i64,
    ) -> Result<String> {
        let lang = turn.lang;
        let deadlines: Vec<_> = deadlines::for_campaign(&mut turn.tx, campaign_id)
            .await?
            .into_iter()
            .filter(|d| d.spec.asks_for != AsksFor::Registration)
            .collect();
        let mut rows = vec![tr(lang, "status.legend")];
        for u in units {
            let mut marks = Vec::new();
            for d in &deadlines {
                let mark = match submissions::for_unit(&mut turn.tx, d.id, u.id).await? {
                    None => "✗",
                    Some(s) if s.status == Status::Approved => "✔️",
                    Some(s) if s.status == Status::Returned => "↩️",
                    Some(s) if s.late => "⚠️",
                    Some(_) => "✅",
                };
                marks.push(format!("{} {mark}", d.spec.key));
            }
            rows.push(format!("{}: {}", u.name, marks.join(" · ")));
        }
        Ok(rows.join("\n"))
    }
}
