//! "/ungvien": staff see which registered works of their units reach the plan's award
//! thresholds, criterion by criterion: a hint for the committee, not its decision.

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::Reply;
use crate::domain::awards::AwardSubject;
use crate::domain::member::Member;
use crate::i18n::{money, tr, trf};
use crate::store::{registrations, scope};

/// Works named per criterion before "and N more".
const NAMES: i64 = 20;

impl Handler {
    pub(super) async fn candidates(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let mut blocks = vec![tr(lang, "awards.title")];
        for c in campaign
            .awards
            .iter()
            .filter(|c| c.subject == AwardSubject::Work)
        {
            let (n, first) =
                registrations::reaching(&mut turn.tx, campaign.id, within, (c.min, c.max), NAMES)
                    .await?;
            let mut lines = vec![trf(
                lang,
                "awards.criterion",
                &[
                    ("award", &c.award),
                    ("plan_ref", &c.plan_ref),
                    ("min", &money(lang, c.min)),
                    ("n", &n.to_string()),
                ],
            )];
            for w in &first {
                lines.push(trf(
                    lang,
                    "awards.work",
                    &[
                        ("number", &w.number.to_string()),
                        ("unit", &w.unit_name),
                        ("name", &w.draft.name),
                        ("amount", &money(lang, w.draft.estimated_value)),
                    ],
                ));
            }
            if n > first.len() as i64 {
                let more = (n - first.len() as i64).to_string();
                lines.push(trf(lang, "awards.more", &[("n", &more)]));
            }
            blocks.push(lines.join("\n"));
        }
        if blocks.len() == 1 {
            blocks.push(tr(lang, "awards.no_criteria"));
        }
        turn.say(Reply::text(blocks.join("\n\n")));
        Ok(())
    }
}
