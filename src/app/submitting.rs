//! "/baocao" and "/hoso": a chair hands in a deadline's documents one by one, adds a
//! note, checks the list, and submits. Files are saved in the data folder with their
//! size and sha256 the moment they arrive.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use super::registering::new_key;
use super::{Handler, Incoming, IncomingFile, Turn};
use crate::conversation::{Action, Choice, Dialogue, Reply, StoredFile, SubmissionStep};
use crate::domain::campaign_file::AsksFor;
use crate::domain::dates::format_dmy;
use crate::domain::document_file::{self, MAX_BYTES};
use crate::domain::member::{Address, Channel, Member};
use crate::i18n::{tr, trf};
use crate::store::deadlines::Deadline;
use crate::store::submissions::{self, Status};
use crate::store::{chats, deadlines, members, Db};

/// What became of a file a message brought, decided before its turn.
#[derive(Debug, Clone)]
pub(super) enum Received {
    Stored(StoredFile),
    /// Refused, with the locale key of the reason.
    Refused(String),
    /// The chat was not waiting for a document: nothing was downloaded.
    NotWanted,
}

const MAX_NOTE: usize = 1000;

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

    /// The campaign may have been loaded again since the chair began: the deadline
    /// gone, or asking for other documents. Checked at every turn, so a stored
    /// dialogue never points past what the deadline asks for now. When it changed, the
    /// chair is told what changed and asked the question of where they now are; the
    /// message itself, meant for the old question, is not taken as an answer (true).
    pub(super) async fn revalidate_submission(&self, turn: &mut Turn) -> Result<bool> {
        let Dialogue::Submission {
            deadline_id, files, ..
        } = &turn.chat.dialogue
        else {
            return Ok(false);
        };
        let had = files.len();
        let Some(d) = deadlines::get_one(&mut turn.tx, *deadline_id).await? else {
            turn.chat.dialogue = Dialogue::Idle;
            turn.say_text("submission.deadline_gone");
            return Ok(true);
        };
        let wanted = d.spec.documents.len();
        if had == wanted {
            return Ok(false);
        }
        if let Dialogue::Submission { files, step, .. } = &mut turn.chat.dialogue {
            files.resize(wanted, None);
            *step = match files.iter().position(Option::is_none) {
                Some(i) => SubmissionStep::Document(i),
                None if *step == SubmissionStep::Checklist => SubmissionStep::Checklist,
                None => SubmissionStep::Note,
            };
        }
        let text = trf(
            turn.lang,
            "submission.documents_changed",
            &[("title", &d.spec.title), ("n", &wanted.to_string())],
        );
        self.reprompt_after(turn, text).await?;
        Ok(true)
    }

    pub(super) async fn start_submission(
        &self,
        turn: &mut Turn,
        me: &Member,
        asks_for: AsksFor,
    ) -> Result<()> {
        if !matches!(turn.chat.dialogue, Dialogue::Idle) {
            turn.say_text("form.in_progress");
            return Ok(());
        }
        let Some(d) = self.deadline_for(turn, me.unit_id, asks_for).await? else {
            turn.say_text("submission.nothing_due");
            return Ok(());
        };
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let due = d.spec.due_at(campaign.tz()).with_timezone(&campaign.tz());
        let mut intro = trf(
            lang,
            "submission.intro",
            &[
                ("title", &d.spec.title),
                ("unit", &me.unit_name),
                (
                    "due",
                    &format!("{} {}", format_dmy(d.spec.due_on), due.format("%H:%M")),
                ),
                ("n", &d.spec.documents.len().to_string()),
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
        turn.chat.dialogue = Dialogue::Submission {
            key: new_key(),
            deadline_id: d.id,
            step: SubmissionStep::Document(0),
            files: vec![None; d.spec.documents.len()],
            note: None,
        };
        let mut reply = self.submission_prompt(turn).await?;
        reply.text = format!("{intro}\n\n{}", reply.text);
        turn.say(reply);
        Ok(())
    }

    /// The question for the current step, with its choices.
    async fn submission_prompt(&self, turn: &mut Turn) -> Result<Reply> {
        let (lang, channel, dialogue) = (turn.lang, turn.here.channel, turn.chat.dialogue.clone());
        let Dialogue::Submission {
            deadline_id,
            step,
            files,
            note,
            key,
        } = &dialogue
        else {
            return Ok(Reply::text(tr(lang, "idle.stale_button")));
        };
        let d = deadlines::get_one(&mut turn.tx, *deadline_id)
            .await?
            .context("deadline of a submission in progress")?;
        let back = Choice::new(tr(lang, "button.back"), Action::Back);
        let cancel = Choice::new(tr(lang, "button.cancel"), Action::Cancel);
        Ok(match step {
            SubmissionStep::Document(i) => {
                let doc = &d.spec.documents[*i];
                let mut text = trf(
                    lang,
                    "submission.ask_file",
                    &[
                        ("n", &(i + 1).to_string()),
                        ("total", &files.len().to_string()),
                        ("title", &doc.title),
                    ],
                );
                if channel == Channel::Zalo {
                    text.push('\n');
                    text.push_str(&tr(lang, "submission.zalo_photos"));
                }
                let mut choices = Vec::new();
                if let Some(f) = &files[*i] {
                    text.push('\n');
                    text.push_str(&trf(lang, "submission.current_file", &[("name", &f.name)]));
                    choices.push(Choice::new(tr(lang, "button.keep_file"), Action::Skip));
                }
                choices.extend([back, cancel]);
                Reply::with_choices(text, choices)
            }
            SubmissionStep::Note => {
                let mut text = tr(lang, "submission.ask_note");
                if let Some(n) = note {
                    text.push('\n');
                    text.push_str(&trf(lang, "form.current_answer", &[("value", n)]));
                }
                Reply::with_choices(
                    text,
                    vec![
                        Choice::new(tr(lang, "button.skip"), Action::Skip),
                        back,
                        cancel,
                    ],
                )
            }
            SubmissionStep::Checklist => {
                let mut lines = vec![trf(
                    lang,
                    "submission.checklist",
                    &[("title", &d.spec.title)],
                )];
                for (doc, f) in d.spec.documents.iter().zip(files) {
                    let f = f.as_ref().context("checklist with a missing file")?;
                    lines.push(format!(
                        "✅ {}: {} ({} KB)",
                        doc.title,
                        f.name,
                        f.size.div_ceil(1024)
                    ));
                }
                if let Some(n) = note {
                    lines.push(trf(lang, "submission.note_line", &[("note", n)]));
                }
                Reply::with_choices(
                    lines.join("\n"),
                    vec![
                        Choice::new(tr(lang, "button.submit"), Action::Confirm(key.clone())),
                        back,
                        cancel,
                    ],
                )
            }
        })
    }

    /// The current question, after a line about what just happened.
    async fn reprompt_after(&self, turn: &mut Turn, before: String) -> Result<()> {
        let mut reply = self.submission_prompt(turn).await?;
        reply.text = format!("{before}\n\n{}", reply.text);
        turn.say(reply);
        Ok(())
    }

    pub(super) async fn reprompt(&self, turn: &mut Turn, note: Option<String>) -> Result<()> {
        let mut reply = self.submission_prompt(turn).await?;
        if let Some(n) = note {
            reply.text = format!("⚠️ {n}\n\n{}", reply.text);
        }
        turn.say(reply);
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
        let (
            Dialogue::Submission {
                step: SubmissionStep::Document(index),
                key,
                ..
            },
            Some(_),
        ) = (chat.dialogue, member)
        else {
            return Ok(Received::NotWanted);
        };
        if let Err(why) = document_file::check(&file.name, file.mime.as_deref(), file.size) {
            return Ok(Received::Refused(why.key().into()));
        }
        let Some(source) = &self.files else {
            return Ok(Received::Refused("submission.no_files_here".into()));
        };
        let bytes = match source.fetch(inc.channel, file, MAX_BYTES).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "file download failed");
                return Ok(Received::Refused("submission.download_failed".into()));
            }
        };
        if let Err(why) =
            document_file::check(&file.name, file.mime.as_deref(), Some(bytes.len() as u64))
                .and_then(|()| {
                    document_file::check_content(&file.name, file.mime.as_deref(), &bytes)
                })
        {
            return Ok(Received::Refused(why.key().into()));
        }
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let path = self.data.save_draft(&key, index, &file.name, &bytes)?;
        Ok(Received::Stored(StoredFile {
            name: file.name.clone(),
            size: bytes.len() as u64,
            sha256,
            path,
            channel: inc.channel.as_str().into(),
            file_id: file.file_id.clone(),
        }))
    }

    pub(super) async fn submission_file(&self, turn: &mut Turn) -> Result<()> {
        let lang = turn.lang;
        let at = match &turn.chat.dialogue {
            Dialogue::Submission {
                step: SubmissionStep::Document(i),
                ..
            } => Some(*i),
            _ => None,
        };
        let (i, stored) = match (at, turn.file.take()) {
            (Some(i), Some(Received::Stored(stored))) => (i, stored),
            (Some(_), Some(Received::Refused(why))) => {
                return self.reprompt(turn, Some(tr(lang, &why))).await
            }
            _ => {
                return self
                    .reprompt(turn, Some(tr(lang, "submission.no_file_now")))
                    .await
            }
        };
        let received = trf(lang, "submission.received", &[("name", &stored.name)]);
        if let Dialogue::Submission { step, files, .. } = &mut turn.chat.dialogue {
            if let Some(old) = files[i].take().filter(|old| old.path != stored.path) {
                self.data.discard_draft(&old.path);
            }
            files[i] = Some(stored);
            *step = if i + 1 < files.len() {
                SubmissionStep::Document(i + 1)
            } else {
                SubmissionStep::Note
            };
        }
        let mut reply = self.submission_prompt(turn).await?;
        reply.text = format!("{received}\n\n{}", reply.text);
        turn.say(reply);
        Ok(())
    }

    pub(super) async fn submission_text(&self, turn: &mut Turn, text: String) -> Result<()> {
        let lang = turn.lang;
        match &mut turn.chat.dialogue {
            Dialogue::Submission {
                step: SubmissionStep::Note,
                note,
                ..
            } => {
                let t = match super::bounded_text(lang, &text, MAX_NOTE) {
                    Ok(t) => t,
                    Err(why) => return self.reprompt(turn, Some(why)).await,
                };
                *note = Some(t);
                if let Dialogue::Submission { step, .. } = &mut turn.chat.dialogue {
                    *step = SubmissionStep::Checklist;
                }
                self.reprompt(turn, None).await
            }
            Dialogue::Submission {
                step: SubmissionStep::Document(_),
                ..
            } => {
                self.reprompt(turn, Some(tr(lang, "submission.send_a_file")))
                    .await
            }
            _ => {
                self.reprompt(turn, Some(tr(lang, "form.use_choices")))
                    .await
            }
        }
    }

    /// Back, skip (keep the file already sent, or no note) and cancel.
    pub(super) async fn submission_nav(
        &self,
        turn: &mut Turn,
        me: &Member,
        action: Action,
    ) -> Result<()> {
        let lang = turn.lang;
        let Dialogue::Submission {
            step, files, key, ..
        } = turn.chat.dialogue.clone()
        else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let next = match (&action, step) {
            (Action::Cancel, _) => {
                self.data.discard_drafts(&key);
                turn.chat.dialogue = Dialogue::Idle;
                turn.say_text("submission.cancelled");
                return Ok(());
            }
            (Action::Back, SubmissionStep::Document(0)) => {
                return self
                    .reprompt(turn, Some(tr(lang, "form.first_question")))
                    .await
            }
            (Action::Back, SubmissionStep::Document(i)) => SubmissionStep::Document(i - 1),
            (Action::Back, SubmissionStep::Note) => SubmissionStep::Document(files.len() - 1),
            (Action::Back, SubmissionStep::Checklist) => SubmissionStep::Note,
            (Action::Skip, SubmissionStep::Document(i)) if files[i].is_some() => {
                if i + 1 < files.len() {
                    SubmissionStep::Document(i + 1)
                } else {
                    SubmissionStep::Note
                }
            }
            (Action::Skip, SubmissionStep::Note) => {
                if let Dialogue::Submission { note, .. } = &mut turn.chat.dialogue {
                    *note = None;
                }
                SubmissionStep::Checklist
            }
            (Action::Confirm(k), SubmissionStep::Checklist) if *k == key => {
                return self.submit_documents(turn, me).await;
            }
            _ => {
                return self
                    .reprompt(turn, Some(tr(lang, "form.stale_button")))
                    .await
            }
        };
        if let Dialogue::Submission { step, .. } = &mut turn.chat.dialogue {
            *step = next;
        }
        self.reprompt(turn, None).await
    }

    async fn submit_documents(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let Dialogue::Submission {
            deadline_id,
            files,
            note,
            key,
            ..
        } = turn.chat.dialogue.clone()
        else {
            return Ok(());
        };
        let d = deadlines::get_one(&mut turn.tx, deadline_id)
            .await?
            .context("deadline of a submission")?;
        let campaign = turn.campaign().await?;
        let due_at = d.spec.due_at(campaign.tz());
        let mut accepted = Vec::with_capacity(files.len());
        for (i, f) in files.into_iter().enumerate() {
            let mut f = f.context("checklist with a missing file")?;
            match self
                .data
                .accept(&f.path, deadline_id, me.unit_id, &f.sha256, &f.name)?
            {
                Some(path) => f.path = path,
                None => {
                    // The draft was swept after a long pause: that document again.
                    if let Dialogue::Submission { files, step, .. } = &mut turn.chat.dialogue {
                        files[i] = None;
                        *step = SubmissionStep::Document(i);
                    }
                    let gone = trf(turn.lang, "submission.file_gone", &[("name", &f.name)]);
                    return self.reprompt(turn, Some(gone)).await;
                }
            }
            accepted.push(f);
        }
        self.data.discard_drafts(&key);
        turn.chat.dialogue = Dialogue::Idle;
        let files = accepted;
        let id = submissions::submit(
            &mut turn.tx,
            &d,
            me.unit_id,
            Some(me.id),
            note.as_deref(),
            due_at,
            turn.now,
        )
        .await?;
        submissions::replace_files(&mut turn.tx, id, &d, &files, turn.now).await?;
        let late = turn.now > due_at;
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
        let args = [
            ("unit", me.unit_name.as_str()),
            ("title", d.spec.title.as_str()),
            ("member", me.display_name.as_str()),
            ("late", if late { "⚠️" } else { "" }),
        ];
        self.notify_staff(turn, me, "notify.submitted", &args).await
    }
}
