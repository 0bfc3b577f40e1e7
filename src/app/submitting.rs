//! "/baocao" and "/hoso": a chair hands in a deadline's documents through the
//! submission form (`conversation::submission_form`). Files (these documents, and the
//! photos of a finished work) are checked and saved in the data folder with their size
//! and sha256 before the turn that takes them.

use anyhow::{Context, Result};

use super::registering::new_key;
use super::{Handler, Incoming, IncomingFile, Turn};
use crate::conversation::engine::{FormId, FormSession, Step};
use crate::conversation::form::{Answer, Answers};
use crate::conversation::result_form;
use crate::conversation::submission_form::NOTE;
use crate::conversation::{Dialogue, Reply, StoredFile};
use crate::domain::campaign_file::AsksFor;
use crate::domain::dates::format_dmy;
use crate::domain::document_file::{self, MAX_BYTES};
use crate::domain::member::{Address, Member, Receives};
use crate::export;
use crate::i18n::{trf, Lang};
use crate::ops::hand_in::{hand_in, keep_draft, Arrived};
use crate::store::deadlines::Deadline;
use crate::store::submissions::{self, Status};
use crate::store::{chats, deadlines, members, registrations, Db};

/// What became of a file a message brought, decided before its turn.
#[derive(Debug, Clone)]
pub(super) enum Received {
    Stored(StoredFile),
    /// Refused, with the locale key of the reason.
    Refused(&'static str),
    /// The chat was not waiting for a document: nothing was downloaded.
    NotWanted,
}

impl Handler {
    /// The deadline of this kind a chair should work on: the first not yet approved.
    async fn deadline_for(
        &self,
        turn: &mut Turn,
        unit_id: i64,
        asks_for: AsksFor,
    ) -> Result<Option<Deadline>> {
        let campaign = turn.campaign().await?;
        for d in deadlines::for_campaign(&mut turn.tx, campaign.id).await? {
            if d.spec.asks_for != asks_for {
                continue;
            }
            match submissions::for_unit(&mut turn.tx, d.id, unit_id).await? {
                Some(s) if s.status == Status::Approved => continue,
                _ => return Ok(Some(d)),
            }
        }
        Ok(None)
    }

    pub(super) async fn start_submission(
        &self,
        turn: &mut Turn,
        me: &Member,
        asks_for: AsksFor,
    ) -> Result<()> {
        if !matches!(turn.chat.dialogue, Dialogue::Idle) {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let Some(d) = self.deadline_for(turn, me.unit_id, asks_for).await? else {
            turn.say_text("submission.nothing_due");
            return Ok(());
        };
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let due = d.spec.due_at(campaign.tz()).with_timezone(&campaign.tz());
        let mut intro = crate::i18n::trn(
            lang,
            "submission.intro",
            d.spec.documents.len(),
            &[
                ("title", &d.spec.title),
                ("unit", &me.unit_name),
                (
                    "due",
                    &format!("{} {}", format_dmy(d.spec.due_on), due.format("%H:%M")),
                ),
            ],
        );
        if let Some(prev) = submissions::for_unit(&mut turn.tx, d.id, me.unit_id).await? {
            intro.push_str("\n\n");
            intro.push_str(&match prev.status {
                Status::Returned => trf(
                    lang,
                    "submission.was_returned",
                    &[("reason", prev.review_reason.as_deref().unwrap_or("-"))],
                ),
                _ => trf(
                    lang,
                    "submission.replaces",
                    &[(
                        "at",
                        &prev
                            .submitted_at
                            .with_timezone(&campaign.tz())
                            .format("%d/%m/%Y %H:%M")
                            .to_string(),
                    )],
                ),
            });
        }
        if asks_for == AsksFor::Nomination {
            self.send_works_annex(turn, me).await?;
            if campaign.paper.report.is_some() {
                intro.push_str("\n\n");
                intro.push_str(&crate::i18n::tr(turn.lang, "achievement.offer"));
            }
        }
        if turn.here.channel.capabilities().receives == Receives::PhotosOnly {
            if let Some(text) = self.upload_link_text(turn, me, d.id).await? {
                intro.push_str("\n\n");
                intro.push_str(&text);
            }
        }
        let form = FormId::Submission { deadline_id: d.id };
        let session = FormSession::new(form, new_key());
        self.begin_form(turn, me, session, Some(intro)).await
    }

    /// Before the dossier: the unit's works and results as a Word table, the facts of
    /// its achievement report (nothing when it registered none).
    async fn send_works_annex(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let campaign = turn.campaign().await?;
        let works = registrations::for_unit(&mut turn.tx, campaign.id, me.unit_id).await?;
        let subtitle = campaign
            .paper
            .subtitle
            .clone()
            .unwrap_or(campaign.title.clone());
        if let Some(bytes) = export::works_annex_docx(&me.unit_name, &subtitle, &works)? {
            let caption = trf(turn.lang, "annex.caption", &[("unit", &me.unit_name)]);
            let name = format!("cong-trinh-va-ket-qua-{}.docx", export::slug(&me.unit_name));
            self.give_file(turn, me, (name, bytes, caption)).await?;
        }
        Ok(())
    }

    /// A file that came with a message, before its turn: downloaded, checked and saved
    /// if the chat is waiting for a document, so the turn itself holds no transaction
    /// open while the bytes travel.
    pub(super) async fn receive_file(
        &self,
        db: &Db,
        inc: &Incoming,
        file: &IncomingFile,
    ) -> Result<Received> {
        let here = Address {
            channel: inc.channel,
            chat_id: inc.chat_id.clone(),
        };
        let (chat, member) = {
            let mut conn = db.read().await?;
            (
                chats::peek(&mut conn, &here).await?,
                members::find(&mut conn, inc.channel, &inc.user_id).await?,
            )
        };
        let (Dialogue::Form { session }, Some(_)) = (chat.dialogue, member) else {
            return Ok(Received::NotWanted);
        };
        // Only the questions that take files download one: a submission's documents
        // (its last question is the note) and a finished work's photos.
        let (index, photo) = match (session.form, session.step) {
            (FormId::Submission { deadline_id }, Step::Field(i) | Step::EditField(i)) => {
                let mut conn = db.read().await?;
                let documents = deadlines::get_one(&mut conn, deadline_id)
                    .await?
                    .map_or(0, |d| d.spec.documents.len());
                if i >= documents {
                    return Ok(Received::NotWanted);
                }
                (i, false)
            }
            (FormId::WorkDone { .. }, Step::Field(i) | Step::EditField(i))
                if Some(i) == result_form::done("", Lang::Vi).index_of(result_form::PHOTOS) =>
            {
                (i, true)
            }
            _ => return Ok(Received::NotWanted),
        };
        let key = session.key;
        let check = |size: Option<u64>| match photo {
            true => document_file::check_photo(&file.name, file.mime.as_deref(), size),
            false => document_file::check(&file.name, file.mime.as_deref(), size),
        };
        if let Err(why) = check(file.size) {
            return Ok(Received::Refused(why.key()));
        }
        let Some(source) = &self.files else {
            return Ok(Received::Refused("submission.no_files_here"));
        };
        let bytes = match source.fetch(inc.channel, file, MAX_BYTES).await {
            Ok(b) => b,
            Err(e) if e.downcast_ref::<document_file::TooLarge>().is_some() => {
                let bytes = e.downcast_ref::<document_file::TooLarge>().map(|t| t.bytes);
                let why = check(bytes)
                    .err()
                    .map_or("submission.download_failed", |w| w.key());
                return Ok(Received::Refused(why));
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "file download failed");
                return Ok(Received::Refused("submission.download_failed"));
            }
        };
        let arrived = Arrived {
            name: &file.name,
            mime: file.mime.as_deref(),
            bytes: &bytes,
            channel: inc.channel.as_str(),
            file_id: &file.file_id,
        };
        Ok(
            match keep_draft(&self.data, &key, index, &arrived, photo)? {
                Ok(stored) => Received::Stored(stored),
                Err(why) => Received::Refused(why.key()),
            },
        )
    }

