//! rust-i18n returns the key itself for a missing translation, silently: these checks
//! make a missing or mistyped key a test failure instead of a message like "vi.form.x".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}.yml"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("_version"))
        .map(|l| {
            let (k, v) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            let v = v.trim();
            assert!(v.starts_with('"') && v.ends_with('"'), "{lang}: quote {k}");
            (k.to_string(), v[1..v.len() - 1].to_string())
        })
        .collect()
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
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let code = std::fs::read_to_string(&path).unwrap();
            for literal in code.split('"').skip(1).step_by(2) {
                let is_key = literal.contains('.')
                    && literal.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    })
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
