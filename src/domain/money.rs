//! The answer to "Tổng giá trị thực hiện dự kiến": an estimated amount of
//! Vietnamese đồng, typed by a chair on a phone.
//!
//! Accepted: `250 triệu`, `250tr`, `250.000.000 đ`, `250 000 000`, `1,5 tỷ`,
//! `1 tỷ 200 triệu`, `1 ty 2` (= 1,2 tỷ), `1tr5`, `1 tỷ rưỡi`, `500k`,
//! `1,5 nghìn tỷ`, `5 trăm triệu`, with or without diacritics, any case, with a
//! leading hedge (`khoảng`, `tầm`, `dự kiến`, `~`, …) and a trailing currency
//! word (`đồng`, `đ`, `VND`, `VNĐ`). All arithmetic is exact (integers only);
//! a fractional đồng is rounded half up.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::fold;

/// A positive amount of đồng, at most [`Vnd::MAX_DONG`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Vnd(u64);

impl Vnd {
    /// 100 000 tỷ đồng: anything larger is a typo.
    pub const MAX_DONG: u64 = 100_000_000_000_000;

    /// Parses what a chair typed, e.g. `"khoảng 1,5 tỷ"`.
    pub fn parse(input: &str) -> Result<Vnd, MoneyError> {
        parse_amount(input)
    }

    /// An exact number of đồng; refuses 0 and anything above [`Vnd::MAX_DONG`].
    pub fn from_dong(d: u64) -> Result<Vnd, MoneyError> {
        if d == 0 {
            Err(MoneyError::Zero)
        } else if d > Self::MAX_DONG {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Vnd(d))
        }
    }

    pub fn dong(self) -> u64 {
        self.0
    }

    /// The digits in groups of three: `250000000` with `'.'` is `"250.000.000"`.
    pub fn grouped(self, sep: char) -> String {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Vnd {
    /// `250.000.000 đồng`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} đồng", self.grouped('.'))
    }
}

impl TryFrom<u64> for Vnd {
    type Error = MoneyError;

    fn try_from(d: u64) -> Result<Vnd, MoneyError> {
        Vnd::from_dong(d)
    }
}

impl From<Vnd> for u64 {
    fn from(v: Vnd) -> u64 {
        v.0
    }
}

/// Why an amount was refused. [`MoneyError::key`] gives the locale key of the
/// message to show; none of the messages needs a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("no amount was given")]
    Empty,
    #[error("the amount is not a number of đồng")]
    NotANumber,
    #[error("the amount must be more than 0 đồng")]
    Zero,
    #[error("the amount cannot be negative")]
    Negative,
    #[error("one estimated amount is needed, not a range")]
    Range,
    #[error("the amount has no unit (tỷ, triệu or nghìn)")]
    MissingUnit,
    #[error("the amount is larger than 100.000 tỷ đồng")]
    TooLarge,
}

impl MoneyError {
    pub fn key(self) -> &'static str {
        match self {
            MoneyError::Empty => "money.empty",
            MoneyError::NotANumber => "money.not_a_number",
            MoneyError::Zero => "money.zero",
            MoneyError::Negative => "money.negative",
            MoneyError::Range => "money.range",
            MoneyError::MissingUnit => "money.missing_unit",
            MoneyError::TooLarge => "money.too_large",
        }
    }
}

const TY: u128 = 1_000_000_000;
const TRIEU: u128 = 1_000_000;
const NGHIN: u128 = 1_000;
const TRAM: u128 = 100;

/// Digits of a fraction beyond this many cannot change the rounded result
/// (every unit is a power of ten below 10^21) and are ignored.
const MAX_FRACTION_DIGITS: usize = 24;

/// Leading words that only say the amount is an estimate; longer ones first.
const HEDGES: &[&str] = &[
    "khoang",
    "tam",
    "du kien",
    "du tinh",
    "uoc tinh",
    "uoc khoang",
    "uoc",
    "gan",
    "chung",
    "xap xi",
    "~",
    "≈",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// tỷ, triệu, nghìn (and their spellings): the multiplier in đồng.
    Unit(u128),
    /// trăm: only as part of a bigger unit, "5 trăm triệu".
    Hundred,
    /// rưỡi: "and a half" of the unit before it.
    Half,
    Currency,
    /// đến, tới: between the two ends of a range.
    To,
    /// từ: before the first end of a range.
    From,
    /// âm: minus.
    Minus,
}

