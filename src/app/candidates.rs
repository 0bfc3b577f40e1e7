//! "/ungvien": staff see which registered works of their units reach the plan's award
//! thresholds, criterion by criterion: a hint for the committee, not its decision.

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::{Action, Choice, Reply};
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
        let mut choices = Vec::new();
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
                let star = if w.featured { "⭐ " } else { "" };
                let number = w.number.to_string();
                let key = if w.featured {
                    "button.unfeature"
                } else {
                    "button.feature"
                };
                if !choices
                    .iter()
                    .any(|c: &Choice| c.action == Action::Feature(w.id))
                {
                    choices.push(Choice::new(
                        trf(lang, key, &[("number", &number)]),
                        Action::Feature(w.id),
                    ));
                }
                lines.push(
                    star.to_string()
                        + &trf(
                            lang,
                            "awards.work",
                            &[
                                ("number", &w.number.to_string()),
                                ("unit", &w.unit_name),
                                ("name", &w.draft.name),
                                ("amount", &money(lang, w.draft.estimated_value)),
                            ],
                        ),
                );
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
        let featured = registrations::featured(&mut turn.tx, campaign.id, within).await?;
        let names: Vec<String> = featured.iter().map(|w| w.number.to_string()).collect();
        blocks.push(trf(
            lang,
            "awards.featured",
            &[
                ("n", &names.len().to_string()),
                ("numbers", &names.join(", ")),
            ],
        ));
        turn.say(Reply::with_choices(blocks.join("\n\n"), choices));
        Ok(())
    }

    /// Proposes a work of the staff's units as "công trình tiêu biểu" (or takes it back).
    pub(super) async fn feature(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        let actor = crate::ops::Actor::Staff(me.clone());
        let toggled = crate::ops::featured::toggle(&mut turn.tx, &actor, id).await;
        let Some(found) = turn.or_refused(toggled)? else {
            return Ok(());
        };
        let Some(w) = found else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let key = if w.featured {
            "awards.unfeatured"
        } else {
            "awards.featured_now"
        };
        let number = w.number.to_string();
        let text = trf(
            turn.lang,
            key,
            &[("number", &number), ("name", &w.draft.name)],
        );
        turn.say(Reply::text(text));
        Ok(())
    }
}
