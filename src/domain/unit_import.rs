//! `thidua unit import FILE`: a province's list of units (CSV or XLSX), checked whole
//! before anything is written. Every problem is reported with its line, so the list
//! can be fixed in one go; one bad line imports nothing.

use std::collections::HashSet;

use super::text::fold;
use super::unit::{normalize_unit_name, UnitKind};

/// A line of the file, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub line: usize,
    pub name: String,
    pub kind: UnitKind,
    /// The unit above it, by name: one already in the database or earlier in the file.
    pub parent: Option<String>,
    /// The chair's phone number or e-mail address.
    pub contact: Option<String>,
}

/// What is wrong with a list: the first `SHOWN` problems, and how many there are in
/// all (a 3-million-line file of mistakes is not 3 million lines on the screen).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems {
    pub first: Vec<Problem>,
    pub total: usize,
}

/// How many problems are shown; the rest are counted.
pub const SHOWN: usize = 50;

impl Problems {
    fn push(&mut self, p: Problem) {
        self.total += 1;
        if self.first.len() < SHOWN {
            self.first.push(p);
        }
    }

    fn one(p: Problem) -> Problems {
        Problems {
            first: vec![p],
            total: 1,
        }
    }
}

/// What is wrong with a line: its locale key and what fills it (`value`, the
/// offending cell, and for a name its `len`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Kind,
    Parent,
    Contact,
}

/// Headers as a province's spreadsheet may write them, folded (no case, no diacritics).
fn column(header: &str) -> Option<Column> {
    match fold(header).as_str() {
        "name" | "ten" | "don vi" | "ten don vi" => Some(Column::Name),
        "kind" | "loai" | "loai hinh" => Some(Column::Kind),
        "parent" | "cap tren" | "don vi cap tren" => Some(Column::Parent),
        "contact" | "lien he" | "dien thoai" | "so dien thoai" | "email" => Some(Column::Contact),
        _ => None,
    }
}

fn kind(value: &str) -> Option<UnitKind> {
    match fold(value).as_str() {
        "" | "agency" | "co quan" | "hcsn" | "don vi" => Some(UnitKind::Agency),
        "enterprise" | "doanh nghiep" | "dn" => Some(UnitKind::Enterprise),
        _ => None,
    }
}

fn contact_ok(value: &str) -> bool {
    if let Some((user, host)) = value.split_once('@') {
        return !user.is_empty() && host.contains('.') && !value.contains(char::is_whitespace);
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'));
    allowed && (9..=12).contains(&digits.len())
}

/// A phone number typed into an Excel cell becomes a number and loses its leading
/// 0: Vietnam's numbers have 10 digits from the 0, so 9 bare digits get it back.
fn restore_zero(value: String) -> String {
    let bare = value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit());
    if bare && !value.starts_with('0') {
        format!("0{value}")
    } else {
        value
    }
}

