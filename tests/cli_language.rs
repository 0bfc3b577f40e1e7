//! Every line the operator's commands print follows `LANG`: the same session of
//! commands — successes, refusals, files that cannot be read, mistyped command lines —
//! run in Vietnamese and in English, and each run is searched for the other
//! language's words. The campaign's and the units' own names are data, not words of
//! thidua, and are taken out first.

mod support;

use std::collections::HashSet;
use std::process::Command;

use support::TestEnv;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/campaign-vinh-thuan-2025.toml"
);

/// Words thidua's English says and its Vietnamese never does.
const ENGLISH: &[&str] = &[
    "the",
    "is",
    "are",
    "not",
    "no",
    "cannot",
    "unit",
    "units",
    "member",
    "members",
    "problem",
    "problems",
    "found",
    "exists",
    "already",
    "missing",
    "usage",
    "error",
    "invalid",
    "expected",
    "choose",
    "file",
    "folder",
    "code",
    "created",
    "added",
    "removed",
    "renamed",
    "deadline",
    "reminder",
    "reminders",
    "due",
    "recipients",
    "nothing",
    "such",
    "command",
    "exported",
];

/// Words thidua's Vietnamese says and its English never does.
const VIETNAMESE: &[&str] = &[
    "không", "đơn", "được", "cần", "xin", "dòng", "lỗi", "thành", "viên", "hạn", "nhắc", "vấn",
    "tệp", "mục", "người", "chọn", "thiếu", "lệnh", "dùng", "tạo", "thêm", "xóa", "đổi", "có",
    "đã", "mã", "xuất", "nhận",
];

/// Settings a command runs with, beside the test's own.
type Settings<'a> = &'a [(&'a str, &'a str)];

/// One operator's first hour: each command's whole output (stdout and stderr; the log
/// is off).
fn session(lang: &str) -> Vec<(String, String)> {
    let env = TestEnv::new();
    let dir = env.dir.path();
    let bad_csv = dir.join("bad.csv");
    std::fs::write(&bad_csv, "name,kind\nA,agency\nCĐCS Mới,xyz\n").unwrap();
    let good_csv = dir.join("good.csv");
    std::fs::write(&good_csv, "name,kind\nCĐCS Trường Tiểu học C,agency\n").unwrap();
    let (school, parent) = ("CĐCS Trường THCS A", "LĐLĐ huyện Vĩnh Thuận");
    let script: Vec<(Vec<&str>, Settings)> = vec![
        (vec!["campaign", "load", EXAMPLE], &[]),
        (vec!["campaign", "show"], &[]),
        (vec!["campaign", "load", "khong-co.toml"], &[]),
        (vec!["unit", "add", parent], &[]),
        (
            vec!["unit", "add", school, "--parent", "LĐLĐ huyện Vinh Thuan"],
            &[],
        ),
        (vec!["unit", "add", "cdcs truong thcs a"], &[]),
        (vec!["unit", "add", "A"], &[]),
        (vec!["unit", "add", "X Y", "--kind", "federation"], &[]),
        (vec!["unit", "import", bad_csv.to_str().unwrap()], &[]),
        (vec!["unit", "import", good_csv.to_str().unwrap()], &[]),
        (vec!["unit", "import", "khong-co.csv"], &[]),
        (vec!["unit", "list"], &[]),
        (
            vec!["unit", "rename", school, "--to", "CĐCS Trường THCS B"],
            &[],
        ),
        (
            vec!["invite", "--unit", "CĐCS Trường THCS B", "--role", "chair"],
            &[],
        ),
        (vec!["reminders", "preview"], &[]),
        (vec!["broadcast", "--text", "Xin chào"], &[]),
        (
            vec!["broadcast", "--text", "Xin chào"],
            &[("THIDUA_PREFER_TELEGRAM", "maybe")],
        ),
        (
            vec![
                "submission",
                "approve",
                "--unit",
                "CĐCS Trường THCS B",
                "--deadline",
                "report",
            ],
            &[],
        ),
        (
            vec![
                "export",
                "summary",
                "--format",
                "docx",
                "--out",
                "summary.docx",
            ],
            &[],
        ),
        (vec!["export", "summary"], &[]),
        (
            vec![
                "export",
                "registrations",
                "--format",
                "csv",
                "--out",
                "r.csv",
            ],
            &[],
        ),
        (vec!["export", "submissions", "--out", "out"], &[]),
        (vec!["export", "submissions", "--out", "out"], &[]),
        (vec!["backup", "copy.db"], &[]),
        (vec!["backup", "copy.db"], &[]),
        (vec!["doctor"], &[("THIDUA_HTTP_LISTEN", "nowhere")]),
        (vec!["doctor"], &[]),
        (vec!["run"], &[]),
        (vec!["run", "--now", "yesterday"], &[]),
        (vec!["unit", "deactivate", "CĐCS Trường THCS B"], &[]),
        (vec!["unit", "activate", "CĐCS Trường THCS B"], &[]),
        (vec!["unit", "remove", "CĐCS Trường THCS B"], &[]),
        (vec!["unit", "remove", "CĐCS Trường THCS B"], &[]),
        (vec!["lenh-la"], &[]),
    ];
    script
        .into_iter()
        .map(|(args, vars)| {
            let mut cmd: Command = env.command();
            cmd.env("LANG", lang).env("RUST_LOG", "off").args(&args);
            cmd.envs(vars.iter().copied());
            let out = cmd.output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (args.join(" "), text)
        })
        .collect()
}

