//! A mistyped command line, said in the operator's language.

use clap::error::{ContextKind, ContextValue, ErrorKind as Usage};

use crate::i18n::{tr, trf, Lang};

/// A command line clap could not take, said in `lang` with the usage clap found; the
/// kinds thidua has no words for keep clap's own message.
pub fn usage(e: &clap::Error, lang: Lang) -> Option<String> {
    let one = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let (arg, value) = (one(ContextKind::InvalidArg), one(ContextKind::InvalidValue));
    let said = match e.kind() {
        Usage::InvalidValue | Usage::ValueValidation => {
            // A value our own parser refused carries its reason (already in `lang`).
            let why = std::error::Error::source(e).map(|s| s.to_string());
            let valid = match (why, one(ContextKind::ValidValue)) {
                (Some(why), _) => why,
                (None, choices) if choices.is_empty() => choices,
                (None, choices) => trf(lang, "usage.choose", &[("choices", &choices)]),
            };
            let args = [("arg", arg.as_str()), ("value", &value), ("valid", &valid)];
            match valid.is_empty() {
                true => trf(lang, "usage.bad_value", &args),
                false => trf(lang, "usage.bad_value_choose", &args),
            }
        }
        Usage::UnknownArgument => trf(lang, "usage.unknown_argument", &[("arg", &arg)]),
        Usage::InvalidSubcommand => {
            let command = one(ContextKind::InvalidSubcommand);
            trf(lang, "usage.unknown_command", &[("command", &command)])
        }
        Usage::MissingRequiredArgument => trf(lang, "usage.missing", &[("args", &arg)]),
        Usage::MissingSubcommand => tr(lang, "usage.missing_command"),
        Usage::ArgumentConflict => {
            let other = one(ContextKind::PriorArg);
            trf(lang, "usage.conflict", &[("arg", &arg), ("other", &other)])
        }
        _ => return None,
    };
    let how = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => String::new(),
    };
    // clap's usage line starts with its own English "Usage:".
    let how = how.trim().trim_start_matches("Usage:").trim().to_string();
    let tail = match how.is_empty() {
        true => String::new(),
        false => format!("\n{}", trf(lang, "usage.how", &[("usage", &how)])),
    };
    Some(format!("thidua: {said}{tail}"))
}
