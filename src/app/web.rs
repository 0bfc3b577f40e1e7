//! "/web": a staff member's one-time link to the desk pages.

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::engine::FormId;
use crate::conversation::form::Rejection;
use crate::conversation::{Dialogue, Reply};
use crate::domain::member::{Member, Role};
use crate::domain::unit::UnitKind;
use crate::domain::web_token::new_secret;
use crate::i18n::{tr, trf};
use crate::ops::uploads::{self, DOWNLOAD_SLOT};
use crate::store::members::{self, NewMember};
use crate::store::units;

/// The console's sample staff member, whose desk the sample unit's chair opens.
const DEMO_DESK: &str = "console-desk";

impl Handler {
    /// A file for the person who wrote, as `(name, bytes, caption)`: sent where the
    /// channel can; where it cannot (Zalo) and the web pages are on, the caption with a
    /// one-time download link; otherwise the channel says how to get it.
    pub(super) async fn give_file(
        &self,
        turn: &mut Turn,
        me: &Member,
        (name, bytes, caption): (String, Vec<u8>, String),
    ) -> Result<()> {
        let sends = turn.here.channel.capabilities().sends_files;
        let Some(base) = self.public_url.as_ref().filter(|_| !sends) else {
            turn.send_file(name, bytes, caption);
            return Ok(());
        };
        let key = format!("dl-{}", &new_secret()[..16]);
        let path = self.data.save_draft(&key, DOWNLOAD_SLOT, &name, &bytes)?;
        let token = uploads::download_link(&mut turn.tx, me, &path, turn.now).await?;
        let link = crate::ops::web::link_url(base, &token);
        let text = trf(
            turn.lang,
            "file.download_link",
            &[("caption", &caption), ("link", &link)],
        );
        turn.say(Reply::text(text));
        Ok(())
    }

    /// On the console, the sample unit's chair tries the desk as staff of a sample
    /// federation above it (made once, and as much a sample): the same pages, on this
    /// machine. `None` anywhere else.
    async fn demo_desk(&self, turn: &mut Turn, me: &Member) -> Result<Option<Member>> {
        let local = turn.here.channel.capabilities().local;
        if !local || me.role != Role::Chair || !units::is_demo(&mut turn.tx, me.unit_id).await? {
            return Ok(None);
        }
        let name = tr(turn.lang, "demo.federation_name");
        let federation = match units::find(&mut turn.tx, &name).await? {
            Some(u) => u,
            None => units::add(&mut turn.tx, &name, UnitKind::Agency).await?,
        };
        units::mark_demo(&mut turn.tx, federation.id).await?;
        if units::parent_of(&mut turn.tx, me.unit_id).await?.is_none() {
            units::set_parent(&mut turn.tx, me.unit_id, federation.id).await?;
        }
        let desk = NewMember {
            channel: turn.here.channel,
            user_id: DEMO_DESK,
            chat_id: DEMO_DESK,
            unit_id: federation.id,
            role: Role::Staff,
            display_name: &me.display_name,
        };
        let id = members::upsert(&mut turn.tx, &desk, turn.now).await?;
        members::by_id(&mut turn.tx, id).await
    }

    /// Where the chat cannot take documents (Zalo) and the web pages are on: a
    /// one-time link to hand in deadline `deadline_id`'s files on the web.
    pub(super) async fn upload_link_text(
        &self,
        turn: &mut Turn,
        me: &Member,
        deadline_id: i64,
    ) -> Result<Option<String>> {
        let Some(base) = self.public_url.as_ref().filter(|_| me.role == Role::Chair) else {
            return Ok(None);
        };
        let token = uploads::upload_link(&mut turn.tx, me, deadline_id, turn.now).await?;
        let link = crate::ops::web::link_url(base, &token);
        Ok(Some(trf(
            turn.lang,
            "submission.web_link",
            &[("link", &link)],
        )))
    }

    pub(super) async fn web_link(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let Some(base) = &self.public_url else {
            turn.say_text("web.no_pages");
            return Ok(());
        };
        let desk = self.demo_desk(turn, me).await?;
        let me = desk.as_ref().unwrap_or(me);
        let made = crate::ops::web::desk_link(&mut turn.tx, me, turn.now).await;
        let Some(token) = turn.or_refused(made)? else {
            return Ok(());
        };
        let minutes = crate::ops::web::LINK_LIFE.num_minutes().to_string();
        let link = crate::ops::web::link_url(base, &token);
        let text = trf(
            turn.lang,
            "web.link",
            &[("link", &link), ("minutes", &minutes)],
        );
        turn.say(Reply::text(text));
        Ok(())
    }

    /// A document over the bot's download limit: where the web pages are on, the
    /// refusal carries a link to hand the deadline's files in there.
    pub(super) async fn too_large(&self, turn: &mut Turn, me: &Member) -> Result<Rejection> {
        let plain = Rejection::plain("submission.too_large");
        let base = self.public_url.as_ref().filter(|_| me.role == Role::Chair);
        let (Some(base), Dialogue::Form { session }) = (base, &turn.chat.dialogue) else {
            return Ok(plain);
        };
        let FormId::Submission { deadline_id } = session.form else {
            return Ok(plain);
        };
        let token = uploads::upload_link(&mut turn.tx, me, deadline_id, turn.now).await?;
        Ok(Rejection {
            key: "submission.too_large_web",
            args: vec![("link", crate::ops::web::link_url(base, &token))],
        })
    }
}