/// The text with what is data taken out: the campaign file's own texts, the units'
/// names, commands and settings quoted as they are typed (`thidua unit list`,
/// `--kind`, `THIDUA_HTTP_LISTEN`), and the kinds as `--kind` takes them.
fn words_of_thidua(text: &str) -> Vec<String> {
    let campaign: toml::Value = toml::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    let mut data = Vec::new();
    strings_in(&campaign, &mut data);
    data.extend(
        [
            "CĐCS Trường THCS A",
            "CĐCS Trường THCS B",
            "cdcs truong thcs a",
            "LĐLĐ huyện Vĩnh Thuận",
            "LĐLĐ huyện Vinh Thuan",
            "CĐCS Trường Tiểu học C",
            "CĐCS Mới",
            "Xin chào",
            // Commands and values as they are typed.
            "thidua unit list",
            "thidua unit deactivate",
            "thidua campaign show",
            "yes hoặc no",
            "yes or no",
        ]
        .map(String::from),
    );
    data.sort_by_key(|d| std::cmp::Reverse(d.len()));
    let mut text = text.to_string();
    for d in data.iter().filter(|d| d.chars().count() > 2) {
        text = text.replace(d.as_str(), " ");
    }
    let mut words = Vec::new();
    let mut quoted = false;
    for token in text.split_whitespace() {
        if token.starts_with('`') {
            quoted = true;
        }
        let typed = token.starts_with("--")
            || token.starts_with('<')
            || token.contains('_')
            || token.contains('/')
            || token.starts_with("thidua")
            || ["agency", "enterprise", "agency,", "list)", "chat"].contains(&token);
        if !quoted && !typed {
            words.extend(
                token
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            );
        }
        if token.ends_with('`') || token.ends_with("`,") {
            quoted = false;
        }
    }
    words
}

fn strings_in(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => a.iter().for_each(|v| strings_in(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

fn foreign_words(lang: &str, foreign: &[&str]) -> Vec<String> {
    let foreign: HashSet<&str> = foreign.iter().copied().collect();
    let mut found = Vec::new();
    for (command, text) in session(lang) {
        assert!(!text.trim().is_empty(), "`thidua {command}` said nothing");
        for word in words_of_thidua(&text) {
            if foreign.contains(word.as_str()) {
                found.push(format!("`thidua {command}`: «{word}» in {text:?}"));
            }
        }
    }
    found
}

#[test]
fn a_vietnamese_operator_reads_no_english() {
    let found = foreign_words("vi_VN.UTF-8", ENGLISH);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn an_english_operator_reads_no_vietnamese() {
    let found = foreign_words("en_US.UTF-8", VIETNAMESE);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// "1 members", "1 problem(s)": English counts agree with their noun.
#[test]
fn english_counts_agree_with_their_noun() {
    let mut wrong = Vec::new();
    for (command, text) in session("en_US.UTF-8") {
        let words: Vec<&str> = text.split_whitespace().collect();
        for pair in words.windows(2) {
            let plural = pair[1].trim_end_matches(|c: char| !c.is_alphanumeric());
            if pair[0] == "1" && plural.ends_with('s') && plural != "days" {
                wrong.push(format!("`thidua {command}`: «1 {plural}» in {text:?}"));
            }
        }
        if text.contains("(s)") {
            wrong.push(format!("`thidua {command}`: «(s)» in {text:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The same mistakes, the same words in both languages' own terms: a name too short is
/// refused by `unit add`, `unit import` and `unit rename` with one reason, and a name
/// another unit has by another spelling is refused by all three.
#[test]
fn one_rule_for_a_units_name_wherever_it_is_given() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường THCS A"]);
    env.cli(&["unit", "add", "Xy"]);
    let csv = |name: &str, body: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, format!("name,kind\n{body},agency\n")).unwrap();
        path.to_str().unwrap().to_string()
    };
    let fails = |args: &[&str]| {
        let out = env.cli_raw(args);
        assert!(!out.status.success(), "thidua {args:?} was accepted");
        String::from_utf8(out.stderr).unwrap()
    };
    let short = "tên đơn vị «A» cần từ 2 đến 200 ký tự (hiện có 1)";
    assert!(fails(&["unit", "add", "A"]).contains(short));
    assert!(fails(&["unit", "import", &csv("short.csv", "A")]).contains(short));
    assert!(fails(&["unit", "rename", "Xy", "--to", "A"]).contains(short));
    let blank = "tên đơn vị «\u{200B}» trống";
    assert!(fails(&["unit", "add", "\u{200B}"]).contains(blank));
    assert!(fails(&["unit", "import", &csv("blank.csv", "\u{200B}")]).contains(blank));
    assert!(fails(&["unit", "rename", "Xy", "--to", "\u{200B}"]).contains(blank));
    let other_spelling = "cdcs truong thcs a";
    assert!(fails(&["unit", "add", other_spelling]).contains("Đã có đơn vị tên CĐCS Trường THCS A"));
    assert!(fails(&["unit", "import", &csv("dup.csv", other_spelling)]).contains("đã có"));
    assert!(fails(&["unit", "rename", "Xy", "--to", other_spelling])
        .contains("Đã có đơn vị tên CĐCS Trường THCS A"));
    // Two letters are a name everywhere: what add took, import and rename take too.
    env.cli(&["unit", "import", &csv("two.csv", "Zt")]);
    env.cli(&["unit", "rename", "Zt", "--to", "Zu"]);
    let list = env.cli(&["unit", "list"]);
    assert!(list.contains("\tXy\t") && list.contains("\tZu\t"), "{list}");
}