/// Folded spellings. A run of letters is split greedily into these, longest
/// first, so "trđ", "kđ" and "triệuđồng" are understood.
const WORDS: &[(&str, Word)] = &[
    // English, for those who chose it with /ngonngu.
    ("billion", Word::Unit(TY)),
    ("bn", Word::Unit(TY)),
    ("million", Word::Unit(TRIEU)),
    ("mln", Word::Unit(TRIEU)),
    ("thousand", Word::Unit(NGHIN)),
    ("ty", Word::Unit(TY)),
    ("ti", Word::Unit(TY)),
    ("trieu", Word::Unit(TRIEU)),
    ("tr", Word::Unit(TRIEU)),
    ("cu", Word::Unit(TRIEU)),
    ("nghin", Word::Unit(NGHIN)),
    ("ngan", Word::Unit(NGHIN)),
    ("k", Word::Unit(NGHIN)),
    ("tram", Word::Hundred),
    ("ruoi", Word::Half),
    ("dong", Word::Currency),
    ("vnd", Word::Currency),
    ("d", Word::Currency),
    ("den", Word::To),
    ("toi", Word::To),
    ("tu", Word::From),
    ("am", Word::Minus),
];

/// A number as typed, its separators already interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Numeral {
    int: String,
    frac: String,
    /// Digits only, no separator at all.
    plain: bool,
    /// Thousands grouped with spaces, "250 000 000".
    spaced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Num(Numeral),
    Word(Word),
    Dash,
    Tilde,
}

fn parse_amount(input: &str) -> Result<Vnd, MoneyError> {
    let normalized = normalize(input);
    if normalized.is_empty() {
        return Err(MoneyError::Empty);
    }
    let rest = strip_hedges(&normalized);
    if rest.is_empty() {
        return Err(MoneyError::Empty);
    }
    let toks = tokenize(rest)?;
    if !toks.iter().any(is_num) {
        return Err(MoneyError::NotANumber);
    }
    if matches!(toks[0], Tok::Dash | Tok::Word(Word::Minus)) {
        return Err(MoneyError::Negative);
    }
    for (i, tok) in toks.iter().enumerate() {
        let connector = matches!(tok, Tok::Dash | Tok::Tilde | Tok::Word(Word::To));
        if connector && toks[..i].iter().any(is_num) && toks[i + 1..].iter().any(is_num) {
            return Err(MoneyError::Range);
        }
    }
    let dong = evaluate(&toks)?;
    u64::try_from(dong)
        .map_err(|_| MoneyError::TooLarge)
        .and_then(Vnd::from_dong)
}

fn is_num(tok: &Tok) -> bool {
    matches!(tok, Tok::Num(_))
}

/// Folds, unifies dash and tilde look-alikes, drops trailing full stops.
fn normalize(input: &str) -> String {
    let folded: String = fold(input)
        .chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            '\u{223C}' | '\u{FF5E}' => '~',
            _ => c,
        })
        .collect();
    folded.trim_end_matches(['.', '!', ' ']).to_owned()
}

fn strip_hedges(mut s: &str) -> &str {
    'again: loop {
        for hedge in HEDGES {
            if let Some(rest) = s.strip_prefix(hedge) {
                let is_word = hedge.chars().all(|c| c.is_alphabetic() || c == ' ');
                if !is_word || !rest.starts_with(char::is_alphabetic) {
                    s = rest.trim_start();
                    continue 'again;
                }
            }
        }
        return s;
    }
}

fn tokenize(s: &str) -> Result<Vec<Tok>, MoneyError> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            i += 1;
        } else if c.is_ascii_digit() {
            let (num, next) = read_numeral(&chars, i)?;
            toks.push(Tok::Num(num));
            i = next;
        } else if c == '-' {
            toks.push(Tok::Dash);
            i += 1;
        } else if c == '~' {
            toks.push(Tok::Tilde);
            i += 1;
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            split_words(&run, &mut toks)?;
        } else {
            return Err(MoneyError::NotANumber);
        }
    }
    Ok(toks)
}

fn split_words(run: &str, toks: &mut Vec<Tok>) -> Result<(), MoneyError> {
    let mut rest = run;
    while !rest.is_empty() {
        let (spelling, word) = WORDS
            .iter()
            .filter(|(spelling, _)| rest.starts_with(spelling))
            .max_by_key(|(spelling, _)| spelling.len())
            .ok_or(MoneyError::NotANumber)?;
        toks.push(Tok::Word(*word));
        rest = &rest[spelling.len()..];
    }
    Ok(())
}

