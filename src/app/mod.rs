//! The application: one turn of conversation for any channel. Channels hand in an
//! `Incoming`, get back the `Outgoing` messages, and only translate both.

mod broadcasting;
mod command;
mod join;
mod registering;
mod review;
mod reviewing;
mod status;
mod submitting;
mod works;

pub use command::{parse_text, Msg, MENU};
pub use review::review_submission;

use std::sync::Arc;

use anyhow::Result;
use tokio::sync::Notify;

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use crate::conversation::{render, Action, Choice, Dialogue, Reply};
use crate::domain::member::{Address, Channel, Member, Role};
use crate::i18n::{tr, trf, Lang};
use crate::store::{self, chats, members, Db};

#[derive(Debug, Clone)]
pub enum RawInput {
    Text(String),
    /// A pressed button's data.
    Button(String),
    /// A document or a photo: what a submission is made of.
    File(IncomingFile),
    /// A sticker, voice, location... anything that is neither text nor a file.
    Unsupported,
}

/// A file someone sent, as the channel describes it; fetched only when wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingFile {
    /// The channel's id for it (Telegram file_id); a URL where that is all there is (Zalo).
    pub file_id: String,
    pub name: String,
    pub mime: Option<String>,
    /// Bytes, when the channel says so before download.
    pub size: Option<u64>,
}

/// Brings a file's bytes from the channel it arrived on, refusing more than `max`.
pub trait FileSource: Send + Sync {
    fn fetch<'a>(
        &'a self,
        channel: Channel,
        file: &'a IncomingFile,
        max: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>>> + Send + 'a>>;
}

#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel: Channel,
    pub user_id: String,
    pub chat_id: String,
    pub display_name: String,
    pub language_code: Option<String>,
    /// The channel's update id where it has one: a redelivered update is ignored.
    pub update_id: Option<i64>,
    /// The message's own id where updates have no ordered id (Zalo): the same message
    /// delivered twice in a row is ignored.
    pub message_id: Option<String>,
    pub input: RawInput,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Reply(Reply),
    Document {
        file_name: String,
        bytes: Vec<u8>,
        caption: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub to: Address,
    pub lang: Lang,
    pub body: Body,
}

#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Clock,
    /// Pokes the outbox worker when a turn queued messages.
    pub wake: Option<Arc<Notify>>,
    /// Downloads submitted files; none in the console.
    pub files: Option<Arc<dyn FileSource>>,
    /// Where submitted files are kept.
    pub data_dir: std::path::PathBuf,
}

/// What one turn has decided so far.
struct Turn<'t> {
    here: Address,
    lang: Lang,
    chat: chats::Chat,
    tx: Transaction<'t, Any>,
    now: DateTime<Utc>,
    out: Vec<Outgoing>,
}

impl Turn<'_> {
    fn say(&mut self, reply: Reply) {
        self.out.push(Outgoing {
            to: self.here.clone(),
            lang: self.lang,
            body: Body::Reply(reply),
        });
    }

    fn say_text(&mut self, key: &str) {
        let text = tr(self.lang, key);
        self.say(Reply::text(text));
    }

    fn send(&mut self, to: &Member, lang: Lang, body: Body) {
        self.out.push(Outgoing {
            to: to.address(),
            lang,
            body,
        });
    }
}

impl App {
    pub fn new(db: Db) -> Self {
        App {
            db,
            clock: Clock::system(),
            wake: None,
            files: None,
            data_dir: std::path::PathBuf::from("data"),
        }
    }

