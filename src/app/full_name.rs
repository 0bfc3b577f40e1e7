//! The full name printed on paper: asked once at joining where the channel's name is
//! not one (a nickname on Zalo, a login on the console), changed from `/cuatoi`. It is
//! a question, not a form: any command or other button leaves it, the name kept.

use anyhow::Result;

use super::command::{self, Command, Msg};
use super::{Handler, Turn};
use crate::conversation::{Action, Choice, Dialogue, Reply};
use crate::domain::member::{Member, Role};
use crate::domain::person_name::{self, MAX_NAME};
use crate::i18n::{tr, trf};
use crate::store::members;

impl Handler {
    /// Whether a newcomer is asked their name: the channel's may not be a person's, and
    /// this one does not look like a full name.
    pub(super) fn needs_name(turn: &Turn, display_name: &str) -> bool {
        !turn.here.channel.capabilities().real_names
            && !person_name::looks_like_full_name(display_name)
    }

    /// "Họ và tên để ghi trên văn bản?", with the name now kept as a choice.
    pub(super) fn ask_name(turn: &mut Turn, now: &str, intro: Option<String>) {
        let lang = turn.lang;
        let mut text = tr(lang, "name.ask");
        if let Some(intro) = intro {
            text = format!("{intro}\n\n{text}");
        }
        let mut choices = vec![];
        if !now.trim().is_empty() {
            let label = trf(lang, "button.keep_name", &[("name", now)]);
            choices.push(Choice::new(label, Action::Keep));
        }
        turn.say(Reply::with_choices(text, choices));
        turn.chat.dialogue = Dialogue::Name;
    }

    /// `/cuatoi`'s "Đổi họ tên": asked like at joining, unless a form is open.
    pub(super) async fn change_name(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        if let Dialogue::Form { .. } = turn.chat.dialogue {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let now = trf(turn.lang, "name.now", &[("name", &me.display_name)]);
        Self::ask_name(turn, &me.display_name, Some(now));
        Ok(())
    }

    /// While the name is asked: a typed line is the name (an empty one, or "Giữ tên",
    /// /huy, /boqua keep it); anything else leaves the question and is served as usual
    /// (the message back, `Some`).
    pub(super) async fn name_turn(
        &self,
        turn: &mut Turn,
        me: &Member,
        msg: Msg,
    ) -> Result<Option<Msg>> {
        if turn.chat.dialogue != Dialogue::Name {
            return Ok(Some(msg));
        }
        let keeps = |name: &str| {
            command::lookup(name)
                .is_some_and(|c| matches!(c.command, Command::Cancel | Command::Skip))
        };
        match msg {
            Msg::Text(t) if !t.trim().is_empty() => self.name_typed(turn, me, &t).await?,
            Msg::Text(_) | Msg::Action(Action::Keep) => self.name_saved(turn, me, None),
            Msg::Command { ref name, .. } if keeps(name) => self.name_saved(turn, me, None),
            other => {
                turn.chat.dialogue = Dialogue::Idle;
                return Ok(Some(other));
            }
        }
        Ok(None)
    }

    async fn name_typed(&self, turn: &mut Turn, me: &Member, typed: &str) -> Result<()> {
        match person_name::full_name(typed) {
            Ok(name) => {
                members::set_name(&mut turn.tx, me.id, &name).await?;
                self.name_saved(turn, me, Some(&name));
            }
            Err(e) => {
                let (n, max) = (typed.chars().count().to_string(), MAX_NAME.to_string());
                let why = trf(turn.lang, e.key(), &[("len", &n), ("max", &max)]);
                Self::ask_name(turn, &me.display_name, Some(why));
            }
        }
        Ok(())
    }

    /// The question closed, the name said as it will be printed; a chair is offered
    /// what comes next.
    fn name_saved(&self, turn: &mut Turn, me: &Member, new: Option<&str>) {
        turn.chat.dialogue = Dialogue::Idle;
        let lang = turn.lang;
        let name = new.unwrap_or(&me.display_name);
        let text = trf(lang, "name.saved", &[("name", name)]);
        let choices = match me.role {
            Role::Chair => vec![Choice::new(tr(lang, "button.register"), Action::Register)],
            Role::Staff => vec![],
        };
        turn.say(Reply::with_choices(text, choices));
    }
}
