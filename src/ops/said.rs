//! An error said to a person in their language: an operation's refusal as it is, a
//! file that could not be used with the system's reason. Errors with no words of ours
//! (a database driver's) are shown as they come.

use std::io::ErrorKind;

use crate::files::Failed;
use crate::i18n::{tr, trf, Lang};

/// What `e` means, in `lang` where thidua has words for it: a refusal as it is; a file
/// that could not be used, with the system's reason (or the deepest cause).
pub fn error(e: &anyhow::Error, lang: Lang) -> String {
    if let Some(why) = crate::ops::refusal(e) {
        return why.text(lang);
    }
    // `downcast_ref` finds a context at any depth; `chain` yields the causes under it.
    let Some(failed) = e.downcast_ref::<Failed>() else {
        return format!("{e:#}");
    };
    let (key, path) = failed.key();
    let what = trf(lang, key, &[("file", &path.display().to_string())]);
    if matches!(failed, Failed::NotEmpty(_)) {
        return what;
    }
    let io = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>());
    let why = match io {
        Some(io) => io_reason(io, lang),
        None => e.root_cause().to_string(),
    };
    match why == failed.to_string() {
        true => what,
        false => format!("{what}: {why}"),
    }
}

/// The system's reason for a failed file operation.
pub fn io_reason(e: &std::io::Error, lang: Lang) -> String {
    let key = match e.kind() {
        ErrorKind::NotFound => "files.not_found",
        ErrorKind::PermissionDenied => "files.permission",
        ErrorKind::AlreadyExists => "files.exists",
        ErrorKind::StorageFull => "files.disk_full",
        ErrorKind::ReadOnlyFilesystem => "files.read_only",
        ErrorKind::IsADirectory => "files.is_a_folder",
        ErrorKind::NotADirectory => "files.not_a_folder",
        ErrorKind::FileTooLarge => "files.too_large",
        ErrorKind::InvalidData | ErrorKind::UnexpectedEof => "files.unreadable",
        _ => return e.to_string(),
    };
    tr(lang, key)
}
