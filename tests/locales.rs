//! rust-i18n returns the key itself for a missing translation, silently: these checks
//! make a missing or mistyped key a test failure instead of a message like "vi.form.x".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}.yml"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut keys = BTreeMap::new();
    for l in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("_version"))
    {
        let (k, v) = l
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad line {l:?}"));
        let v = v.trim();
        assert!(v.starts_with('"') && v.ends_with('"'), "{lang}: quote {k}");
        // A key written twice silently keeps the last text for every caller of both.
        let before = keys.insert(k.to_string(), v[1..v.len() - 1].to_string());
        assert!(before.is_none(), "{lang}: key {k} is defined twice");
    }
    keys
}

fn sources() -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let code = std::fs::read_to_string(&path).unwrap();
                out.push((path, code));
            }
        }
    }
    out
}

/// The argument list of a call that starts at `code` (just after its `(`), up to the
/// matching `)`.
fn call_args(code: &str) -> &str {
    let mut depth = 0;
    for (i, c) in code.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth == 0 => return &code[..i],
            ')' | ']' => depth -= 1,
            _ => {}
        }
    }
    code
}

/// Every `tr(lang, "key")`, `say_text("key")` and `trf(lang, "key", &[("name", …), …])`
/// in src/ fills every placeholder its text has. Keys reached through a variable are
/// checked at run time by `trf` itself (tests fail on an unfilled placeholder).
#[test]
fn every_call_fills_the_placeholders_of_its_key() {
    let vi = load("vi");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (path, code) in sources() {
        if path.ends_with("i18n.rs") {
            continue; // its own tests misuse a key on purpose
        }
        for (call, at) in ["tr(", "trf(", "say_text("]
            .iter()
            .flat_map(|c| code.match_indices(c).map(move |(i, _)| (*c, i)))
        {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' {
                continue; // `str(`, `attr(` and the like
            }
            let args = call_args(&code[at + call.len()..]);
            let key_part = if call == "say_text(" {
                args
            } else {
                args.split_once(',').map_or("", |(_, rest)| rest)
            };
            let key_part = key_part.trim_start();
            let Some((key, rest)) = key_part.strip_prefix('"').and_then(|k| k.split_once('"'))
            else {
                continue;
            };
            let Some(text) = vi.get(key) else { continue };
            let rest = rest.trim_start_matches(',').trim_start();
            if call == "trf(" && !rest.starts_with("&[") {
                continue; // arguments built elsewhere: checked at run time
            }
            let compact = rest.split_whitespace().collect::<Vec<_>>().join("");
            let given: BTreeSet<String> = compact
                .split("(\"")
                .skip(1)
                .filter_map(|p| p.split_once("\","))
                .map(|(name, _)| name.to_string())
                .collect();
            checked += 1;
            let missing: Vec<_> = placeholders(text).difference(&given).cloned().collect();
            if !missing.is_empty() {
                wrong.push(format!(
                    "{}: {key} leaves {missing:?} unfilled",
                    path.display()
                ));
            }
        }
    }
    assert!(checked > 150, "the scan checked only {checked} calls");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn placeholders(v: &str) -> BTreeSet<String> {
    v.split("%{")
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn vietnamese_and_english_have_the_same_keys_and_placeholders() {
    let vi = load("vi");
    let en = load("en");
    let vi_keys: BTreeSet<_> = vi.keys().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    assert_eq!(
        vi_keys.symmetric_difference(&en_keys).collect::<Vec<_>>(),
        Vec::<&&String>::new()
    );
    for (k, v) in &vi {
        assert_eq!(placeholders(v), placeholders(&en[k]), "placeholders of {k}");
        assert!(!v.trim().is_empty(), "empty {k}");
    }
}

/// Every string literal in src/ that looks like a locale key ("form.thanks") and
/// starts like one of ours must exist.
#[test]
fn every_key_used_in_the_code_exists() {
    let vi = load("vi");
    let prefixes: BTreeSet<&str> = vi.keys().map(|k| k.split('.').next().unwrap()).collect();
    let mut missing = Vec::new();
    let mut seen = 0;
    for (path, code) in sources() {
        for literal in code.split('"').skip(1).step_by(2) {
            let is_key = literal.contains('.')
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                && prefixes.contains(literal.split('.').next().unwrap())
                && !literal.ends_with('.');
            if is_key {
                seen += 1;
                if !vi.contains_key(literal) {
                    missing.push(format!("{}: {literal}", path.display()));
                }
            }
        }
    }
    assert!(seen > 100, "the scan found only {seen} keys");
    assert!(missing.is_empty(), "missing keys: {missing:#?}");
}

#[test]
fn the_binary_translates_instead_of_printing_keys() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .arg("run")
        .env_remove("TELOXIDE_TOKEN")
        .env("LANG", "en_US.UTF-8")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no channel is configured"), "{err}");
    assert!(!err.contains("cli.no_channel"), "{err}");
}
