//! Properties of the parsers and text helpers over generated input: whatever a
//! phone sends, they answer without panicking, and what the bot writes it reads back.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use thidua::domain::dates::{self, format_dmy, parse_date, MAX_YEAR, MIN_YEAR};
use thidua::domain::money::{MoneyError, Vnd};
use thidua::domain::text::{clean, fold, visible_len};

/// Anything at all, and text shaped like what chairs type for amounts and dates,
/// which reaches deeper into the parsers than random Unicode does.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 .,/~-]{0,24}",
        "(khoảng |tầm |~)?[0-9]{1,6}([.,][0-9]{1,4})? ?(tỷ|ty|triệu|tr|nghìn|ngàn|k|trăm|đồng|đ|VNĐ|rưỡi)? ?[0-9]{0,3} ?(tỷ|triệu|tr|nghìn)?",
        "(ngày |mùng )?[0-9]{1,3}( tháng | thg |/|-|\\.)[0-9]{1,3}((, năm | năm |/|-|\\.)[0-9]{1,5})?",
        "[\\x00-\\x1f\\x7f-\\u{9f}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a-zđ \\n\\r\\t]{0,20}",
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap();
    (0..=(last - first).num_days()).prop_map(move |n| first + chrono::Duration::days(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn money_never_panics_and_stays_in_range(s in typed()) {
        if let Ok(v) = Vnd::parse(&s) {
            prop_assert!((1..=Vnd::MAX_DONG).contains(&v.dong()), "{s:?} gave {v:?}");
        }
    }

    /// Both ways the bot writes an amount (Vietnamese and English grouping) read back
    /// as the same amount, small and large alike.
    #[test]
    fn an_amount_as_the_bot_writes_it_parses_back(
        n in prop_oneof![1000..100_000u64, 1000..=Vnd::MAX_DONG]
    ) {
        let v = Vnd::from_dong(n).unwrap();
        prop_assert_eq!(Vnd::parse(&v.to_string()), Ok(v));
        prop_assert_eq!(Vnd::parse(&format!("{} đ", v.grouped('.'))), Ok(v));
        prop_assert_eq!(Vnd::parse(&format!("{} VND", v.grouped(','))), Ok(v));
        prop_assert_eq!(Vnd::parse(&format!("{} VNĐ", v.grouped(' '))), Ok(v));
        prop_assert_eq!(Vnd::parse(&format!("khoảng {v}")), Ok(v));
    }

    /// Below 1 000 đồng a bare number is taken as a forgotten "triệu", even with
    /// "đồng" after it (no work costs 500 đồng).
    #[test]
    fn under_a_thousand_dong_asks_for_the_unit(n in 1..1000u64) {
        let v = Vnd::from_dong(n).unwrap();
        prop_assert_eq!(Vnd::parse(&v.to_string()), Err(MoneyError::MissingUnit));
    }

    #[test]
    fn amounts_past_the_limit_are_refused(n in (Vnd::MAX_DONG + 1)..=u64::MAX) {
        prop_assert_eq!(Vnd::from_dong(n), Err(MoneyError::TooLarge));
    }

    #[test]
    fn dates_never_panic(s in typed(), year in any::<i32>()) {
        if let Ok(d) = parse_date(&s, year) {
            prop_assert!((MIN_YEAR..=MAX_YEAR).contains(&d.year()) || d.year() == year, "{s:?} gave {d}");
        }
    }

    #[test]
    fn a_date_as_the_bot_writes_it_parses_back(d in date(), year in MIN_YEAR..=MAX_YEAR) {
        prop_assert_eq!(parse_date(&format_dmy(d), year), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string(), year), Ok(d));
        prop_assert_eq!(
            parse_date(&format!("ngày {} tháng {} năm {}", d.day(), d.month(), d.year()), year),
            Ok(d)
        );
        // Without a year, the default one is taken.
        let short = format!("{}/{}", d.day(), d.month());
        match NaiveDate::from_ymd_opt(year, d.month(), d.day()) {
            Some(expected) => prop_assert_eq!(parse_date(&short, year), Ok(expected)),
            None => prop_assert!(parse_date(&short, year).is_err()),
        }
    }

    #[test]
    fn impossible_days_are_refused_with_the_reason(d in date()) {
        let next_month = if d.month() == 12 { 1 } else { d.month() + 1 };
        let year = if d.month() == 12 { d.year() + 1 } else { d.year() };
        let last = NaiveDate::from_ymd_opt(year, next_month, 1)
            .map(|n| n.pred_opt().unwrap().day())
            .unwrap_or(31);
        let typed = format!("{}/{}/{}", last + 1, d.month(), d.year());
        prop_assert!(
            matches!(parse_date(&typed, d.year()), Err(dates::DateError::NoSuchDay { .. })),
            "{typed}"
        );
    }

    #[test]
    fn fold_is_idempotent(s in typed()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn clean_leaves_no_control_character_and_is_idempotent(s in typed()) {
        let once = clean(&s);
        prop_assert_eq!(clean(&once), once.clone());
        let bad = once.chars().find(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        });
        prop_assert_eq!(bad, None, "{:?} left {:?}", s, bad);
        // Only what cannot be seen is taken off.
        prop_assert_eq!(visible_len(&once), visible_len(&s));
    }
}
