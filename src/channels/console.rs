//! The terminal as a channel: the same conversation, numbered answers for buttons.
//! Lets a newcomer try everything offline, and lets tests drive the bot with stdin.

use std::io::Write;

use anyhow::Result;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::app::App;
use crate::conversation::render;
use crate::conversation::{Body, Incoming, RawInput};
use crate::domain::member::Channel;
use crate::i18n::tr;

pub const USER_ID: &str = "console";

pub async fn run<R, W>(app: &App, input: R, mut output: W) -> Result<()>
where
    R: AsyncBufRead + Unpin,
    W: Write,
{
    let display_name = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty() && u != "root")
        .unwrap_or_else(|| tr(Default::default(), "console.default_name"));
    let incoming = |input: RawInput| Incoming {
        channel: Channel::Console,
        user_id: USER_ID.into(),
        chat_id: USER_ID.into(),
        display_name: display_name.clone(),
        language_code: std::env::var("LANG").ok(),
        update_id: None,
        message_id: None,
        input,
    };
    writeln!(output, "{}", tr(Default::default(), "console.banner"))?;
    let mut turn = Some(incoming(RawInput::Text("/start".into())));
    let mut lines = input.lines();
    loop {
        if let Some(inc) = turn.take() {
            let outgoing = app.handle(inc).await?;
            for out in outgoing.iter().filter(|o| o.to.channel == Channel::Console) {
                match &out.body {
                    Body::Reply(reply) => {
                        writeln!(output, "\n{}", render::numbered_text(reply, out.lang))?
                    }
                    Body::Document {
                        file_name,
                        bytes,
                        caption,
                    } => {
                        std::fs::write(file_name, bytes)?;
                        writeln!(output, "\n{caption}\n→ {file_name}")?;
                    }
                }
            }
        }
        write!(output, "\n> ")?;
        output.flush()?;
        let Some(line) = lines.next_line().await? else {
            writeln!(output)?;
            return Ok(());
        };
        // An empty line goes too: at a question already answered it keeps the answer.
        let line = line.trim().to_string();
        if matches!(line.as_str(), "/thoat" | "/quit" | "/exit") {
            return Ok(());
        }
        turn = Some(incoming(RawInput::Text(line)));
    }
}
