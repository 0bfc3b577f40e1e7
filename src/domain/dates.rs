//! Start and end dates as chairs type them: `15/01/2025`, `15-1-2025`,
//! `15.1.25`, `2025-01-15`, `15/1` (campaign year), `ngày 15 tháng 1 năm 2025`,
//! `15 thg 1`, `mùng 5 tháng 2`. Impossible dates are refused with the
//! precise reason so the bot can say what is wrong.

use chrono::NaiveDate;

use super::text::fold;

/// Earliest accepted year.
pub const MIN_YEAR: i32 = 2000;
/// Latest accepted year.
pub const MAX_YEAR: i32 = 2100;

/// Why a date was refused. [`DateError::key`] gives the locale key; the
/// message takes the variant's fields as named parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("no date was given")]
    Empty,
    #[error("the date is not written like 15/01/2025")]
    Format,
    #[error("there is no month {month}")]
    NoSuchMonth { month: u32 },
    #[error("{month}/{year} has {max} days, so there is no day {day}")]
    NoSuchDay {
        day: u32,
        month: u32,
        year: i32,
        max: u32,
    },
    #[error("the year {year} is not between 2000 and 2100")]
    YearOutOfRange { year: i32 },
}

impl DateError {
    pub fn key(self) -> &'static str {
        match self {
            DateError::Empty => "date.empty",
            DateError::Format => "date.format",
            DateError::NoSuchMonth { .. } => "date.no_such_month",
            DateError::NoSuchDay { .. } => "date.no_such_day",
            DateError::YearOutOfRange { .. } => "date.year_out_of_range",
        }
    }
}

/// Parses a date; `default_year` is used when the year is left out.
pub fn parse_date(input: &str, default_year: i32) -> Result<NaiveDate, DateError> {
    let folded = fold(input);
    let s = folded.trim_end_matches(['.', ' ']);
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let toks = tokenize(s)?;
    let (day, month, year) = shape(&toks)?;
    let year = match year {
        Some(y) => parse_year(y)?,
        None => default_year,
    };
    build(day, month, year)
}

/// `30/06/2025`
pub fn format_dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "ngày 15 tháng 01 năm 2025", as Nghị định 30/2020 writes dates on papers: a day
/// below 10 and the months 1 and 2 take a leading zero, other months do not.
/// The day in Vietnam at `now`, as file names carry it ("20250502"): at 06:30 in
/// Hà Nội it is already the next day while UTC is still on the last one.
pub fn file_day(now: chrono::DateTime<chrono::Utc>) -> String {
    now.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%Y%m%d")
        .to_string()
}

pub fn format_long(d: NaiveDate) -> String {
    use chrono::Datelike;
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
    Sep(char),
}

fn tokenize(s: &str) -> Result<Vec<Tok<'_>>, DateError> {
    let mut toks = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == ' ' {
            rest = &rest[1..];
        } else if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            toks.push(Tok::Num(&rest[..end]));
            rest = &rest[end..];
        } else if c.is_alphabetic() {
            let end = rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len());
            toks.push(Tok::Word(&rest[..end]));
            rest = &rest[end..];
        } else {
            let sep = match c {
                '/' | '.' | ',' | '-' => c,
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                _ => return Err(DateError::Format),
            };
            toks.push(Tok::Sep(sep));
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(toks)
}

type Parts<'a> = (&'a str, &'a str, Option<&'a str>);

/// Finds day, month and (maybe) year in the tokens.
fn shape<'a>(toks: &[Tok<'a>]) -> Result<Parts<'a>, DateError> {
    let mut toks = toks;
    // "ngày", "mùng"/"mồng" (days 1–10) before the day.
    while let [Tok::Word("ngay" | "mung" | "mong"), rest @ ..] = toks {
        toks = rest;
    }
    let (day, month, year) = match *toks {
        [Tok::Num(a), Tok::Sep(s1), Tok::Num(b), Tok::Sep(s2), Tok::Num(c)]
            if s1 == s2 && s1 != ',' =>
        {
            if a.len() == 4 {
                (c, b, Some(a)) // ISO order, 2025-01-15
            } else {
                (a, b, Some(c))
            }
        }
        [Tok::Num(d), Tok::Sep(s), Tok::Num(m)] if s != ',' => (d, m, None),
        [Tok::Num(d), Tok::Word("thang" | "thg"), Tok::Num(m), ref rest @ ..] => {
            let year = match *rest {
                [] => None,
                [Tok::Num(y)]
                | [Tok::Word("nam"), Tok::Num(y)]
                | [Tok::Sep(','), Tok::Num(y)]
                | [Tok::Sep(','), Tok::Word("nam"), Tok::Num(y)] => Some(y),
                _ => return Err(DateError::Format),
            };
            (d, m, year)
        }
        _ => return Err(DateError::Format),
    };
    if !(1..=2).contains(&day.len()) || !(1..=2).contains(&month.len()) {
        return Err(DateError::Format);
    }
    Ok((day, month, year))
}

