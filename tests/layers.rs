//! The shape of the code, read from `src/`. The modules' dependencies run one way, down a declared order of layers: no module
//! names a module of a higher layer, and none reaches, through any chain of `crate::…`
//! paths, back to itself. A cycle is how "channels" and "delivery" (or "store" and
//! "export") once grew into one knot; an upward import is how "delivery" came to run
//! the turn. Every top-level module must be declared in a layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first. A module may name modules of its own layer (the cycle test keeps
/// those one-way) and of the layers below it.
const LAYERS: &[&[&str]] = &[
    // Plain types and rules; time as a parameter.
    &["domain", "clock"],
    // Small services every layer above may use.
    &["i18n", "metric", "files", "data_dir", "table_file"],
    // The pure form engine, and the envelope of a message (what a channel hands in).
    &["conversation"],
    // All SQL.
    &["store"],
    // Services over the store: announcements, paper and files, reminders.
    &["broadcast", "export", "scheduler"],
    // Every action staff or an operator takes, one function each, scope checked once.
    &["ops"],
    // One turn of conversation for any channel.
    &["app"],
    // Sending, and the adapters that translate each platform.
    &["delivery", "channels"],
    // The front doors: the running service and the operator's command line.
    &["server", "cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Code with every `#[cfg(test)]` item taken out (a `mod tests { … }`, a `mod x;`, a
/// function), and the rest of the file kept, whatever follows it.
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "#[cfg(test)]".len()..];
        rest = &rest[item_end(rest)..];
    }
    out.push_str(rest);
    out
}

