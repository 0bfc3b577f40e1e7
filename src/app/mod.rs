//! The application: one turn of conversation for any channel. Channels hand in an
//! `Incoming`, get back the `Outgoing` messages, and only translate both.

mod broadcasting;
mod candidates;
mod command;
mod edge;
mod forms;
mod full_name;
mod join;
mod registering;
mod report;
mod results;
mod reviewing;
mod status;
mod submitting;
mod web;
mod works;

pub use command::{menu, parse_text, Msg};

use std::sync::Arc;

use anyhow::Result;
use tokio::sync::Notify;

use crate::clock::Clock;
use chrono::{DateTime, Utc};

use crate::conversation::form::Rejection;
use crate::conversation::{render, Action, Choice, Dialogue, Reply};
use crate::conversation::{Body, FileSource, Incoming, IncomingFile, Outgoing, RawInput};
use crate::data_dir::DataDir;
use crate::domain::campaign::Campaign;
use crate::domain::member::{Address, Member, Role};
use crate::i18n::{tr, trf, Lang};
use crate::store::outbox::{self, NewItem};
use crate::store::{self, campaigns, chats, members, Db, Tx};
use command::{Command, Gate};
use submitting::Received;

/// The application as channels see it: one message in, its answers out.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Clock,
    /// Pokes the outbox worker when a turn queued messages.
    pub wake: Option<Arc<Notify>>,
    handler: Handler,
}

/// What the turn handlers may use besides the turn itself. No database handle: a
/// handler reads and writes through its turn's transaction only.
#[derive(Clone)]
struct Handler {
    /// Downloads submitted files; none in the console.
    files: Option<Arc<dyn FileSource>>,
    /// Where submitted files are kept.
    data: DataDir,
    /// The Zalo bots' places: a person joins a bot only while it has room.
    zalo_seats: crate::ops::zalo_seats::ZaloSeats,
    /// Announcements to a person on both channels go by Telegram only.
    telegram_first: bool,
    /// Where the web pages are reached (THIDUA_PUBLIC_URL; the console's own address):
    /// the base of `/web`'s one-time links. None: no pages.
    public_url: Option<String>,
}

/// One turn: the chat's state, the transaction everything goes through, and what the
/// turn has decided to say so far.
struct Turn {
    here: Address,
    lang: Lang,
    chat: chats::Chat,
    tx: Tx,
    now: DateTime<Utc>,
    out: Vec<Outgoing>,
    /// The outbox has new rows once this turn commits.
    queued: bool,
    /// A file the message brought, received before the turn began.
    file: Option<Received>,
    campaign: Option<Campaign>,
}

impl Turn {
    fn say(&mut self, reply: Reply) {
        self.out.push(Outgoing {
            to: self.here.clone(),
            lang: self.lang,
            body: Body::Reply(reply),
        });
    }

    /// A file for the person who wrote (Telegram sends it; Zalo says how to get it).
    fn send_file(&mut self, file_name: String, bytes: Vec<u8>, caption: String) {
        self.out.push(Outgoing {
            to: self.here.clone(),
            lang: self.lang,
            body: Body::Document {
                file_name,
                bytes,
                caption,
            },
        });
    }

    /// What the chat keeps of this turn: on a channel without buttons the numbered
    /// choices last shown, and the replies to say again if the update comes again.
    fn remember(&mut self, buttons: bool, seen_id: Option<String>) {
        let mine = |o: &&Outgoing| o.to == self.here;
        let replies = self.out.iter().filter(mine).filter_map(|o| match &o.body {
            Body::Reply(r) => Some(r),
            Body::Document { .. } => None,
        });
        if !buttons {
            let last = self.out.iter().rev().find(mine);
            self.chat.menu = match last.map(|o| &o.body) {
                Some(Body::Reply(r)) => render::numbering(r),
                _ => Vec::new(),
            };
        }
        self.chat.last_turn = seen_id.map(|id| chats::LastTurn {
            id,
            replies: replies.cloned().collect(),
        });
    }

    /// An operation's value, or its refusal said to the person (then `None`).
    fn or_refused<T>(&mut self, done: Result<T>) -> Result<Option<T>> {
        match done {
            Ok(value) => Ok(Some(value)),
            Err(e) => match crate::ops::refusal(&e) {
                Some(why) => {
                    let text = why.text(self.lang);
                    self.say(Reply::text(text));
                    Ok(None)
                }
                None => Err(e),
            },
        }
    }

    fn say_text(&mut self, key: &str) {
        let text = tr(self.lang, key);
        self.say(Reply::text(text));
    }