    /// The checklist confirmed: the drafts become accepted files and the submission
    /// is stored in the turn's transaction.
    pub(super) async fn hand_in(
        &self,
        turn: &mut Turn,
        me: &Member,
        mut session: FormSession,
    ) -> Result<()> {
        let FormId::Submission { deadline_id } = session.form else {
            return Ok(());
        };
        let d = deadlines::get_one(&mut turn.tx, deadline_id)
            .await?
            .context("deadline of a submission")?;
        let campaign = turn.campaign().await?;
        let due_at = d.spec.due_at(campaign.tz());
        let mut accepted = Vec::with_capacity(d.spec.documents.len());
        for (i, doc) in d.spec.documents.iter().enumerate() {
            let mut f = document(&session.answers, &doc.key).context("checklist without a file")?;
            match self
                .data
                .accept(&f.path, deadline_id, me.unit_id, &f.sha256, &f.name)?
            {
                Some(path) => f.path = path,
                None => {
                    // The draft was swept after a long pause: that document again.
                    session.answers.remove(&doc.key);
                    session.step = Step::Field(i);
                    let gone = trf(turn.lang, "submission.file_gone", &[("name", &f.name)]);
                    turn.chat.dialogue = Dialogue::Form { session };
                    return self.ask_again(turn, me, Some(format!("⚠️ {gone}"))).await;
                }
            }
            accepted.push(f);
        }
        self.data.discard_drafts(&session.key);
        turn.chat.dialogue = Dialogue::Idle;
        let files = accepted;
        let note = match session.answers.get(NOTE) {
            Some(Answer::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        let due = (files.as_slice(), note);
        let done = hand_in(&mut turn.tx, &d, me, due, due_at, turn.now).await?;
        turn.queued = true;
        let late = done.late;
        let lang = turn.lang;
        let text = trf(
            lang,
            if late {
                "submission.done_late"
            } else {
                "submission.done"
            },
            &[("title", &d.spec.title), ("n", &files.len().to_string())],
        );
        turn.say(Reply::text(text));
        Ok(())
    }
}

/// The file answering document `key`, if one was sent.
fn document(answers: &Answers, key: &str) -> Option<StoredFile> {
    match answers.get(key) {
        Some(Answer::Files(files)) => files.last().cloned(),
        _ => None,
    }
}