fn parse_year(digits: &str) -> Result<i32, DateError> {
    let value: i32 = match digits.len() {
        2 | 4..=9 => digits.parse().map_err(|_| DateError::Format)?,
        _ => return Err(DateError::Format),
    };
    Ok(if digits.len() == 2 {
        2000 + value
    } else {
        value
    })
}

fn build(day: &str, month: &str, year: i32) -> Result<NaiveDate, DateError> {
    let day: u32 = day.parse().map_err(|_| DateError::Format)?;
    let month: u32 = month.parse().map_err(|_| DateError::Format)?;
    if !(1..=12).contains(&month) {
        return Err(DateError::NoSuchMonth { month });
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DateError::YearOutOfRange { year });
    }
    let max = days_in_month(year, month);
    if !(1..=max).contains(&day) {
        return Err(DateError::NoSuchDay {
            day,
            month,
            year,
            max,
        });
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::Format)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_carries_vietnams_day() {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(super::file_day(at("2025-05-01T23:30:00Z")), "20250502");
        assert_eq!(super::file_day(at("2025-05-01T16:59:00Z")), "20250501");
    }

    #[test]
    fn long_dates_follow_the_decree() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            super::format_long(d(2025, 1, 15)),
            "ngày 15 tháng 01 năm 2025"
        );
        assert_eq!(
            super::format_long(d(2025, 2, 5)),
            "ngày 05 tháng 02 năm 2025"
        );
        assert_eq!(
            super::format_long(d(2025, 6, 30)),
            "ngày 30 tháng 6 năm 2025"
        );
        assert_eq!(
            super::format_long(d(2025, 12, 1)),
            "ngày 01 tháng 12 năm 2025"
        );
    }

    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/dates.tsv");
    const CAMPAIGN_YEAR: i32 = 2025;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn err(input: &str) -> DateError {
        parse_date(input, CAMPAIGN_YEAR).expect_err(input)
    }

    #[test]
    fn fixture_rows_hold() {
        let mut count = 0;
        let mut failures = Vec::new();
        for (n, line) in FIXTURE.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            count += 1;
            let (input, expected) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("line {}: no TAB in {line:?}", n + 1));
            let expected = expected.trim();
            let got = parse_date(input, CAMPAIGN_YEAR);
            let ok = match expected.strip_prefix("ERROR") {
                Some(reason) => match (reason.trim(), got) {
                    (_, Ok(_)) => false,
                    ("", Err(_)) => true,
                    (reason, Err(e)) => e.key() == format!("date.{reason}"),
                },
                None => {
                    let want = NaiveDate::parse_from_str(expected, "%Y-%m-%d")
                        .unwrap_or_else(|_| panic!("line {}: bad expected {expected:?}", n + 1));
                    got == Ok(want)
                }
            };
            if !ok {
                failures.push(format!(
                    "line {}: {input:?} -> {got:?}, want {expected}",
                    n + 1
                ));
            }
        }
        assert!(count >= 16, "fixture lost rows: {count}");
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn no_such_day_names_the_month_length() {
        assert_eq!(
            err("31/04/2025"),
            DateError::NoSuchDay {
                day: 31,
                month: 4,
                year: 2025,
                max: 30
            }
        );
        assert_eq!(
            err("29/02/2025"),
            DateError::NoSuchDay {
                day: 29,
                month: 2,
                year: 2025,
                max: 28
            }
        );
        assert_eq!(
            err("0/1/2025"),
            DateError::NoSuchDay {
                day: 0,
                month: 1,
                year: 2025,
                max: 31
            }
        );
        assert_eq!(
            err("32/1/2025"),
            DateError::NoSuchDay {
                day: 32,
                month: 1,
                year: 2025,
                max: 31
            }
        );
        assert_eq!(
            err("29/2/2100"),
            DateError::NoSuchDay {
                day: 29,
                month: 2,
                year: 2100,
                max: 28
            }
        );
        // The default year decides February's length.
        assert_eq!(
            parse_date("29/2", 2025),
            Err(DateError::NoSuchDay {
                day: 29,
                month: 2,
                year: 2025,
                max: 28
            })
        );
        assert_eq!(parse_date("29/2", 2024), Ok(date(2024, 2, 29)));
        assert_eq!(parse_date("29/2/2000", 2025), Ok(date(2000, 2, 29)));
    }

    #[test]
    fn no_such_month() {
        assert_eq!(err("15/13/2025"), DateError::NoSuchMonth { month: 13 });
        assert_eq!(err("15/0/2025"), DateError::NoSuchMonth { month: 0 });
        assert_eq!(err("1/15/2025"), DateError::NoSuchMonth { month: 15 });
        assert_eq!(err("2025-13-01"), DateError::NoSuchMonth { month: 13 });
        assert_eq!(err("15 tháng 13"), DateError::NoSuchMonth { month: 13 });
    }

    #[test]
    fn year_out_of_range() {
        assert_eq!(err("15/1/1999"), DateError::YearOutOfRange { year: 1999 });
        assert_eq!(err("15/1/2101"), DateError::YearOutOfRange { year: 2101 });
        assert_eq!(err("1999-01-15"), DateError::YearOutOfRange { year: 1999 });
        assert_eq!(err("15/1/20255"), DateError::YearOutOfRange { year: 20255 });
        assert_eq!(
            parse_date("15/1", 1990),
            Err(DateError::YearOutOfRange { year: 1990 })
        );
        assert_eq!(parse_date("1/1/2000", 2025), Ok(date(2000, 1, 1)));
        assert_eq!(parse_date("31/12/2100", 2025), Ok(date(2100, 12, 31)));
        assert_eq!(parse_date("31/12/99", 2025), Ok(date(2099, 12, 31)));
    }

    #[test]
    fn format_and_empty() {
        for input in [
            "hôm qua",
            "hôm nay",
            "tháng 6",
            "15",
            "15/1/202",
            "15/1/2025/1",
            "15/1-2025",
            "15,1,2025",
            "015/1/2025",
            "15 1 2025",
            "15/1/2025 15:00",
            "15012025",
            "ngày mai",
            "15 tháng 1 năm",
            "15/1/12345678901",
        ] {
            assert_eq!(err(input), DateError::Format, "{input:?}");
        }
        for input in ["", "   ", "\t\n", "."] {
            assert_eq!(err(input), DateError::Empty, "{input:?}");
        }
    }

    #[test]
    fn default_year_is_used_only_when_missing() {
        assert_eq!(parse_date("15/1", 2026), Ok(date(2026, 1, 15)));
        assert_eq!(parse_date("15 tháng 1", 2026), Ok(date(2026, 1, 15)));
        assert_eq!(parse_date("15/1/2025", 2026), Ok(date(2025, 1, 15)));
        assert_eq!(parse_date("15/1/25", 2030), Ok(date(2025, 1, 15)));
    }

    #[test]
    fn keys_and_messages() {
        let errors = [
            DateError::Empty,
            DateError::Format,
            DateError::NoSuchMonth { month: 13 },
            DateError::NoSuchDay {
                day: 31,
                month: 4,
                year: 2025,
                max: 30,
            },
            DateError::YearOutOfRange { year: 1999 },
        ];
        let keys: Vec<&str> = errors.iter().map(|e| e.key()).collect();
        assert_eq!(
            keys,
            [
                "date.empty",
                "date.format",
                "date.no_such_month",
                "date.no_such_day",
                "date.year_out_of_range",
            ]
        );
        assert_eq!(errors[2].to_string(), "there is no month 13");
        assert_eq!(
            errors[3].to_string(),
            "4/2025 has 30 days, so there is no day 31"
        );
        assert!(errors[4].to_string().contains("1999"));
    }

    #[test]
    fn format_dmy_pads_day_and_month() {
        assert_eq!(format_dmy(date(2025, 6, 30)), "30/06/2025");
        assert_eq!(format_dmy(date(2025, 1, 5)), "05/01/2025");
        assert_eq!(format_dmy(date(2100, 12, 31)), "31/12/2100");
    }

    #[test]
    fn formatted_dates_parse_back() {
        let mut d = date(2024, 1, 1);
        while d <= date(2025, 12, 31) {
            assert_eq!(parse_date(&format_dmy(d), 2000), Ok(d));
            d = d.succ_opt().unwrap();
        }
    }
}