    /// The current campaign, read once per turn.
    async fn campaign(&mut self) -> Result<Campaign> {
        if let Some(c) = &self.campaign {
            return Ok(c.clone());
        }
        let c = campaigns::current_or_seed(&mut self.tx).await?;
        self.campaign = Some(c.clone());
        Ok(c)
    }
}

impl App {
    pub fn new(db: Db) -> Self {
        App {
            db,
            clock: Clock::system(),
            wake: None,
            handler: Handler {
                files: None,
                data: DataDir::new("data").expect("the working directory is readable"),
                zalo_seats: Default::default(),
                telegram_first: true,
                public_url: None,
            },
        }
    }

    /// Whether announcements to a person on both channels go by Telegram only.
    /// The web pages' base URL, for `/web`'s links.
    pub fn with_public_url(mut self, url: Option<String>) -> Self {
        self.handler.public_url = url;
        self
    }

    pub fn preferring_telegram(mut self, yes: bool) -> Self {
        self.handler.telegram_first = yes;
        self
    }

    /// The Zalo bots running, and how many people each may serve.
    pub fn with_zalo_seats(mut self, seats: crate::ops::zalo_seats::ZaloSeats) -> Self {
        self.handler.zalo_seats = seats;
        self
    }

    pub fn with_files(mut self, files: Arc<dyn FileSource>, data: DataDir) -> Self {
        self.handler.files = Some(files);
        self.handler.data = data;
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

    /// One message in, its answers out. The turn is one transaction: its state, its
    /// effects, the messages it queues for others and its own answers' receipts commit
    /// together before anything is sent, so a crash never half-applies a turn, a
    /// resend is always safe, and an answer the process dies before sending still
    /// goes (see `Answer`). A turn that fails for a transient reason (busy database,
    /// conflict) runs again.
    pub async fn handle(&self, inc: Incoming) -> Result<Vec<Answer>> {
        let inc = edge::cleaned(inc);
        // Downloading a file is slow: it happens before the turn holds anything.
        let file = match &inc.input {
            RawInput::File(f) => Some(self.handler.receive_file(&self.db, &inc, f).await?),
            _ => None,
        };
        let (out, queued) = store::retry_transient(|| self.turn(&inc, file.clone()))
            .await
            .inspect_err(|e| self.db.note_failure(e))?;
        if queued {
            if let Some(w) = &self.wake {
                w.notify_one();
            }
        }
        Ok(out)
    }

    /// After a turn failed in a way that may repeat (a panic), the chat's dialogue
    /// goes back to idle, so the next message does not walk into the same state.
    pub async fn start_over(&self, at: &Address) -> Result<()> {
        store::retry_transient(|| async {
            let mut tx = self.db.write().await?;
            let mut chat = chats::lock(&mut tx, at).await?;
            chat.dialogue = Dialogue::Idle;
            chat.menu.clear();
            chats::save(&mut tx, at, &chat).await?;
            tx.commit().await
        })
        .await
    }

    async fn turn(&self, inc: &Incoming, file: Option<Received>) -> Result<(Vec<Answer>, bool)> {
        let here = Address {
            channel: inc.channel,
            chat_id: inc.chat_id.clone(),
        };
        let mut tx = self.db.write().await?;
        let mut chat = chats::lock(&mut tx, &here).await?;
        if inc.language_code.is_some() {
            chat.client_locale = Some(Lang::from_client(inc.language_code.as_deref()));
        }
        let lang = chat.locale.or(chat.client_locale).unwrap_or_default();
        let seen_id = inc
            .message_id
            .clone()
            .or_else(|| inc.update_id.map(|id| format!("u{id}")));
        if let Some(again) = seen_id.as_deref().and_then(|id| repeated(&mut chat, id)) {
            let again: Vec<Answer> = again
                .into_iter()
                .map(|r| Answer {
                    out: Outgoing {
                        to: here.clone(),
                        lang,
                        body: Body::Reply(r),
                    },
                    receipt: None,
                })
                .collect();
            tracing::debug!(again = again.len(), "a repeated update");
            return Ok((again, false));
        }
        chat.last_update_id = inc.update_id.max(chat.last_update_id);
        if typed_number(inc) {
            // The number answers the last numbered message the person saw, which may
            // be one the bot sent on its own since this chat's last turn.
            if let Some(seen) = outbox::menu_sent_after_answer(&mut tx, &here).await? {
                chat.menu = render::numbering(&seen);
            }
        }
        let msg = classify(inc, &chat);
        let member = members::find(&mut tx, inc.channel, &inc.user_id).await?;
        let mut turn = Turn {
            here,
            lang,
            chat,
            tx,
            now: self.clock.now(),
            out: Vec::new(),
            queued: false,
            file,
            campaign: None,
        };
        let h = &self.handler;
        match member {
            Some(m) if m.active => h.member_turn(&mut turn, inc, m, msg).await?,
            Some(m) => {
                // A member who had blocked the bot and writes again is back.
                let id = m.id;
                h.member_turn(&mut turn, inc, m, msg).await?;
                members::set_active(&mut turn.tx, id, true).await?;
            }
            None => h.stranger_turn(&mut turn, inc, msg).await?,
        }
        turn.remember(inc.channel.capabilities().buttons, seen_id);
        chats::save(&mut turn.tx, &turn.here, &turn.chat).await?;
        let Turn {
            mut tx,
            out,
            queued,
            now,
            ..
        } = turn;
        let lease = now + self.clock.after_real(RECEIPT_LEASE);
        let mut answers = Vec::with_capacity(out.len());
        for out in render::joined(out) {
            let receipt = match &out.body {
                Body::Reply(reply) if !out.to.channel.capabilities().local => {
                    let item = NewItem::answer(&out.to, out.lang, reply);
                    Some(outbox::receipt(&mut tx, &item, now, lease).await?)
                }
                _ => None,
            };
            answers.push(Answer { out, receipt });
        }
        tx.commit().await?;
        Ok((answers, queued))
    }
}

/// How long a turn's answer is left to the process that made it before the outbox
/// may send it: longer than a direct answer usually waits for its sending slot (Zalo
/// paces one chat a second), short enough that a person whose answer a crash
/// swallowed is not kept waiting long. Whichever claims it first sends it.
const RECEIPT_LEASE: std::time::Duration = std::time::Duration::from_secs(15);

/// One answer of a turn and, for a chat the outbox can reach, its receipt: the outbox
/// row, written with the turn, that sends it should this process not (it died first,
/// or could not send it). A file has none: it is too big to keep; its person is told
/// to ask again if it fails.
#[derive(Debug, Clone)]
pub struct Answer {
    pub out: Outgoing,
    pub receipt: Option<i64>,
}

/// Whether the update `id` was seen before, and if it was the last one served, its
/// replies to say again (whoever served it may have died before they went out:
/// nothing said the turn was done); an older repeat is only ignored. A new id is
/// remembered. A repeat is recognised by its id, not by being older than the last
/// one served: behind a load balancer a chat's updates may reach two instances and be
/// served slightly out of order, and an older update not yet served must not be
/// thrown away.
fn repeated(chat: &mut chats::Chat, id: &str) -> Option<Vec<Reply>> {
    if chat.recent_message_ids.iter().any(|seen| seen == id) {
        return Some(match &chat.last_turn {
            Some(last) if last.id == id => last.replies.clone(),
            _ => vec![],
        });
    }
    chat.recent_message_ids.push(id.to_string());
    let extra = chat
        .recent_message_ids
        .len()
        .saturating_sub(chats::RECENT_IDS);
    chat.recent_message_ids.drain(..extra);
    None
}

/// A number typed where there are no buttons, on a channel whose answers the outbox
/// records (the console's go straight to the screen).
fn typed_number(inc: &Incoming) -> bool {
    let caps = inc.channel.capabilities();
    match &inc.input {
        RawInput::Text(t) if !caps.buttons && !caps.local => render::typed_number(t).is_some(),
        _ => false,
    }
}

fn classify(inc: &Incoming, chat: &chats::Chat) -> Msg {
    match &inc.input {
        RawInput::Button(data) => Action::decode(data).map_or(Msg::UnknownButton, Msg::Action),
        RawInput::Unsupported => Msg::Unsupported,
        RawInput::File(f) => Msg::File(f.clone()),
        RawInput::Text(t) => {
            if !inc.channel.capabilities().buttons {
                if let Some(a) = render::pick(&chat.menu, t) {
                    return Msg::Action(a);
                }
            }
            parse_text(t)
        }
    }
}

impl Handler {
    async fn stranger_turn(&self, turn: &mut Turn, inc: &Incoming, msg: Msg) -> Result<()> {
        match msg {
            Msg::Command {
                name,
                arg: Some(code),
            } if name == "start" => self.join(turn, inc, &code).await,
            Msg::Text(t) if crate::domain::invite::normalize(&t).is_some() => {
                self.join(turn, inc, &t).await
            }
            Msg::Action(Action::StartDemo) if inc.channel.capabilities().local => {
                self.start_demo(turn, inc).await
            }
            _ => {
                if inc.channel.capabilities().local && !store::units::any(&mut turn.tx).await? {
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

    /// A member's message: commands first (they work in any state), then buttons that
    /// stand on their own (an old announcement's "Đã nhận", a work's "Sửa"), then
    /// whatever the dialogue's current state accepts.
    async fn member_turn(
        &self,
        turn: &mut Turn,
        inc: &Incoming,
        me: Member,
        msg: Msg,
    ) -> Result<()> {
        if self.revalidate_form(turn, &me).await? {
            return Ok(());
        }
        let Some(msg) = self.name_turn(turn, &me, msg).await? else {
            return Ok(());
        };
        match msg {
            Msg::Command { name, arg } => match command::lookup(&name) {
                Some(spec) => self.command(turn, inc, &me, spec, arg).await,
                None => self.unknown_command(turn, &me).await,
            },
            Msg::Action(a) if a.stands_alone() => self.standalone_action(turn, &me, a).await,
            msg => self.in_state(turn, &me, msg).await,
        }
    }

    async fn command(
        &self,
        turn: &mut Turn,
        inc: &Incoming,
        me: &Member,
        spec: &command::CommandSpec,
        arg: Option<String>,
    ) -> Result<()> {
        // On the console the sample unit's chair may open the sample desk.
        let sample_desk = spec.command == Command::Web && turn.here.channel.capabilities().local;
        match spec.gate {
            Gate::Staff(key) | Gate::Chair(key) if !spec.gate.lets(me.role) && !sample_desk => {
                turn.say_text(key);
                return Ok(());
            }
            _ => {}
        }
        use crate::domain::campaign_file::AsksFor;
        match spec.command {
            Command::Start if arg.is_some() => {
                self.join(turn, inc, arg.as_deref().unwrap_or_default())
                    .await
            }
            Command::Start | Command::Help => {
                turn.say(help(me, turn.lang));
                self.remind_form(turn, me).await
            }
            Command::HandIn(AsksFor::Registration) => self.start_registration(turn, me).await,
            Command::Quick => match &turn.chat.dialogue {
                Dialogue::Form { .. } => self.in_state(turn, me, Msg::Action(Action::Quick)).await,
                Dialogue::Idle | Dialogue::Name => self.start_quick_registration(turn, me).await,
            },
            Command::HandIn(kind @ (AsksFor::Report | AsksFor::Nomination)) => {
                self.start_submission(turn, me, kind).await
            }
            Command::MyWorks => self.list_works(turn, me).await,
            Command::AchievementReport => self.start_report(turn, me).await,
            Command::Web => self.web_link(turn, me).await,
            Command::Language => {
                turn.say(language_menu(turn.lang));
                Ok(())
            }
            Command::Export => self.export_to_chat(turn, me).await,
            Command::Candidates => self.candidates(turn, me).await,
            Command::Status => self.status(turn, me).await,
            Command::Review => self.review_list(turn, me).await,
            Command::Announce => self.start_broadcast(turn, me).await,
            Command::AnnounceReport => self.broadcast_report(turn, me).await,
            // The typed forms of the navigation buttons: one path for both.
            Command::Cancel | Command::Back | Command::Skip => {
                let action = match spec.command {
                    Command::Cancel => Action::Cancel,
                    Command::Back => Action::Back,
                    _ => Action::Skip,
                };
                let takes_it = match &turn.chat.dialogue {
                    Dialogue::Idle | Dialogue::Name => false,
                    Dialogue::Form { .. } => true,
                };
                if takes_it {
                    self.in_state(turn, me, Msg::Action(action)).await
                } else {
                    turn.say_text("idle.nothing_in_progress");
                    Ok(())
                }
            }
        }
    }

    async fn unknown_command(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        use crate::conversation::Input;
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            return self.form_input(turn, me, Input::UnknownCommand).await;
        }
        turn.say_text("idle.unknown_command");
        Ok(())
    }

    /// Buttons that mean the same whatever the chat is doing now.
    async fn standalone_action(&self, turn: &mut Turn, me: &Member, action: Action) -> Result<()> {
        match action {
            Action::SetLang(code) => {
                let Some(lang) = Lang::from_code(&code) else {
                    turn.say_text("idle.stale_button");
                    return Ok(());
                };
                turn.chat.locale = Some(lang);
                turn.lang = lang;
                turn.say_text("lang.changed");
                self.remind_form(turn, me).await
            }
            staff if staff.staff_only() => {
                if me.role != Role::Staff {
                    turn.say_text("review.staff_only");
                    return Ok(());
                }
                match staff {
                    Action::StatusFile => self.status_file(turn, me).await,
                    Action::FormsZip => self.forms_zip(turn, me).await,
                    Action::Feature(id) => self.feature(turn, me, id).await,
                    review => self.review_action(turn, me, review).await,
                }
            }
            Action::Register => self.start_registration(turn, me).await,
            Action::EditWork(id) => self.edit_work(turn, me, id).await,
            Action::OpenWork(id) => self.open_work(turn, me, id).await,
            Action::MyWorks => self.list_works(turn, me).await,
            Action::Withdraw(id) => self.ask_withdraw(turn, me, id).await,
            Action::WordForm(id) => self.word_form(turn, me, id).await,
            Action::AskResult(id) => self.ask_result(turn, me, id).await,
            Action::ResultDone(_) | Action::ResultLater(_) | Action::ResultNotDone(_) => {
                self.result_action(turn, me, action).await
            }
            Action::WithdrawConfirmed(id) => self.withdraw(turn, me, id).await,
            Action::WithdrawKept => {
                turn.say_text("works.withdraw_kept");
                Ok(())
            }
            Action::StartDemo => {
                turn.say(idle_hint(turn.lang));
                Ok(())
            }
            Action::Ack(id) => self.ack(turn, me, id).await,
            Action::ChangeName => self.change_name(turn, me).await,
            other => self.in_state(turn, me, Msg::Action(other)).await,
        }
    }

    /// Routing by state: in each state, what each kind of message does.
    async fn in_state(&self, turn: &mut Turn, me: &Member, msg: Msg) -> Result<()> {
        use crate::conversation::Input;
        match (&turn.chat.dialogue, msg) {
            (Dialogue::Form { .. }, Msg::Action(Action::Confirm(key))) => {
                self.confirm(turn, me, key).await
            }
            (Dialogue::Form { .. }, Msg::Action(a)) => {
                self.form_input(turn, me, Input::Action(a)).await
            }
            (Dialogue::Form { .. }, Msg::Text(t)) => {
                self.form_input(turn, me, Input::Text(t)).await
            }
            (Dialogue::Form { .. }, Msg::UnknownButton) => {
                self.form_input(turn, me, Input::StaleButton).await
            }
            (Dialogue::Form { .. }, Msg::File(_)) => {
                let input = match turn.file.take() {
                    Some(Received::Stored(f)) => Input::File(Ok(f)),
                    Some(Received::Refused("submission.too_large")) => {
                        Input::File(Err(self.too_large(turn, me).await?))
                    }
                    Some(Received::Refused(key)) => Input::File(Err(Rejection::plain(key))),
                    // Not a question that takes a file: nothing was downloaded.
                    Some(Received::NotWanted) | None => Input::Unsupported,
                };
                self.form_input(turn, me, input).await
            }
            (Dialogue::Form { .. }, Msg::Unsupported) => {
                self.form_input(turn, me, Input::Unsupported).await
            }

            // A second press of a summary's "Xác nhận gửi" or an announcement's "Gửi"
            // after the dialogue ended: said to be done, nothing sent twice.
            (_, Msg::Action(Action::Confirm(key))) => self.confirm(turn, me, key).await,
            (_, Msg::Action(_)) => {
                turn.say_text("idle.stale_button");
                Ok(())
            }
            // An empty line (the console's Enter) outside a form asks nothing.
            (_, Msg::Text(t)) if t.trim().is_empty() => Ok(()),
            (_, _) => {
                turn.say(idle_hint(turn.lang));
                Ok(())
            }
        }
    }

    async fn ctx(&self, turn: &mut Turn) -> Result<crate::conversation::Ctx> {
        let campaign = turn.campaign().await?;
        Ok(crate::conversation::Ctx {
            lang: turn.lang,
            buttons: turn.here.channel.capabilities().buttons,
            default_year: campaign.default_year(),
            awards: campaign.awards.clone(),
            campaign_ends: Some(campaign.ends_on),
        })
    }

    /// The staff over the unit hear about every change in its registrations, through
    /// the outbox; the staff of another district do not.
    async fn notify_staff(
        &self,
        turn: &mut Turn,
        me: &Member,
        key: &str,
        args: &[(&str, &str)],
    ) -> Result<()> {
        let told = crate::ops::hand_in::tell_staff(&mut turn.tx, me, key, args, turn.now).await?;
        turn.queued |= told > 0;
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
    text.push('\n');
    text.push_str(&command::help_lines(me.role, lang));
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