/// Checks a table (first row the headers, each row with its line number in the file)
/// against the names already in the database (folded), a row at a time: a province's
/// list is never held whole beside what is made of it.
pub fn check(
    rows: impl IntoIterator<Item = (usize, Vec<String>)>,
    existing: &HashSet<String>,
) -> Result<Vec<NewUnit>, Problems> {
    let mut problems = Problems::default();
    let mut rows = rows.into_iter();
    let Some((header_line, headers)) = rows.next() else {
        return Err(Problems::one(Problem {
            line: 1,
            key: "cli.import.empty",
            args: vec![],
        }));
    };
    let columns: Vec<Option<Column>> = headers.iter().map(|h| column(h)).collect();
    if !columns.contains(&Some(Column::Name)) {
        return Err(Problems::one(Problem {
            line: header_line,
            key: "cli.import.no_name_column",
            args: vec![("value", headers.join(", "))],
        }));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut units = Vec::new();
    for (line, cells) in rows {
        let cell = |c: Column| {
            columns
                .iter()
                .position(|x| *x == Some(c))
                .and_then(|i| cells.get(i))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let raw_name = cell(Column::Name);
        let name = match normalize_unit_name(&crate::domain::text::clean(&raw_name)) {
            Ok(name) => name,
            Err(e) => {
                let args = vec![("value", raw_name), ("len", e.length().to_string())];
                problems.push(Problem {
                    line,
                    key: e.key(),
                    args,
                });
                continue;
            }
        };
        let mut problem = |key, value: String| {
            let args = vec![("value", value)];
            problems.push(Problem { line, key, args })
        };
        let folded = fold(&name);
        if existing.contains(&folded) || !seen.insert(folded) {
            problem("cli.import.duplicate", name.clone());
        }
        let Some(unit_kind) = kind(&cell(Column::Kind)) else {
            problem("cli.import.bad_kind", cell(Column::Kind));
            continue;
        };
        let parent = Some(cell(Column::Parent)).filter(|p| !p.is_empty());
        if let Some(p) = &parent {
            let p = fold(p);
            if p == fold(&name) {
                // Taken as it is, the line would become a federation at the top of
                // the tree, and its staff would see every unit.
                problem("cli.import.own_parent", name.clone());
            } else if !existing.contains(&p) && !seen.contains(&p) {
                problem("cli.import.unknown_parent", cell(Column::Parent));
            }
        }
        let contact = Some(cell(Column::Contact))
            .filter(|c| !c.is_empty())
            .map(restore_zero);
        if contact.as_deref().is_some_and(|c| !contact_ok(c)) {
            problem("cli.import.bad_contact", cell(Column::Contact));
        }
        units.push(NewUnit {
            line,
            name,
            kind: unit_kind,
            parent,
            contact,
        });
    }
    if problems.total == 0 {
        Ok(units)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(lines: &[&str]) -> Vec<(usize, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(';').map(str::to_string).collect()))
            .collect()
    }

    #[test]
    fn a_good_list_is_taken_whole_with_vietnamese_headers() {
        let rows = table(&[
            "Tên đơn vị;Loại;Đơn vị cấp trên;Điện thoại",
            "LĐLĐ huyện Vĩnh Thuận;cơ quan;;",
            "CĐCS Trường A;;LĐLĐ huyện Vĩnh Thuận;0912 345 678",
            "CĐCS Công ty B;Doanh nghiệp;LĐLĐ huyện Vĩnh Thuận;chu.tich@ctyb.vn",
        ]);
        let units = check(rows, &HashSet::new()).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[2].kind, UnitKind::Enterprise);
        assert_eq!(units[1].parent.as_deref(), Some("LĐLĐ huyện Vĩnh Thuận"));
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_taken() {
        let existing: HashSet<String> = [fold("CĐCS Đã Có")].into();
        let rows = table(&[
            "name;kind;parent;contact",
            "CĐCS Đã Có;;;",
            "CĐCS Mới;xyz;;",
            "CĐCS Khác;;Không có đâu;",
            "CĐCS Nữa;;;12",
            "\u{200B};;;",
            "LĐLĐ huyện D2;;LĐLĐ HUYỆN D2;",
            // A Cyrillic С, and fullwidth letters: the unit already there.
            "\u{0421}ĐCS Đã Có;;;",
            "ＣĐＣＳ Đã Có;;;",
        ]);
        let problems = check(rows, &existing).unwrap_err();
        let lines: Vec<(usize, &str)> = problems.first.iter().map(|p| (p.line, p.key)).collect();
        assert_eq!(
            lines,
            [
                (2, "cli.import.duplicate"),
                (3, "cli.import.bad_kind"),
                (4, "cli.import.unknown_parent"),
                (5, "cli.import.bad_contact"),
                (6, "cli.unit_name_invisible"),
                (7, "cli.import.own_parent"),
                (8, "cli.import.duplicate"),
                (9, "cli.import.duplicate"),
            ]
        );
    }

    #[test]
    fn a_list_without_a_name_column_is_refused() {
        let problems = check(table(&["loai;lien he", "co quan;"]), &HashSet::new()).unwrap_err();
        assert_eq!(problems.first[0].key, "cli.import.no_name_column");
    }

    #[test]
    fn the_first_fifty_problems_are_kept_and_the_rest_counted() {
        let rows = std::iter::once((1, vec!["name".to_string(), "kind".to_string()]))
            .chain((2..100_002).map(|l| (l, vec![format!("CĐCS {l}"), "xyz".to_string()])));
        let problems = check(rows, &HashSet::new()).unwrap_err();
        assert_eq!(problems.total, 100_000);
        assert_eq!(problems.first.len(), SHOWN);
        assert_eq!(problems.first[SHOWN - 1].line, SHOWN + 1);
    }

    #[test]
    fn a_phone_that_excel_made_a_number_gets_its_zero_back() {
        let rows = table(&["name;contact", "CĐCS A;912345678", "CĐCS B;0912345678"]);
        let units = check(rows, &HashSet::new()).unwrap();
        assert_eq!(units[0].contact.as_deref(), Some("0912345678"));
        assert_eq!(units[1].contact.as_deref(), Some("0912345678"));
    }
}