/// Where the item at the start of `code` ends: after its first `;` at depth 0, or
/// after the `}` that closes its first `{`. Strings, characters and comments are
/// skipped, so a brace inside one does not count.
fn item_end(code: &str) -> usize {
    let b = code.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'r' if b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"') => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    i += 2 + hashes;
                    while i < b.len() && !b[i..].starts_with(&close) {
                        i += 1;
                    }
                    i += close.len() - 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            // A character literal ('{', '\''), not a lifetime ('a).
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The top-level modules a piece of code names: `crate::name`, and each name of a
/// `crate::{a, b::c}` group.
fn named_modules(code: &str) -> BTreeSet<String> {
    let word = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut named = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let after = &code[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Only the first segment of each path in the group is a top-level module.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphanumeric() || c == '_') => {
                        named.insert(word(&group[j..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = word(after);
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

/// Top-level module → the top-level modules its code (test items left out) names.
fn dependencies_in(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            // `_tests.rs` files are the bodies of `#[cfg(test)] mod …_tests;`.
            if top == "lib" || top == "main" || rel.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let named = deps.entry(top.clone()).or_default();
            for name in named_modules(&without_test_items(&text)) {
                if name != top {
                    named.insert(name);
                }
            }
        }
    }
    deps
}

fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    dependencies_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// A path from `from` back to itself, if there is one.
fn cycle_through(deps: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in deps.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

/// Every import against the declared order, as "from → to".
fn upward(deps: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, named) in deps {
        let Some(here) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer"));
            continue;
        };
        for other in named {
            match layer_of(other) {
                Some(there) if there <= here => {}
                Some(_) => wrong.push(format!("{module} → {other}")),
                None => wrong.push(format!("{module} → {other}, which is in no layer")),
            }
        }
    }
    wrong
}

#[test]
fn modules_depend_on_each_other_one_way_only() {
    let deps = dependencies();
    assert!(deps.len() > 10, "found the modules: {deps:?}");
    for module in deps.keys() {
        if let Some(cycle) = cycle_through(&deps, module) {
            panic!("module cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn every_module_imports_only_down_the_layers() {
    let wrong = upward(&dependencies());
    assert!(wrong.is_empty(), "against the order of layers: {wrong:#?}");
}

#[test]
fn the_app_and_delivery_know_no_channel_by_module() {
    let deps = dependencies();
    for module in ["app", "delivery", "conversation", "domain", "store"] {
        assert!(
            !deps.get(module).is_some_and(|d| d.contains("channels")),
            "{module} depends on channels: {:?}",
            deps[module]
        );
    }
}

/// The longest a function may be, in lines, its signature and tests included: past
/// this, it does several things, and a reader cannot hold it on one screen.
const MAX_FUNCTION_LINES: usize = 100;

/// Every function of `code` longer than `max` lines, as (name, first line, lines).
fn long_functions(code: &str, max: usize) -> Vec<(String, usize, usize)> {
    let mut long = Vec::new();
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let words: Vec<&str> = line.split_whitespace().collect();
        let qualifiers = [
            "pub",
            "pub(crate)",
            "pub(super)",
            "async",
            "const",
            "unsafe",
        ];
        let Some(at) = words.iter().position(|w| *w == "fn") else {
            continue;
        };
        if !words[..at].iter().all(|w| qualifiers.contains(w)) || at + 1 >= words.len() {
            continue;
        }
        let span = &code[start..start + item_end(&code[start..])];
        let lines = span.lines().count();
        if lines > max {
            let first = code[..start].lines().count() + 1;
            let name = words[at + 1].split(['(', '<']).next().unwrap_or_default();
            long.push((name.to_string(), first, lines));
        }
    }
    long
}

#[test]
fn no_function_is_longer_than_a_screen() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    let mut long = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = std::fs::read_to_string(&path).unwrap();
                for (name, line, n) in long_functions(&code, MAX_FUNCTION_LINES) {
                    let file = path.strip_prefix(&src).unwrap().display();
                    long.push(format!("{file}:{line} fn {name}: {n} lines"));
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "longer than {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}

/// The checks above read the code the way these cases show; each was a hole once
/// (a name with digits read as "i", a file read only up to its first test module).
mod the_reader {
    use super::*;

    fn deps_of(files: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dependencies_in(dir.path())
    }

    #[test]
    fn reads_names_with_digits_and_groups() {
        let deps = deps_of(&[(
            "store/mod.rs",
            "use crate::i18n::tr;\nuse crate::{app::App, domain::{unit::Unit, member}, x2y};\n",
        )]);
        let want: BTreeSet<String> = ["i18n", "app", "domain", "x2y"].map(String::from).into();
        assert_eq!(deps["store"], want);
    }

    #[test]
    fn reads_past_a_test_module_and_skips_only_it() {
        let deps = deps_of(&[(
            "store/mod.rs",
            "fn a() {}\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n    fn f() { let _ = \"}\"; let _ = '}'; }\n}\n\nuse crate::app::App;\n#[cfg(test)]\nmod more;\nuse crate::channels;\n",
        )]);
        let want: BTreeSet<String> = ["app", "channels"].map(String::from).into();
        assert_eq!(deps["store"], want);
    }

    #[test]
    fn measures_functions_by_their_braces() {
        let body: String = (0..101)
            .map(|i| format!("    let _x{i} = '{{';\n"))
            .collect();
        let code = format!(
            "pub(crate) async fn long() {{\n{body}}}\nfn short() {{}}\ntrait T {{ fn f(&self); }}\n"
        );
        assert_eq!(long_functions(&code, 100), [("long".to_string(), 1, 103)]);
        assert!(long_functions(&code, 103).is_empty());
    }

    #[test]
    fn an_upward_import_is_refused() {
        let deps = deps_of(&[
            ("store/mod.rs", "use crate::app::App;\n"),
            ("app/mod.rs", "use crate::store::Db;\n"),
            ("nowhere.rs", "use crate::domain::x;\n"),
        ]);
        let wrong = upward(&deps);
        assert!(wrong.contains(&"store → app".to_string()), "{wrong:?}");
        assert!(
            wrong.contains(&"nowhere is in no layer".to_string()),
            "{wrong:?}"
        );
        assert_eq!(wrong.len(), 2, "{wrong:?}");
        assert!(cycle_through(&deps, "app").is_some());
    }
}