fn is_sep(c: char) -> bool {
    c == '.' || c == ','
}

fn read_numeral(chars: &[char], start: usize) -> Result<(Numeral, usize), MoneyError> {
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut raw = String::new();
    let mut i = start;
    while i < chars.len() && (digit_at(i) || (is_sep(chars[i]) && digit_at(i + 1))) {
        raw.push(chars[i]);
        i += 1;
    }
    // "250 000 000": groups of exactly three digits after one to three digits.
    let mut spaced = false;
    if raw.len() <= 3 && raw.chars().all(|c| c.is_ascii_digit()) {
        loop {
            let group_follows = chars.get(i) == Some(&' ')
                && (i + 1..i + 4).all(digit_at)
                && !digit_at(i + 4)
                && !(chars.get(i + 4).is_some_and(|&c| is_sep(c)) && digit_at(i + 5));
            if !group_follows {
                break;
            }
            raw.extend(&chars[i + 1..i + 4]);
            i += 4;
            spaced = true;
        }
    }
    let mut num = interpret(&raw)?;
    num.spaced = spaced;
    Ok((num, i))
}

/// Decides which separators group thousands and which one is a decimal point.
fn interpret(raw: &str) -> Result<Numeral, MoneyError> {
    let seps: Vec<char> = raw.chars().filter(|&c| is_sep(c)).collect();
    let groups: Vec<&str> = raw.split(is_sep).collect();
    let numeral = |int: String, frac: &str| Numeral {
        int,
        frac: frac.to_owned(),
        plain: seps.is_empty(),
        spaced: false,
    };
    let Some(&last) = seps.last() else {
        return Ok(numeral(raw.to_owned(), ""));
    };
    let last_group = groups[groups.len() - 1];
    if seps.iter().any(|&c| c != last) {
        // Both '.' and ',': the last one may be a decimal point, once.
        if seps.iter().filter(|&&c| c == last).count() > 1 {
            return Err(MoneyError::NotANumber);
        }
        if last_group.len() == 3 {
            Ok(numeral(thousands(&groups)?, ""))
        } else {
            Ok(numeral(thousands(&groups[..groups.len() - 1])?, last_group))
        }
    } else if seps.len() > 1 {
        Ok(numeral(thousands(&groups)?, ""))
    } else {
        let before = groups[0];
        // "0.500" is a decimal: nobody groups a leading zero.
        if last_group.len() == 3 && !before.chars().all(|c| c == '0') {
            Ok(numeral(thousands(&groups)?, ""))
        } else {
            Ok(numeral(before.to_owned(), last_group))
        }
    }
}

fn thousands(groups: &[&str]) -> Result<String, MoneyError> {
    let first_ok = (1..=3).contains(&groups[0].len());
    if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
        return Err(MoneyError::NotANumber);
    }
    Ok(groups.concat())
}

struct Group {
    num: Numeral,
    unit: u128,
}

enum Tail {
    /// A number with no unit: the whole amount in đồng, or, after a unit, the
    /// fraction of that unit as spoken ("1 tỷ 2" = 1,2 tỷ).
    Number(Numeral),
    /// rưỡi after a unit.
    Half,
}

/// Reads units after a number; consecutive units multiply when ascending
/// ("nghìn tỷ", "trăm triệu"). `None` when there is no unit.
fn read_units(toks: &[Tok], i: &mut usize) -> Result<Option<u128>, MoneyError> {
    let mut product: Option<u128> = None;
    let mut previous = 0;
    let mut ends_in_hundred = false;
    while let Some(Tok::Word(word)) = toks.get(*i) {
        let unit = match word {
            Word::Unit(u) => *u,
            Word::Hundred => TRAM,
            _ => break,
        };
        if unit <= previous {
            break;
        }
        product = Some(product.unwrap_or(1) * unit);
        previous = unit;
        ends_in_hundred = unit == TRAM;
        *i += 1;
    }
    if ends_in_hundred {
        return Err(MoneyError::NotANumber);
    }
    Ok(product)
}