    pub fn with_files(mut self, files: Arc<dyn FileSource>, data_dir: std::path::PathBuf) -> Self {
        self.files = Some(files);
        self.data_dir = data_dir;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_wake(mut self, wake: Arc<Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    /// One message in, its answers out. State and effects are committed together
    /// before anything is sent, so a crash never half-applies a turn.
    pub async fn handle(&self, inc: Incoming) -> Result<Vec<Outgoing>> {
        let here = Address {
            channel: inc.channel,
            chat_id: inc.chat_id.clone(),
        };
        let mut chat = chats::load(&self.db, &here).await?;
        if let (Some(id), Some(last)) = (inc.update_id, chat.last_update_id) {
            if id <= last {
                tracing::debug!(update_id = id, "ignoring a redelivered update");
                return Ok(vec![]);
            }
        }
        if inc.message_id.is_some() && inc.message_id == chat.last_message_id {
            tracing::debug!("ignoring a repeated message");
            return Ok(vec![]);
        }
        chat.last_update_id = inc.update_id.or(chat.last_update_id);
        chat.last_message_id = inc.message_id.clone().or(chat.last_message_id);
        let lang = chat
            .locale
            .unwrap_or_else(|| Lang::from_client(inc.language_code.as_deref()));
        let msg = self.classify(&inc, &chat);
        let member = members::find(&self.db, inc.channel, &inc.user_id).await?;
        let mut turn = Turn {
            here,
            lang,
            chat,
            tx: self.db.pool.begin().await?,
            now: self.clock.now(),
            out: Vec::new(),
        };
        match member {
            Some(m) if m.active => self.member_turn(&mut turn, &inc, m, msg).await?,
            Some(m) => {
                // A member who had blocked the bot and writes again is back.
                let id = m.id;
                self.member_turn(&mut turn, &inc, m, msg).await?;
                members::set_active(&mut turn.tx, id, true).await?;
            }
            None => self.stranger_turn(&mut turn, &inc, msg).await?,
        }
        if !inc.channel.has_buttons() {
            turn.chat.menu = turn
                .out
                .iter()
                .rev()
                .find(|o| o.to == turn.here)
                .and_then(|o| match &o.body {
                    Body::Reply(r) => Some(render::numbering(r)),
                    Body::Document { .. } => None,
                })
                .unwrap_or_default();
        }
        chats::save(&mut turn.tx, &turn.here, &turn.chat).await?;
        turn.tx.commit().await?;
        Ok(turn.out)
    }

    fn classify(&self, inc: &Incoming, chat: &chats::Chat) -> Msg {
        match &inc.input {
            RawInput::Button(data) => Action::decode(data).map_or(Msg::UnknownButton, Msg::Action),
            RawInput::Unsupported => Msg::Unsupported,
            RawInput::File(f) => Msg::File(f.clone()),
            RawInput::Text(t) => {
                if !inc.channel.has_buttons() {
                    if let Some(a) = render::pick(&chat.menu, t) {
                        return Msg::Action(a);
                    }
                }
                parse_text(t)
            }
        }
    }

    async fn stranger_turn(&self, turn: &mut Turn<'_>, inc: &Incoming, msg: Msg) -> Result<()> {
        match msg {
            Msg::Command {
                name,
                arg: Some(code),
            } if name == "start" => self.join(turn, inc, &code).await,
            Msg::Text(t) if crate::domain::invite::normalize(&t).is_some() => {
                self.join(turn, inc, &t).await
            }
            Msg::Action(Action::StartDemo) if inc.channel == Channel::Console => {
                self.start_demo(turn, inc).await
            }
            _ => {
                if inc.channel == Channel::Console && store::units::list(&self.db).await?.is_empty()
                {
                    let text = tr(turn.lang, "demo.offer");
                    let label = tr(turn.lang, "button.demo");
                    turn.say(Reply::with_choices(
                        text,
                        vec![Choice::new(label, Action::StartDemo)],
                    ));
                } else {
                    turn.say_text("stranger.explain");
                }
                Ok(())
            }
        }
    }

    async fn member_turn(
        &self,
        turn: &mut Turn<'_>,
        inc: &Incoming,
        me: Member,
        msg: Msg,
    ) -> Result<()> {
        use crate::conversation::Input;
        let in_form = matches!(turn.chat.dialogue, Dialogue::Form { .. });
        let in_broadcast = matches!(turn.chat.dialogue, Dialogue::Broadcast { .. });
        let in_submission = matches!(turn.chat.dialogue, Dialogue::Submission { .. });
        let in_return = matches!(turn.chat.dialogue, Dialogue::ReturnReason { .. });
        match msg {
            Msg::Command { name, arg } => match name.as_str() {
                "start" if arg.is_some() => {
                    self.join(turn, inc, arg.as_deref().unwrap_or_default())
                        .await?
                }
                "start" | "help" | "trogiup" | "huongdan" => {
                    turn.say(help(&me, turn.lang));
                    self.remind_form(turn).await?;
                }
                "dangky" | "register" => self.start_registration(turn, &me).await?,
                "cuatoi" | "my" => self.list_works(turn, &me).await?,
                "ngonngu" | "language" | "lang" => turn.say(language_menu(turn.lang)),
                "xuat" | "export" => self.export_to_chat(turn, &me).await?,
                "baocao" | "report" => {
                    self.start_submission(turn, &me, crate::domain::campaign_file::AsksFor::Report)
                        .await?
                }
                "hoso" | "dossier" => {
                    self.start_submission(
                        turn,
                        &me,
                        crate::domain::campaign_file::AsksFor::Nomination,
                    )
                    .await?
                }
                "tinhtrang" | "status" => self.status(turn, &me).await?,
                "duyet" | "review" => self.review_list(turn, &me).await?,
                "thongbao" | "announce" => self.start_broadcast(turn, &me).await?,
                "thongbao_ketqua" | "announce_report" => self.broadcast_report(turn, &me).await?,
                // The typed forms of the navigation buttons: one path for both.
                "huy" | "cancel" | "quaylai" | "back" | "boqua" | "skip" => {
                    let action = match name.as_str() {
                        "huy" | "cancel" => Action::Cancel,
                        "quaylai" | "back" => Action::Back,
                        _ => Action::Skip,
                    };
                    let takes_it = match &turn.chat.dialogue {
                        Dialogue::Idle => false,
                        Dialogue::Form { .. } | Dialogue::Submission { .. } => true,
                        Dialogue::Broadcast { .. } | Dialogue::ReturnReason { .. } => {
                            action == Action::Cancel
                        }
                    };
                    if takes_it {
                        self.on_action(turn, &me, action).await?
                    } else {
                        turn.say_text("idle.nothing_in_progress")
                    }
                }
                _ if in_form => self.form_input(turn, &me, Input::UnknownCommand).await?,
                _ => {
                    let text = tr(turn.lang, "idle.unknown_command");
                    turn.say(Reply::text(text));
                }
            },
            Msg::Action(action) => self.on_action(turn, &me, action).await?,
            Msg::UnknownButton if in_form => self.form_input(turn, &me, Input::StaleButton).await?,
            Msg::Text(t) if in_form => self.form_input(turn, &me, Input::Text(t)).await?,
            Msg::Text(t) if in_broadcast => self.broadcast_text(turn, t).await?,
            Msg::Text(t) if in_submission => self.submission_text(turn, t).await?,
            Msg::Text(t) if in_return => self.return_reason(turn, t).await?,
            Msg::File(f) if in_submission => self.submission_file(turn, &me, f).await?,
            Msg::File(_) if in_form => self.form_input(turn, &me, Input::Unsupported).await?,
            Msg::File(_) if in_broadcast => turn.say_text("broadcast.text_only"),
            Msg::Unsupported if in_submission => {
                let note = tr(turn.lang, "submission.send_a_file");
                self.reprompt(turn, Some(note)).await?
            }
            Msg::Unsupported if in_broadcast => turn.say_text("broadcast.text_only"),
            Msg::Unsupported if in_form => self.form_input(turn, &me, Input::Unsupported).await?,
            Msg::UnknownButton | Msg::Text(_) | Msg::Unsupported | Msg::File(_) => {
                turn.say(idle_hint(turn.lang))
            }
        }
        Ok(())
    }

    async fn on_action(&self, turn: &mut Turn<'_>, me: &Member, action: Action) -> Result<()> {
        use crate::conversation::Input;
        match action {
            Action::SetLang(code) => {
                if let Some(lang) = Lang::from_code(&code) {
                    turn.chat.locale = Some(lang);
                    turn.lang = lang;
                }
                turn.say_text("lang.changed");
                self.remind_form(turn).await?;
            }
            Action::Cancel | Action::Back | Action::Skip | Action::Confirm(_)
                if matches!(turn.chat.dialogue, Dialogue::Submission { .. }) =>
            {
                self.submission_nav(turn, me, action).await?
            }
            Action::Cancel if matches!(turn.chat.dialogue, Dialogue::ReturnReason { .. }) => {
                turn.chat.dialogue = Dialogue::Idle;
                turn.say_text("review.cancelled");
            }
            Action::Approve(_) | Action::Return(_) | Action::ShowFiles(_) => {
                self.review_action(turn, me, action).await?
            }
            Action::Cancel if matches!(turn.chat.dialogue, Dialogue::Broadcast { .. }) => {
                turn.chat.dialogue = Dialogue::Idle;
                turn.say_text("broadcast.cancelled");
            }
            Action::Register => self.start_registration(turn, me).await?,
            Action::EditWork(id) => self.edit_work(turn, me, id).await?,
            Action::Withdraw(id) => self.ask_withdraw(turn, me, id).await?,
            Action::WithdrawConfirmed(id) => self.withdraw(turn, me, id).await?,
            Action::WithdrawKept => turn.say_text("works.withdraw_kept"),
            Action::Confirm(key) => self.confirm(turn, me, key).await?,
            Action::StartDemo => turn.say(idle_hint(turn.lang)),
            Action::Ack(id) => self.ack(turn, me, id).await?,
            Action::Audience(a) => self.broadcast_audience(turn, a).await?,
            Action::SendBroadcast(key) => self.send_broadcast(turn, me, key).await?,
            other => {
                if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
                    self.form_input(turn, me, Input::Action(other)).await?;
                } else {
                    turn.say_text("idle.stale_button");
                }
            }
        }
        Ok(())
    }

    /// After a side question (help, language), show the form's current question again.
    async fn remind_form(&self, turn: &mut Turn<'_>) -> Result<()> {
        if let Dialogue::Form { session } = &turn.chat.dialogue {
            let ctx = self.ctx(turn.lang).await?;
            let reply = crate::conversation::engine::prompt(session, &ctx);
            turn.say(reply);
        }
        Ok(())
    }

    async fn ctx(&self, lang: Lang) -> Result<crate::conversation::Ctx> {
        let campaign = store::campaigns::current_or_seed(&self.db).await?;
        Ok(crate::conversation::Ctx {
            lang,
            default_year: campaign.default_year(),
        })
    }

    /// Staff hear about every change in the units' registrations.
    async fn notify_staff(
        &self,
        turn: &mut Turn<'_>,
        me: &Member,
        key: &str,
        args: &[(&str, &str)],
    ) -> Result<()> {
        for staff in members::active_staff(&self.db).await? {
            if staff.id == me.id {
                continue;
            }
            let lang = chats::lang_of(&self.db, &staff.address()).await?;
            let text = trf(lang, key, args);
            turn.send(&staff, lang, Body::Reply(Reply::text(text)));
        }
        Ok(())
    }
}

fn help(me: &Member, lang: Lang) -> Reply {
    let role = match me.role {
        Role::Chair => tr(lang, "role.chair"),
        Role::Staff => tr(lang, "role.staff"),
    };
    let mut text = trf(
        lang,
        "help.text",
        &[
            ("name", &me.display_name),
            ("unit", &me.unit_name),
            ("role", &role),
        ],
    );
    if me.role == Role::Staff {
        text.push('\n');
        text.push_str(&tr(lang, "help.staff"));
    }
    Reply::with_choices(
        text,
        vec![Choice::new(tr(lang, "button.register"), Action::Register)],
    )
}

fn idle_hint(lang: Lang) -> Reply {
    Reply::with_choices(
        tr(lang, "idle.hint"),
        vec![Choice::new(tr(lang, "button.register"), Action::Register)],
    )
}

fn language_menu(lang: Lang) -> Reply {
    Reply::with_choices(
        tr(lang, "lang.pick"),
        Lang::ALL
            .iter()
            .map(|l| Choice::new(tr(*l, "lang.name"), Action::SetLang(l.code().into())))
            .collect(),
    )
}
