//! The campaign file's rules, each with the line and field its error names.

use super::*;

const EXAMPLE: &str = include_str!("../../examples/campaign-vinh-thuan-2025.toml");

/// A small valid file; tests change one line and check the error's line.
const BASE: &str = r#"code = "test-2025"
title = "Thử nghiệm"
plan_ref = "Kế hoạch số 1/KH-LĐLĐ"
starts_on = 2024-11-20
ends_on = 2025-07-31

[[deadline]]
key = "report"
title = "Báo cáo tổng kết"
due = 2025-05-05
asks_for = "report"

[[deadline.document]]
key = "bao_cao"
title = "Báo cáo tổng kết"

[[deadline]]
key = "nomination"
title = "Đề nghị khen thưởng"
due = 2025-06-02
asks_for = "nomination"

[[deadline.document]]
key = "to_trinh"
title = "Tờ trình"
"#;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("RFC 3339 instant")
}

/// BASE with `from` (which must occur exactly once) replaced by `to`.
fn with(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "`{from}` must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

/// Parses `text`, which must be refused at `line` for `field`.
#[track_caller]
fn refused(text: &str, line: usize, field: &str) -> CampaignFileError {
    let err = parse(text).expect_err("the file must be refused");
    assert_eq!((err.line, err.field.as_str()), (line, field), "{err}");
    // One line, so it reads well after "line N: field: ".
    assert!(
        !err.message.is_empty() && !err.message.contains('\n'),
        "{err:?}"
    );
    err
}

#[track_caller]
fn assert_mentions(err: &CampaignFileError, words: &str) {
    assert!(
        err.message.contains(words),
        "`{}` should mention `{words}`",
        err.message
    );
}

fn doc(key: &str, title: &str) -> DocumentSpec {
    DocumentSpec {
        key: key.to_owned(),
        title: title.to_owned(),
    }
}

#[test]
fn example_file_is_the_seed_plan() {
    let file = parse(EXAMPLE).expect("the example parses");
    let expected = CampaignFile {
        code: "vinh-thuan-2025".to_owned(),
        title: "Phong trào thi đua lập thành tích chào mừng Đại hội Đảng bộ các cấp, \
                nhiệm kỳ 2025 - 2030"
            .to_owned(),
        plan_ref: "Kế hoạch số 76/KH-LĐLĐ ngày 20/11/2024".to_owned(),
        starts_on: date(2024, 11, 20),
        ends_on: date(2025, 7, 31),
        timezone: Tz::Asia__Ho_Chi_Minh,
        paper: PaperSpec {
            issuer: Some("Liên đoàn Lao động huyện Vĩnh Thuận".to_owned()),
            place: Some("Vĩnh Thuận".to_owned()),
            subtitle: Some(
                "Công trình (sản phẩm, mô hình, chương trình) thi đua chào mừng Đại hội đảng \
                 các cấp, tiến tới Đại hội Đảng bộ tỉnh lần thứ XII nhiệm kỳ 2025 - 2030"
                    .to_owned(),
            ),
            number_suffix: Some("CĐCS".to_owned()),
            signer: Some("Lê Kim Thoa".to_owned()),
            // Checked on its own below.
            report: file.paper.report.clone(),
        },
        awards: {
            use crate::domain::awards::{AwardCriterion, AwardSubject};
            use crate::domain::money::Vnd;
            let award = |key: &str, subject, min: u64, plan_ref: &str| AwardCriterion {
                key: key.to_owned(),
                subject,
                field: "estimated_value".to_owned(),
                min: Vnd::from_dong(min).unwrap(),
                max: None,
                award: "Bằng khen của BCH LĐLĐ tỉnh".to_owned(),
                plan_ref: plan_ref.to_owned(),
            };
            vec![
                award(
                    "bang_khen_tinh_tap_the",
                    AwardSubject::Work,
                    200_000_000,
                    "mục III.2.2.1",
                ),
                award(
                    "bang_khen_tinh_don_vi_ho_tro",
                    AwardSubject::Supporter,
                    150_000_000,
                    "mục III.2.2.1.b",
                ),
                award(
                    "bang_khen_tinh_nha_hao_tam",
                    AwardSubject::Donor,
                    100_000_000,
                    "mục III.2.2.2.c",
                ),
            ]
        },
        deadlines: vec![
            DeadlineSpec {
                key: "report".to_owned(),
                title: "Báo cáo tổng kết phong trào thi đua".to_owned(),
                due_on: date(2025, 5, 5),
                due_time: time(23, 59),
                asks_for: AsksFor::Report,
                documents: vec![doc("bao_cao", "Báo cáo tổng kết phong trào thi đua")],
                reminder_days: vec![7, 3, 1, 0],
                reminder_time: time(8, 0),
            },
            DeadlineSpec {
                key: "nomination".to_owned(),
                title: "Hồ sơ trình đề nghị khen thưởng".to_owned(),
                due_on: date(2025, 6, 2),
                due_time: time(23, 59),
                asks_for: AsksFor::Nomination,
                documents: vec![
                    doc("to_trinh", "Tờ trình đề nghị khen thưởng"),
                    doc("bien_ban", "Biên bản họp xét khen thưởng"),
                    doc(
                        "bao_cao_thanh_tich",
                        "Báo cáo thành tích của tập thể và cá nhân",
                    ),
                ],
                reminder_days: vec![7, 3, 1, 0],
                reminder_time: time(8, 0),
            },
        ],
        questions: Vec::new(),
    };
    assert_eq!(file, expected);
}

#[test]
fn example_without_optional_lines_reads_the_same() {
    // Every optional line of the example repeats a default.
    let optional = [
        "timezone =",
        "due_time =",
        "reminder_days =",
        "reminder_time =",
    ];
    let stripped: String = EXAMPLE
        .lines()
        .filter(|l| !optional.iter().any(|o| l.starts_with(o)))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(stripped.len(), EXAMPLE.len());
    assert_eq!(parse(&stripped).unwrap(), parse(EXAMPLE).unwrap());
}

#[test]
fn report_is_due_at_the_end_of_the_day_in_vietnam() {
    let file = parse(EXAMPLE).unwrap();
    assert_eq!(
        file.deadlines[0].due_at(file.timezone),
        utc("2025-05-05T16:59:00Z")
    );
    assert_eq!(
        file.deadlines[1].due_at(file.timezone),
        utc("2025-06-02T16:59:00Z")
    );
}

#[test]
fn report_reminders_are_at_eight_in_the_morning_oldest_first() {
    let file = parse(EXAMPLE).unwrap();
    assert_eq!(
        file.deadlines[0].reminder_slots(file.timezone),
        vec![
            (7, utc("2025-04-28T01:00:00Z")),
            (3, utc("2025-05-02T01:00:00Z")),
            (1, utc("2025-05-04T01:00:00Z")),
            (0, utc("2025-05-05T01:00:00Z")),
        ]
    );
}

#[test]
fn defaults_fill_what_the_file_leaves_out() {
    let file = parse(BASE).unwrap();
    assert_eq!(file.timezone, DEFAULT_TIMEZONE);
    let d = &file.deadlines[0];
    assert_eq!(d.due_time, time(23, 59));
    assert_eq!(d.reminder_days, vec![7, 3, 1, 0]);
    assert_eq!(d.reminder_time, time(8, 0));
    assert_eq!(
        file.deadlines[1].documents,
        vec![doc("to_trinh", "Tờ trình")]
    );
}

#[test]
fn deadline_reminders_override_the_campaign_defaults() {
    let text = with(
        "ends_on = 2025-07-31\n",
        "ends_on = 2025-07-31\nreminder_days = [1, 14]\nreminder_time = \"07:30\"\n",
    )
    .replacen(
        "asks_for = \"report\"\n",
        "asks_for = \"report\"\nreminder_days = [0, 2]\nreminder_time = \"16:00\"\n",
        1,
    );
    let file = parse(&text).unwrap();
    let (report, nomination) = (&file.deadlines[0], &file.deadlines[1]);
    assert_eq!(
        (report.reminder_days.clone(), report.reminder_time),
        (vec![2, 0], time(16, 0))
    );
    assert_eq!(
        (nomination.reminder_days.clone(), nomination.reminder_time),
        (vec![14, 1], time(7, 30))
    );
    assert_eq!(
        nomination.reminder_slots(file.timezone),
        vec![
            (14, utc("2025-05-19T00:30:00Z")),
            (1, utc("2025-06-01T00:30:00Z"))
        ]
    );
}

#[test]
fn an_empty_reminder_list_means_no_reminders() {
    let text = with(
        "asks_for = \"report\"\n",
        "asks_for = \"report\"\nreminder_days = []\n",
    );
    let file = parse(&text).unwrap();
    assert!(file.deadlines[0].reminder_slots(file.timezone).is_empty());
    assert_eq!(file.deadlines[1].reminder_days, vec![7, 3, 1, 0]);
}

#[test]
fn misspelled_key_in_a_deadline_is_refused() {
    let err = refused(
        &with("due = 2025-06-02", "dua = 2025-06-02"),
        20,
        "deadline[1].dua",
    );
    assert_mentions(&err, "unknown field `dua`");
    assert_eq!(
        err.to_string().split(": ").take(2).collect::<Vec<_>>(),
        ["line 20", "deadline[1].dua"]
    );
}

#[test]
fn misspelled_top_level_key_is_refused() {
    let text = with(
        "ends_on = 2025-07-31\n",
        "ends_on = 2025-07-31\ntimezon = \"Asia/Ho_Chi_Minh\"\n",
    );
    assert_mentions(&refused(&text, 6, "timezon"), "unknown field `timezon`");
}

#[test]
fn misspelled_key_in_a_document_is_refused() {
    let text = with("title = \"Tờ trình\"", "titel = \"Tờ trình\"");
    refused(&text, 25, "deadline[1].document[0].titel");
}

#[test]
fn misspelled_key_in_an_inline_document_is_refused() {
    let text = with(
        "\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
        "document = [{ key = \"bao_cao\", titel = \"Báo cáo\" }]\n",
    );
    refused(&text, 12, "deadline[0].document[0].titel");
}

#[test]
fn misspelled_table_header_is_refused() {
    let text = with(
        "[[deadline]]\nkey = \"nomination\"",
        "[[deadlines]]\nkey = \"nomination\"",
    );
    refused(&text, 17, "deadlines");
}

#[test]
fn single_bracket_deadline_gets_a_hint() {
    let text = "code = \"abc\"\ntitle = \"t\"\nplan_ref = \"p\"\nstarts_on = 2025-01-01\n\
                ends_on = 2025-02-01\n\n[deadline]\nkey = \"a\"\n";
    let err = refused(text, 7, "deadline");
    assert_mentions(&err, "[[deadline]]");
}

#[test]
fn impossible_date_is_refused() {
    let err = refused(
        &with("due = 2025-05-05", "due = 2025-02-30"),
        10,
        "deadline[0].due",
    );
    assert_mentions(&err, "out of range");
    refused(
        &with("starts_on = 2024-11-20", "starts_on = 20/11/2024"),
        4,
        "starts_on",
    );
}

#[test]
fn quoted_date_is_refused() {
    let err = refused(
        &with("due = 2025-06-02", "due = \"2025-06-02\""),
        20,
        "deadline[1].due",
    );
    assert_mentions(&err, "without quotes, year-month-day: due = 2025-06-02 ");
    let err = refused(
        &with("starts_on = 2024-11-20", "starts_on = \"20/11/2024\""),
        4,
        "starts_on",
    );
    assert_mentions(&err, "starts_on = 2024-11-20 (not \"20/11/2024\")");
}

#[test]
fn date_with_a_time_is_refused() {
    let err = refused(
        &with("ends_on = 2025-07-31", "ends_on = 2025-07-31T08:00:00"),
        5,
        "ends_on",
    );
    assert_mentions(&err, "plain date");
    refused(&with("due = 2025-05-05", "due = 1"), 10, "deadline[0].due");
}

#[test]
fn end_before_start_is_refused() {
    let err = refused(
        &with("ends_on = 2025-07-31", "ends_on = 2024-11-19"),
        5,
        "ends_on",
    );
    assert_mentions(&err, "before starts_on 2024-11-20");
}

#[test]
fn due_dates_stay_within_the_campaign_and_sixty_days_after() {
    refused(
        &with("due = 2025-05-05", "due = 2024-11-19"),
        10,
        "deadline[0].due",
    );
    let err = refused(
        &with("due = 2025-06-02", "due = 2025-09-30"),
        20,
        "deadline[1].due",
    );
    assert_mentions(&err, "2025-09-29");
    let last = parse(&with("due = 2025-06-02", "due = 2025-09-29")).unwrap();
    assert_eq!(last.deadlines[1].due_on, date(2025, 9, 29));
    let first = parse(&with("due = 2025-05-05", "due = 2024-11-20")).unwrap();
    assert_eq!(first.deadlines[0].due_on, date(2024, 11, 20));
}

#[test]
fn duplicate_deadline_key_is_refused() {
    let err = refused(
        &with("key = \"nomination\"", "key = \"report\""),
        18,
        "deadline[1].key",
    );
    assert_mentions(&err, "deadline[0] (line 8)");
}

#[test]
fn duplicate_document_key_is_refused() {
    let text =
        format!("{BASE}\n[[deadline.document]]\nkey = \"to_trinh\"\ntitle = \"Tờ trình 2\"\n");
    let err = refused(&text, 28, "deadline[1].document[1].key");
    assert_mentions(&err, "deadline[1].document[0] (line 24)");
}

#[test]
fn same_document_key_in_two_deadlines_is_fine() {
    let file = parse(&with("key = \"to_trinh\"", "key = \"bao_cao\"")).unwrap();
    assert_eq!(file.deadlines[1].documents[0].key, "bao_cao");
}

#[test]
fn hour_25_is_refused() {
    let text = with(
        "asks_for = \"report\"\n",
        "asks_for = \"report\"\nreminder_time = \"25:00\"\n",
    );
    let err = refused(&text, 12, "deadline[0].reminder_time");
    assert_mentions(&err, "`25:00` is not a time of day");
    let text = with(
        "ends_on = 2025-07-31\n",
        "ends_on = 2025-07-31\nreminder_time = \"25:00\"\n",
    );
    refused(&text, 6, "reminder_time");
}

#[test]
fn times_must_be_hh_mm_in_quotes() {
    for bad in [
        "\"24:00\"",
        "\"08:60\"",
        "\"8:00\"",
        "\"08h00\"",
        "\"08:00:00\"",
        "08:00:00",
        "8",
    ] {
        let text = with(
            "due = 2025-06-02\n",
            &format!("due = 2025-06-02\ndue_time = {bad}\n"),
        );
        refused(&text, 21, "deadline[1].due_time");
    }
    let text = with(
        "due = 2025-06-02\n",
        "due = 2025-06-02\ndue_time = \"17:00\"\n",
    );
    let file = parse(&text).unwrap();
    assert_eq!(
        file.deadlines[1].due_at(file.timezone),
        utc("2025-06-02T10:00:00Z")
    );
}

#[test]
fn day_zero_reminder_after_the_due_time_is_refused() {
    let text = with(
        "due = 2025-06-02\n",
        "due = 2025-06-02\ndue_time = \"07:00\"\n",
    );
    let err = refused(&text, 21, "deadline[1].due_time");
    assert_mentions(&err, "after the deadline at 07:00");
    let text = with(
        "due = 2025-06-02\n",
        "due = 2025-06-02\ndue_time = \"07:00\"\nreminder_days = [3, 1]\n",
    );
    assert_eq!(parse(&text).unwrap().deadlines[1].due_time, time(7, 0));
}

#[test]
fn reminder_days_must_be_unique_and_within_sixty() {
    let days = |list: &str| {
        with(
            "ends_on = 2025-07-31\n",
            &format!("ends_on = 2025-07-31\nreminder_days = {list}\n"),
        )
    };
    assert_mentions(
        &refused(&days("[7, 61]"), 6, "reminder_days[1]"),
        "61 is not between 0 and 60",
    );
    refused(&days("[-1]"), 6, "reminder_days[0]");
    let err = refused(&days("[7, 3, 7]"), 6, "reminder_days[2]");
    assert_mentions(&err, "already in the list at reminder_days[0]");
    refused(&days("[\n  7,\n  3,\n  70,\n]"), 9, "reminder_days[2]");
    let file = parse(&days("[0, 60, 3]")).unwrap();
    assert_eq!(file.deadlines[0].reminder_days, vec![60, 3, 0]);
    let text = with(
        "asks_for = \"nomination\"\n",
        "asks_for = \"nomination\"\nreminder_days = [2, 2]\n",
    );
    refused(&text, 22, "deadline[1].reminder_days[1]");
}

#[test]
fn values_of_the_wrong_type_name_their_field() {
    let text = with(
        "asks_for = \"report\"\n",
        "asks_for = \"report\"\nreminder_days = 7\n",
    );
    refused(&text, 12, "deadline[0].reminder_days");
    let text = with(
        "asks_for = \"report\"\n",
        "asks_for = \"report\"\nreminder_days = [7, \"3\"]\n",
    );
    refused(&text, 12, "deadline[0].reminder_days[1]");
    let err = refused(
        &with("title = \"Tờ trình\"", "title = 5"),
        25,
        "deadline[1].document[0].title",
    );
    assert_mentions(&err, "expected a string");
}

#[test]
fn nomination_without_documents_is_refused() {
    let text = with(
        "\n[[deadline.document]]\nkey = \"to_trinh\"\ntitle = \"Tờ trình\"\n",
        "",
    );
    let err = refused(&text, 17, "deadline[1].document");
    assert_mentions(
        &err,
        "nomination deadline needs at least one [[deadline.document]]",
    );
}

#[test]
fn report_without_documents_is_refused() {
    let text = with(
        "\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
        "document = []\n",
    );
    refused(&text, 7, "deadline[0].document");
}

#[test]
fn registration_takes_no_documents() {
    let text = with("asks_for = \"report\"", "asks_for = \"registration\"");
    let err = refused(&text, 13, "deadline[0].document");
    assert_mentions(&err, "registration");
    let text = with(
        "asks_for = \"report\"\n\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
        "asks_for = \"registration\"\n",
    );
    let file = parse(&text).unwrap();
    assert_eq!(file.deadlines[0].asks_for, AsksFor::Registration);
    assert!(file.deadlines[0].documents.is_empty());
}

#[test]
fn unknown_asks_for_is_refused() {
    let err = refused(
        &with("asks_for = \"report\"", "asks_for = \"reprt\""),
        11,
        "deadline[0].asks_for",
    );
    assert_mentions(&err, "unknown variant `reprt`");
}

#[test]
fn unknown_timezone_is_refused() {
    let tz = |name: &str| {
        with(
            "ends_on = 2025-07-31\n",
            &format!("ends_on = 2025-07-31\ntimezone = \"{name}\"\n"),
        )
    };
    let err = refused(&tz("Asia/Hanoi"), 6, "timezone");
    assert_mentions(&err, "`Asia/Hanoi` is not a time zone name");
    refused(&tz("asia/ho_chi_minh"), 6, "timezone");
    assert_eq!(
        parse(&tz("Asia/Bangkok")).unwrap().timezone,
        Tz::Asia__Bangkok
    );
}

#[test]
fn syntax_error_names_its_line() {
    let err = refused(
        &with("title = \"Thử nghiệm\"", "title = \"Thử nghiệm"),
        2,
        "title",
    );
    assert!(!err.message.contains('\n'), "{}", err.message);
    refused(
        &with("key = \"bao_cao\"", "key = bao_cao"),
        14,
        "deadline[0].document[0].key",
    );
    refused(
        &with(
            "[[deadline]]\nkey = \"nomination\"",
            "[[deadline]\nkey = \"nomination\"",
        ),
        17,
        "deadline[1]",
    );
    let err = refused(
        &with(
            "[[deadline]]\nkey = \"nomination\"",
            "[deadline]\nkey = \"nomination\"",
        ),
        17,
        "deadline",
    );
    assert_mentions(&err, "duplicate key `deadline`");
    let text = with(
        "key = \"to_trinh\"",
        "key = \"to_trinh\"\nnote = \"\"\"\n[[deadline]]\n\"\"\"\n",
    );
    refused(&format!("{text}bad line\n"), 30, "deadline[1].document[0]");
}

#[test]
fn windows_line_ends_and_byte_order_mark_are_read() {
    // Notepad on Windows saves files like this.
    let crlf = format!("\u{feff}{}", EXAMPLE.replace('\n', "\r\n"));
    assert_eq!(parse(&crlf).unwrap(), parse(EXAMPLE).unwrap());
    let bad = format!(
        "\u{feff}{}",
        with("due = 2025-06-02", "dua = 2025-06-02").replace('\n', "\r\n")
    );
    refused(&bad, 20, "deadline[1].dua");
}

#[test]
fn locator_names_the_deepest_of_equal_spans() {
    // With one deadline, the array `deadline` and its element share a span.
    let text = "[[deadline]]\nkey = 1\n";
    assert_eq!(field_at(text, 0).as_deref(), Some("deadline[0]"));
    assert_eq!(field_at(text, 19).as_deref(), Some("deadline[0].key"));
    assert_eq!(field_at(text, 14).as_deref(), Some("deadline[0].key"));
}

#[test]
fn missing_fields_point_at_their_table() {
    let err = refused(&with("due = 2025-06-02\n", ""), 17, "deadline[1].due");
    assert_mentions(&err, "is missing");
    refused(
        &with("key = \"to_trinh\"\n", ""),
        23,
        "deadline[1].document[0].key",
    );
    refused(
        &with("title = \"Tờ trình\"\n", ""),
        23,
        "deadline[1].document[0].title",
    );
    refused(
        &with("asks_for = \"report\"\n", ""),
        7,
        "deadline[0].asks_for",
    );
    refused(
        &with("plan_ref = \"Kế hoạch số 1/KH-LĐLĐ\"\n", ""),
        1,
        "plan_ref",
    );
}

#[test]
fn a_file_without_deadlines_is_refused() {
    let head: String = BASE.lines().take(5).map(|l| format!("{l}\n")).collect();
    let err = refused(&head, 1, "deadline");
    assert_mentions(&err, "no deadline");
}

#[test]
fn code_is_short_lowercase_ascii() {
    refused(&with("code = \"test-2025\"", "code = \"ab\""), 1, "code");
    refused(
        &with("code = \"test-2025\"", "code = \"Vinh-Thuan\""),
        1,
        "code",
    );
    refused(
        &with("code = \"test-2025\"", "code = \"vĩnh-thuận\""),
        1,
        "code",
    );
    refused(
        &with(
            "code = \"test-2025\"",
            &format!("code = \"{}\"", "a".repeat(65)),
        ),
        1,
        "code",
    );
    let ok = parse(&with(
        "code = \"test-2025\"",
        &format!("code = \"{}\"", "a".repeat(64)),
    ))
    .unwrap();
    assert_eq!(ok.code.len(), 64);
    refused(&with("code = \"test-2025\"\n", ""), 1, "code");
}

#[test]
fn keys_are_lowercase_ascii_with_underscores() {
    refused(
        &with("key = \"report\"", "key = \"Report\""),
        8,
        "deadline[0].key",
    );
    refused(
        &with("key = \"bao_cao\"", "key = \"bao-cao\""),
        14,
        "deadline[0].document[0].key",
    );
    refused(
        &with("key = \"bao_cao\"", "key = \"\""),
        14,
        "deadline[0].document[0].key",
    );
}

#[test]
fn titles_must_not_be_empty() {
    refused(
        &with("title = \"Thử nghiệm\"", "title = \"  \""),
        2,
        "title",
    );
    refused(
        &with("title = \"Đề nghị khen thưởng\"", "title = \"\""),
        19,
        "deadline[1].title",
    );
    let file = parse(&with("title = \"Thử nghiệm\"", "title = \" Thử nghiệm \"")).unwrap();
    assert_eq!(file.title, "Thử nghiệm");
}

#[test]
fn asks_for_text_round_trips() {
    for a in <AsksFor as strum::VariantArray>::VARIANTS.iter().copied() {
        assert_eq!(a.as_str().parse::<AsksFor>(), Ok(a));
        assert_eq!(a.to_string(), a.as_str());
    }
    assert_eq!(
        "Report".parse::<AsksFor>(),
        Err(strum::ParseError::VariantNotFound)
    );
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Row {
        asks_for: AsksFor,
        documents: Vec<DocumentSpec>,
    }
    let row = Row {
        asks_for: AsksFor::Nomination,
        documents: vec![doc("to_trinh", "Tờ trình")],
    };
    let text = toml::to_string(&row).unwrap();
    assert!(text.contains("asks_for = \"nomination\""), "{text}");
    assert_eq!(toml::from_str::<Row>(&text).unwrap(), row);
}

#[test]
fn clock_changes_are_resolved() {
    let spec = |day: NaiveDate, t: NaiveTime| DeadlineSpec {
        key: "k".to_owned(),
        title: "t".to_owned(),
        due_on: day,
        due_time: t,
        asks_for: AsksFor::Registration,
        documents: Vec::new(),
        reminder_days: vec![0],
        reminder_time: t,
    };
    let berlin = Tz::Europe__Berlin;
    // 02:30 does not exist on 30/3/2025: read in winter time, it is 03:30 summer time.
    assert_eq!(
        spec(date(2025, 3, 30), time(2, 30)).due_at(berlin),
        utc("2025-03-30T01:30:00Z")
    );
    // 02:30 happens twice on 26/10/2025: the first one counts.
    assert_eq!(
        spec(date(2025, 10, 26), time(2, 30)).due_at(berlin),
        utc("2025-10-26T00:30:00Z")
    );
    assert_eq!(
        spec(date(2025, 10, 26), time(2, 30)).reminder_slots(berlin),
        vec![(0, utc("2025-10-26T00:30:00Z"))]
    );
}

#[test]
fn the_paper_table_is_optional_and_checked() {
    let without = EXAMPLE.replace("[paper]", "[unused]");
    assert!(parse(&without).is_err(), "an unknown table is refused");
    let start = EXAMPLE.find("[paper]").unwrap();
    let end = EXAMPLE.find("# ----").unwrap();
    let bare = format!("{}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    let bare = parse(&bare).unwrap().paper;
    assert_eq!(
        PaperSpec {
            report: None,
            ..bare
        },
        PaperSpec::default()
    );
    let typo = EXAMPLE.replace("place = ", "plac = ");
    let err = parse(&typo).unwrap_err();
    assert!(err.to_string().contains("plac"), "{err}");
    let empty = EXAMPLE.replace("place = \"Vĩnh Thuận\"", "place = \"  \"");
    let err = parse(&empty).unwrap_err();
    assert_eq!(err.field, "paper.place", "{err}");
}

#[test]
fn award_thresholds_are_checked() {
    let bad_field = EXAMPLE.replacen("field = \"estimated_value\"", "field = \"name\"", 1);
    let err = parse(&bad_field).unwrap_err();
    assert_eq!(err.field, "award[0].field", "{err}");
    let bad_min = EXAMPLE.replacen("min = \"200 triệu\"", "min = \"nhiều tiền\"", 1);
    let err = parse(&bad_min).unwrap_err();
    assert_eq!(err.field, "award[0].min", "{err}");
    let below = EXAMPLE.replacen(
        "min = \"200 triệu\"",
        "min = \"200 triệu\"\nmax = \"100 triệu\"",
        1,
    );
    let err = parse(&below).unwrap_err();
    assert_eq!(err.field, "award[0].max", "{err}");
    let twice = EXAMPLE.replace("bang_khen_tinh_nha_hao_tam", "bang_khen_tinh_tap_the");
    let err = parse(&twice).unwrap_err();
    assert!(err.to_string().contains("already the key"), "{err}");
    let integer = EXAMPLE.replacen("min = \"200 triệu\"", "min = 200000000", 1);
    assert_eq!(
        parse(&integer).unwrap().awards,
        parse(EXAMPLE).unwrap().awards
    );
}

#[test]
fn a_campaign_may_ask_its_own_questions_after_the_paper_form() {
    use crate::domain::questions::QuestionKind;
    let question = |key: &str, extra: &str| {
        format!(
            "\n[[question]]\nkey = \"{key}\"\nlabel = \"Đơn vị phối hợp\"\n\
             prompt = \"Đơn vị nào phối hợp thực hiện?\"\nkind = \"text\"\n{extra}"
        )
    };
    let one = format!("{EXAMPLE}{}", question("don_vi_phoi_hop", ""));
    let parsed = parse(&one).unwrap().questions;
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].key, "don_vi_phoi_hop");
    assert_eq!(parsed[0].kind, QuestionKind::Text);
    assert!(
        parsed[0].optional,
        "optional unless the file says otherwise"
    );
    let required = format!("{EXAMPLE}{}", question("so_nguoi", "optional = false\n"));
    assert!(!parse(&required).unwrap().questions[0].optional);

    let taken = format!("{EXAMPLE}{}", question("estimated_value", ""));
    let err = parse(&taken).unwrap_err();
    assert_eq!(err.field, "question[0].key", "{err}");
    assert!(err.message.contains("paper form"), "{err}");
    let twice = format!("{EXAMPLE}{}{}", question("a", ""), question("a", ""));
    assert!(parse(&twice)
        .unwrap_err()
        .to_string()
        .contains("already the key"));
    let no_prompt = one.replace("prompt = \"Đơn vị nào phối hợp thực hiện?\"\n", "");
    assert_eq!(parse(&no_prompt).unwrap_err().field, "question[0].prompt");
    let long = one.replace(
        "label = \"Đơn vị phối hợp\"",
        &format!("label = \"{}\"", "x".repeat(81)),
    );
    assert_eq!(parse(&long).unwrap_err().field, "question[0].label");
    let kind = one.replace("kind = \"text\"", "kind = \"photo\"");
    assert!(parse(&kind).is_err());
    let many: String = (0..11).map(|i| question(&format!("q{i}"), "")).collect();
    let err = parse(&format!("{EXAMPLE}{many}")).unwrap_err();
    assert_eq!(err.field, "question", "{err}");
}

