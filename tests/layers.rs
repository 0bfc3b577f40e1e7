//! The modules' dependencies run one way: no module reaches, through any chain of
//! `crate::…` paths, back to itself. A cycle is how "channels" and "delivery" (or
//! "store" and "export") once grew into one knot; this test names the first one found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code (tests left out) names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
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
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            if top == "lib" || top == "main" || rel.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let named = deps.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    named.insert(name);
                }
            }
        }
    }
    deps
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
fn the_app_and_delivery_know_no_channel_by_module() {
    let deps = dependencies();
    for module in [
        "app",
        "delivery",
        "config",
        "conversation",
        "domain",
        "store",
    ] {
        assert!(
            !deps.get(module).is_some_and(|d| d.contains("channels")),
            "{module} depends on channels: {:?}",
            deps[module]
        );
    }
}