/// The amount's parts as written: groups of a number and its units in descending
/// order ("1 tỷ 250 triệu"), what follows them (a spoken last part "2", or "rưỡi"),
/// and whether "đồng" closes it.
fn read_groups(toks: &[Tok]) -> Result<(Vec<Group>, Option<Tail>, bool), MoneyError> {
    let mut groups: Vec<Group> = Vec::new();
    let mut tail = None;
    let mut i = 0;
    while let Some(Tok::Num(num)) = toks.get(i) {
        i += 1;
        let Some(unit) = read_units(toks, &mut i)? else {
            tail = Some(Tail::Number(num.clone()));
            break;
        };
        if num.spaced {
            return Err(MoneyError::NotANumber);
        }
        if let Some(prev) = groups.last() {
            // Descending units, each part smaller than the unit before it,
            // and a decimal only in the last part.
            let too_big = to_int(&num.int)?
                .checked_mul(unit)
                .is_none_or(|v| v >= prev.unit);
            if unit >= prev.unit || too_big || !prev.num.frac.is_empty() {
                return Err(MoneyError::NotANumber);
            }
        }
        groups.push(Group {
            num: num.clone(),
            unit,
        });
    }
    if tail.is_none() && toks.get(i) == Some(&Tok::Word(Word::Half)) {
        tail = Some(Tail::Half);
        i += 1;
    }
    let currency = toks.get(i) == Some(&Tok::Word(Word::Currency));
    if currency {
        i += 1;
    }
    if i != toks.len() {
        return Err(MoneyError::NotANumber);
    }
    Ok((groups, tail, currency))
}

fn evaluate(toks: &[Tok]) -> Result<u128, MoneyError> {
    let (groups, tail, currency) = read_groups(toks)?;
    let mut whole: u128 = 0;
    let mut fraction: Option<(String, u128)> = None;
    for g in &groups {
        let part = to_int(&g.num.int)?
            .checked_mul(g.unit)
            .ok_or(MoneyError::TooLarge)?;
        whole = whole.checked_add(part).ok_or(MoneyError::TooLarge)?;
        if !g.num.frac.is_empty() {
            fraction = Some((g.num.frac.clone(), g.unit));
        }
    }
    match (tail, groups.last()) {
        (None, None) => return Err(MoneyError::NotANumber),
        (None, Some(_)) => {}
        (Some(Tail::Number(num)), None) => {
            whole = to_int(&num.int)?;
            if !num.frac.is_empty() {
                fraction = Some((num.frac, 1));
            }
        }
        (Some(Tail::Number(num)), Some(last)) => {
            // "1 tỷ 2", "1 tỷ 25", "2 triệu 500". Followed by "đồng" it could
            // as well be a literal number of đồng ("1 triệu 500 đồng"): refuse.
            let spoken = num.plain && (1..=3).contains(&num.int.len());
            if !spoken || currency || !last.num.frac.is_empty() {
                return Err(MoneyError::NotANumber);
            }
            fraction = Some((num.int, last.unit));
        }
        (Some(Tail::Half), None) => return Err(MoneyError::NotANumber),
        (Some(Tail::Half), Some(last)) => {
            if !last.num.frac.is_empty() {
                return Err(MoneyError::NotANumber);
            }
            fraction = Some(("5".to_owned(), last.unit));
        }
    }
    if whole > u128::from(Vnd::MAX_DONG) {
        return Err(MoneyError::TooLarge);
    }
    let dong = match fraction {
        None => whole,
        Some((digits, unit)) => {
            let digits = &digits[..digits.len().min(MAX_FRACTION_DIGITS)];
            let scale = 10u128.pow(digits.len() as u32);
            to_int(digits)?
                .checked_mul(unit)
                .and_then(|scaled| scaled.checked_add(scale / 2))
                .map(|scaled| scaled / scale)
                .and_then(|rounded| whole.checked_add(rounded))
                .ok_or(MoneyError::TooLarge)?
        }
    };
    if dong == 0 {
        return Err(MoneyError::Zero);
    }
    if dong < 1000 {
        // A 250-đồng work does not exist: "triệu" was forgotten, or a unit written
        // with too many zeros after the comma ("0,0000001 tỷ" is 100 đồng).
        return Err(MoneyError::MissingUnit);
    }
    Ok(dong)
}