#[test]
fn a_question_may_not_take_a_column_every_export_has() {
    let question = |key: &str, kind: &str| {
        format!(
            "\n[[question]]\nkey = \"{key}\"\nlabel = \"Nhãn\"\n\
             prompt = \"Câu hỏi?\"\nkind = \"{kind}\"\n"
        )
    };
    for (key, kind) in [
        ("unit", "text"),
        ("number", "text"),
        ("status", "text"),
        ("submitted_by", "text"),
        ("submitted_at", "date"),
        ("result", "text"),
        ("result_note", "text"),
        ("actual_value", "money"),
        ("estimated_value_vnd", "text"),
    ] {
        let err = parse(&format!("{EXAMPLE}{}", question(key, kind))).unwrap_err();
        assert_eq!(err.field, "question[0].key", "{key}: {err}");
        assert!(err.message.contains("export column"), "{key}: {err}");
    }
    // Two questions of one column: a text `x_vnd` and an amount `x`.
    let both = format!(
        "{EXAMPLE}{}{}",
        question("chi_phi_vnd", "text"),
        question("chi_phi", "money")
    );
    let err = parse(&both).unwrap_err();
    assert_eq!(err.field, "question[1].key", "{err}");
    assert!(parse(&format!("{EXAMPLE}{}", question("chi_phi", "money"))).is_ok());
}

