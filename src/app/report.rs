//! "/baocaothanhtich": the achievement report's draft. The chair answers the sections
//! the campaign's `[report]` leaves to them (what they wrote before is kept, and shown
//! again), and gets the Word draft with the unit's works filled in, to print, sign and
//! hand in with `/hoso`.

use anyhow::Result;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::conversation::engine::{FormId, FormSession};
use crate::conversation::Dialogue;
use crate::domain::member::Member;
use crate::export;
use crate::i18n::trf;
use crate::store::{registrations, report_drafts, units};

impl Handler {
    pub(super) async fn start_report(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let campaign = turn.campaign().await?;
        let Some(layout) = &campaign.paper.report else {
            turn.say_text("achievement.none");
            return Ok(());
        };
        // `/hoso` says to write the report first: a dossier opened with no file yet
        // loses nothing when the chair does.
        if let Dialogue::Form { session } = &turn.chat.dialogue {
            let empty_dossier = matches!(session.form, FormId::Submission { .. })
                && session.files().next().is_none();
            if !empty_dossier {
                turn.say_text("form.in_progress");
                return self.remind_form(turn, me).await;
            }
            turn.chat.dialogue = Dialogue::Idle;
        }
        let mut session = FormSession::new(FormId::Report, new_key());
        if let Some(before) = report_drafts::get_one(&mut turn.tx, campaign.id, me.unit_id).await? {
            session.answers = before;
        }
        let n = layout.written().count().to_string();
        let intro = trf(
            turn.lang,
            "achievement.intro",
            &[("unit", &me.unit_name), ("n", &n)],
        );
        self.begin_form(turn, me, session, Some(intro)).await
    }

    /// The sections confirmed: kept for next time, and the draft made and sent.
    pub(super) async fn make_report(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: FormSession,
    ) -> Result<()> {
        turn.chat.dialogue = Dialogue::Idle;
        let campaign = turn.campaign().await?;
        let (unit, now) = (me.unit_id, turn.now);
        report_drafts::save(
            &mut turn.tx,
            campaign.id,
            unit,
            me.id,
            &session.answers,
            now,
        )
        .await?;
        let works = registrations::for_unit(&mut turn.tx, campaign.id, unit).await?;
        let parent = units::parent_of(&mut turn.tx, unit).await?;
        let made = export::unit_report(&export::UnitReport {
            campaign: &campaign,
            unit: &me.unit_name,
            parent: parent.as_ref().map(|p| p.name.as_str()),
            answers: &session.answers,
            works: &works,
            chair: &me.display_name,
            date: now.with_timezone(&campaign.tz()).date_naive(),
        })?;
        let Some((name, bytes)) = made else {
            turn.say_text("achievement.none");
            return Ok(());
        };
        let caption = trf(turn.lang, "achievement.sent", &[("unit", &me.unit_name)]);
        self.give_file(turn, me, (name, bytes, caption)).await?;
        Ok(())
    }
}
