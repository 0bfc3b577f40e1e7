//! The terminal as a channel: the same conversation, numbered answers for buttons.
//! Lets a newcomer try everything offline, and lets tests drive the bot with stdin.

use std::io::Write;

use anyhow::Result;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::app::App;
use crate::conversation::render;
use crate::conversation::{Body, FileSource, Incoming, IncomingFile, RawInput};
use crate::domain::member::Channel;
use crate::i18n::{tr, trf};

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
            let answers = app.handle(inc).await?;
            let outgoing = answers.iter().map(|a| &a.out);
            for out in outgoing.filter(|o| o.to.channel == Channel::Console) {
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
        turn = match local_file(&line) {
            Some(file) => Some(incoming(RawInput::File(file))),
            // A path that is not there: said here, not taken for a command or an answer.
            None if looks_like_a_path(&line) => {
                let text = trf(
                    Default::default(),
                    "console.no_such_file",
                    &[("path", &line)],
                );
                writeln!(output, "\n{text}")?;
                None
            }
            None => Some(incoming(RawInput::Text(line))),
        };
    }
}

/// A line naming a file on this machine (as typed, or dragged into the terminal with
/// quotes around it): the console's way of attaching one. Checked like any upload.
fn local_file(line: &str) -> Option<IncomingFile> {
    let path = std::path::Path::new(unquoted(line));
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    Some(IncomingFile {
        file_id: std::fs::canonicalize(path)
            .ok()?
            .to_string_lossy()
            .into_owned(),
        name,
        mime: None,
        size: Some(meta.len()),
    })
}

/// "/home/lan/bao-cao.pdf", "./x.docx", "C:\\Users\\…": a path, not a command or
/// an answer (commands are one word; answers have no slash followed by a file name).
fn looks_like_a_path(line: &str) -> bool {
    let line = unquoted(line);
    let extension = std::path::Path::new(line)
        .extension()
        .is_some_and(|e| e.len() <= 5 && e.to_string_lossy().chars().all(char::is_alphanumeric));
    let dirs = line.matches(['/', '\\']).count();
    !line.contains(' ')
        && extension
        && (dirs >= 2 || line.starts_with("./") || line.starts_with("~/"))
}

/// A path as a terminal pastes a dragged file: in quotes.
fn unquoted(line: &str) -> &str {
    line.trim_matches(|c| c == '\'' || c == '"')
}

/// The console's files are on this machine: read from where the person said, at most
/// `max` bytes (read no further than that, whatever the file's size).
pub struct LocalFiles;

impl FileSource for LocalFiles {
    fn fetch<'a>(
        &'a self,
        _channel: Channel,
        file: &'a IncomingFile,
        max: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>>> + Send + 'a>> {
        Box::pin(async move {
            use tokio::io::AsyncReadExt;
            let f = tokio::fs::File::open(&file.file_id).await?;
            let mut bytes = Vec::new();
            f.take(max + 1).read_to_end(&mut bytes).await?;
            if bytes.len() as u64 > max {
                return Err(crate::domain::document_file::TooLarge {
                    bytes: bytes.len() as u64,
                }
                .into());
            }
            Ok(bytes)
        })
    }
}