#[test]
fn a_text_value_is_cleaned_and_bounded() {
    let long = EXAMPLE.replacen(
        "title = \"",
        &format!(
            "title = \"{}",
            "x".repeat(crate::domain::campaign_file::MAX_TEXT_VALUE)
        ),
        1,
    );
    let err = parse(&long).unwrap_err();
    assert!(err.message.contains("at most"), "{err}");
    let odd = EXAMPLE.replacen("title = \"", "title = \"\u{FFFE}\\u0007", 1);
    let parsed = parse(&odd).unwrap();
    assert!(!parsed.title.contains('\u{FFFE}') && !parsed.title.contains('\u{7}'));
}

#[test]
fn the_example_report_layout_has_general_achievements_and_awards_sections() {
    use crate::domain::report_layout::Fill;
    let file = parse(EXAMPLE).unwrap();
    let report = file.paper.report.expect("the example has a [report]");
    assert_eq!(report.title, "BÁO CÁO THÀNH TÍCH");
    let headings: Vec<&str> = report.sections.iter().map(|s| s.heading.as_str()).collect();
    let at = |h: &str| headings.iter().position(|x| x.starts_with(h)).unwrap();
    assert!(at("I. THÔNG TIN CHUNG") < at("II. THÀNH TÍCH") && at("II. THÀNH TÍCH") < at("III."));
    let fills: Vec<Fill> = report.sections.iter().map(|s| s.fill).collect();
    for f in [
        Fill::Unit,
        Fill::Text,
        Fill::Works,
        Fill::TotalValue,
        Fill::Photos,
        Fill::Awards,
    ] {
        assert!(fills.contains(&f), "{f:?}");
    }
    assert_eq!(report.written().count(), 5);
    assert!(report.written().all(|s| s.guidance.is_some()));
}

#[test]
fn a_report_section_that_holds_nothing_known_is_refused_on_its_line() {
    let text = format!("{EXAMPLE}\n[[report.section]]\nheading = \"IV. KHÁC\"\nfill = \"chart\"\n");
    let e = parse(&text).unwrap_err();
    assert_eq!(e.field, "report.section[10].fill");
    assert!(e.message.contains("text, unit, works"), "{}", e.message);
    assert_eq!(e.line, text.lines().count());
    let twice = format!(
        "{EXAMPLE}\n[[report.section]]\nkey = \"dac_diem\"\nheading = \"X\"\nfill = \"text\"\n"
    );
    assert!(parse(&twice)
        .unwrap_err()
        .message
        .contains("already the key"));
}