fn to_int(digits: &str) -> Result<u128, MoneyError> {
    digits.bytes().try_fold(0u128, |acc, b| {
        acc.checked_mul(10)
            .and_then(|acc| acc.checked_add(u128::from(b - b'0')))
            .ok_or(MoneyError::TooLarge)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/vnd-amounts.tsv");

    const ALL_ERRORS: [MoneyError; 7] = [
        MoneyError::Empty,
        MoneyError::NotANumber,
        MoneyError::Zero,
        MoneyError::Negative,
        MoneyError::Range,
        MoneyError::MissingUnit,
        MoneyError::TooLarge,
    ];

    /// Rows of the fixture: input (not trimmed) and expected column.
    fn rows() -> Vec<(usize, &'static str, &'static str)> {
        FIXTURE
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|(n, line)| {
                let line = line.trim_end_matches('\r');
                let (input, expected) = line
                    .split_once('\t')
                    .unwrap_or_else(|| panic!("line {}: no TAB in {line:?}", n + 1));
                (n + 1, input, expected.trim())
            })
            .collect()
    }

    #[test]
    fn fixture_rows_hold() {
        let rows = rows();
        assert!(rows.len() >= 29, "fixture lost rows: {}", rows.len());
        let mut failures = Vec::new();
        for (line, input, expected) in rows {
            let got = Vnd::parse(input);
            let ok = match expected.strip_prefix("ERROR") {
                Some(reason) => match (reason.trim(), got) {
                    (_, Ok(_)) => false,
                    ("", Err(_)) => true,
                    (reason, Err(e)) => {
                        assert!(
                            ALL_ERRORS
                                .iter()
                                .any(|k| k.key() == format!("money.{reason}")),
                            "line {line}: unknown error name {reason:?}"
                        );
                        e.key() == format!("money.{reason}")
                    }
                },
                None => {
                    let want: u64 = expected
                        .parse()
                        .unwrap_or_else(|_| panic!("line {line}: bad expected {expected:?}"));
                    got.map(Vnd::dong) == Ok(want)
                }
            };
            if !ok {
                failures.push(format!(
                    "line {line}: {input:?} -> {got:?}, want {expected}"
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    fn err(input: &str) -> MoneyError {
        Vnd::parse(input).expect_err(input)
    }

    fn dong(input: &str) -> u64 {
        Vnd::parse(input)
            .unwrap_or_else(|e| panic!("{input:?}: {e:?}"))
            .dong()
    }

    #[test]
    fn english_units_as_an_english_speaker_types_them() {
        for (input, want) in [
            ("50 million", 50_000_000),
            ("1.5 billion", 1_500_000_000),
            ("1,5 billion", 1_500_000_000),
            ("250 thousand", 250_000),
            ("2 bn", 2_000_000_000),
            ("250,000,000 VND", 250_000_000),
        ] {
            assert_eq!(dong(input), want, "{input}");
        }
    }

    #[test]
    fn empty() {
        for input in ["", "   ", "\t", ".", "khoảng"] {
            assert_eq!(err(input), MoneyError::Empty, "{input:?}");
        }
    }

    #[test]
    fn not_a_number() {
        for input in [
            "nhiều lắm",
            "abc123",
            "chưa biết",
            "triệu",
            "đồng",
            "1.5.2 tỷ",
            "250.00.000",
            "1500.000",
            "1,234.567,89",
            "200 triệu 1 tỷ",
            "1 tỷ 2500",
            "1 triệu 500 đồng",
            "1tr5đ",
            "1,5 tỷ 200 triệu",
            "5 trăm",
            "2 500 triệu",
            "250 triệu tiền mặt",
            "từ 200 triệu",
            "200 triệu +",
        ] {
            assert_eq!(err(input), MoneyError::NotANumber, "{input:?}");
        }
    }

    #[test]
    fn hedges_are_whole_words() {
        // "khoang" + "am": not the hedge followed by "âm" (minus).
        assert_eq!(err("khoangam 5 triệu"), MoneyError::NotANumber);
        assert_eq!(err("tầmâm 5 triệu"), MoneyError::NotANumber);
        assert_eq!(dong("khoảng200tr"), 200_000_000);
        assert_eq!(dong("dự kiến khoảng ~ 1,5 tỷ"), 1_500_000_000);
    }

    #[test]
    fn zero() {
        for input in [
            "0",
            "0 đồng",
            "0 triệu",
            "0,0 tỷ",
            "000",
            "0.000.000",
            "0,4",
        ] {
            assert_eq!(err(input), MoneyError::Zero, "{input:?}");
        }
    }

    #[test]
    fn negative() {
        for input in [
            "-5 triệu",
            "- 5 triệu",
            "âm 5 triệu",
            "−5 triệu",
            "khoảng -5tr",
        ] {
            assert_eq!(err(input), MoneyError::Negative, "{input:?}");
        }
    }

    #[test]
    fn range() {
        for input in [
            "200-300 triệu",
            "200 - 300",
            "200 đến 300 triệu",
            "từ 200 đến 300 triệu",
            "200tr-300tr",
            "200 tới 300 triệu",
            "200–300 triệu",
            "200 ~ 300 triệu",
        ] {
            assert_eq!(err(input), MoneyError::Range, "{input:?}");
        }
    }

    #[test]
    fn missing_unit() {
        for input in [
            "250",
            "999",
            "1,5",
            "  300  ",
            "500 đồng",
            "khoảng 250",
            "0,0000001 tỷ",
            "0,5 nghìn",
        ] {
            assert_eq!(err(input), MoneyError::MissingUnit, "{input:?}");
        }
        assert_eq!(dong("1000"), 1000);
    }

    #[test]
    fn too_large() {
        for input in [
            "999999999999999999999",
            "18446744073709551616",
            "100001 tỷ",
            "1 triệu tỷ",
            "100.000.000.000.001",
            "99999999999999999999999999999999999999999999 tỷ",
        ] {
            assert_eq!(err(input), MoneyError::TooLarge, "{input:?}");
        }
        assert_eq!(dong("100 nghìn tỷ"), Vnd::MAX_DONG);
        assert_eq!(dong("100.000.000.000.000"), Vnd::MAX_DONG);
    }

    #[test]
    fn rounds_fractional_dong_half_up() {
        assert_eq!(dong("1,0000005 triệu"), 1_000_001);
        assert_eq!(dong("1,0000004 triệu"), 1_000_000);
        assert_eq!(dong("1,2345678915 tỷ"), 1_234_567_892);
        assert_eq!(dong("2500,5"), 2501);
        assert_eq!(dong("1,000000000000000000000000000009 triệu"), 1_000_000);
    }

    #[test]
    fn from_dong_bounds() {
        assert_eq!(Vnd::from_dong(0), Err(MoneyError::Zero));
        assert_eq!(Vnd::from_dong(1).map(Vnd::dong), Ok(1));
        assert_eq!(
            Vnd::from_dong(Vnd::MAX_DONG).map(Vnd::dong),
            Ok(Vnd::MAX_DONG)
        );
        assert_eq!(Vnd::from_dong(Vnd::MAX_DONG + 1), Err(MoneyError::TooLarge));
        assert_eq!(Vnd::from_dong(u64::MAX), Err(MoneyError::TooLarge));
    }

    #[test]
    fn keys() {
        let keys: Vec<&str> = ALL_ERRORS.iter().map(|e| e.key()).collect();
        assert_eq!(
            keys,
            [
                "money.empty",
                "money.not_a_number",
                "money.zero",
                "money.negative",
                "money.range",
                "money.missing_unit",
                "money.too_large",
            ]
        );
        for e in ALL_ERRORS {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn grouped_and_display() {
        let v = Vnd::from_dong(250_000_000).unwrap();
        assert_eq!(v.grouped('.'), "250.000.000");
        assert_eq!(v.grouped(' '), "250 000 000");
        assert_eq!(v.to_string(), "250.000.000 đồng");
        let cases = [
            (1, "1"),
            (999, "999"),
            (1_000, "1.000"),
            (12_345, "12.345"),
            (1_500_000_000, "1.500.000.000"),
            (Vnd::MAX_DONG, "100.000.000.000.000"),
        ];
        for (d, want) in cases {
            assert_eq!(Vnd::from_dong(d).unwrap().grouped('.'), want);
        }
        assert_eq!(Vnd::from_dong(1_234_567).unwrap().grouped(','), "1,234,567");
    }

    #[test]
    fn parsed_amounts_round_trip_through_display() {
        for (_, input, expected) in rows() {
            if let Ok(v) = Vnd::parse(input) {
                assert_eq!(Vnd::parse(&v.to_string()), Ok(v), "{input:?} ({expected})");
            }
        }
    }

    #[test]
    fn serde_round_trip() {
        let v = Vnd::parse("1 tỷ 200 triệu").unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "1200000000");
        assert_eq!(serde_json::from_str::<Vnd>(&json).unwrap(), v);
    }

    #[test]
    fn serde_refuses_invalid_amounts() {
        for json in ["0", "-1", "100000000000001", "1.5", "\"250 triệu\""] {
            assert!(serde_json::from_str::<Vnd>(json).is_err(), "{json}");
        }
        let e = serde_json::from_str::<Vnd>("0").unwrap_err();
        assert!(e.to_string().contains(&MoneyError::Zero.to_string()), "{e}");
    }
}
