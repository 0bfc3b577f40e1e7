//! "/web": a staff member's one-time link to the desk pages.

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::Reply;
use crate::domain::member::Member;
use crate::i18n::trf;

impl Handler {
    pub(super) async fn web_link(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let Some(base) = &self.public_url else {
            turn.say_text("web.no_pages");
            return Ok(());
        };
        let made = crate::ops::web::desk_link(&mut turn.tx, me, turn.now).await;
        let Some(token) = turn.or_refused(made)? else {
            return Ok(());
        };
        let minutes = crate::ops::web::LINK_LIFE.num_minutes().to_string();
        let link = format!("{base}/web/in/{token}");
        let text = trf(
            turn.lang,
            "web.link",
            &[("link", &link), ("minutes", &minutes)],
        );
        turn.say(Reply::text(text));
        Ok(())
    }
}
