//! A table an operator hands in (CSV or Excel), as rows of text with their line
//! numbers in the file, so every message can point at the line to fix.
//!
//! Nothing is allocated from what a file says about itself: an Excel sheet's
//! "dimensions" may claim A1:XFD1048576 in a 4 KB file. Cells are read as they come,
//! and rows, columns and cells are bounded (`LIMITS`), the bound named in the error.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::files::Failed;
use crate::i18n::{trf, Lang};

/// How large a table may be: a nation's list of units is ~100 000 lines of a few
/// columns, and no unit's name or contact is a page long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub rows: usize,
    pub columns: usize,
    /// Characters in one cell.
    pub cell: usize,
}

pub const LIMITS: Limits = Limits {
    rows: 200_000,
    columns: 50,
    cell: 1_000,
};

/// A table's rows, one at a time (a province's list is 100 000 lines); a line that
/// cannot be read, or one past a bound, ends the rows with its error.
pub type Rows = Box<dyn Iterator<Item = Result<(usize, Vec<String>)>>>;

pub fn read(path: &Path, lang: Lang) -> Result<Rows> {
    read_within(path, lang, LIMITS)
}

pub fn read_within(path: &Path, lang: Lang, limits: Limits) -> Result<Rows> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let shown = path.display().to_string();
    match ext.as_str() {
        "csv" | "txt" => {
            let delimiter = sniff_delimiter(path)?;
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                // The reader's own CRLF handling numbers the lines of a file saved by
                // Excel (CRLF) wrongly: record 2 said line 1. Lines end at `\n`; the
                // `\r` left at a line's end is trimmed away with the cell's spaces.
                .terminator(csv::Terminator::Any(b'\n'))
                .from_path(path)
                .with_context(|| Failed::Read(path.into()))?;
            let rows = reader.into_records().map(move |r| {
                let r = r.with_context(|| trf(lang, "cli.table.not_csv", &[("file", &shown)]))?;
                let line = r.position().map_or(0, |p| p.line() as usize);
                let cells = r.iter().map(|c| c.strip_suffix('\r').unwrap_or(c));
                Ok((line, cells.map(str::to_string).collect::<Vec<_>>()))
            });
            // A blank line is no row (it was not, before `\r` stayed on it).
            let rows = rows.filter(|r| {
                r.as_ref()
                    .map_or(true, |(_, cells)| cells.iter().any(|c| !c.is_empty()))
            });
            Ok(Box::new(Bounded::new(rows, limits, lang)))
        }
        "xlsx" | "xlsm" => {
            let rows = xlsx_rows(path, limits, lang)?;
            Ok(Box::new(rows.into_iter().map(Ok)))
        }
        "xls" | "ods" => bail!("{}", trf(lang, "cli.table.resave", &[("file", &shown)])),
        _ => bail!("{}", trf(lang, "cli.table.kind", &[("file", &shown)])),
    }
}

/// `;` and tab are what Excel writes in a Vietnamese or European locale: the one of
/// `,` `;` tab seen most often on the first line (outside quotes) separates.
fn sniff_delimiter(path: &Path) -> Result<u8> {
    let file = std::fs::File::open(path).with_context(|| Failed::Read(path.into()))?;
    let mut head = Vec::new();
    file.take(64 * 1024).read_to_end(&mut head)?;
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 0)).unwrap_or(0);
    Ok([b',', b';', b'\t'][best])
}

/// Rows of CSV checked against the bounds as they pass.
struct Bounded<I> {
    rows: I,
    limits: Limits,
    lang: Lang,
    seen: usize,
    done: bool,
}

impl<I> Bounded<I> {
    fn new(rows: I, limits: Limits, lang: Lang) -> Self {
        Bounded {
            rows,
            limits,
            lang,
            seen: 0,
            done: false,
        }
    }
}

impl<I: Iterator<Item = Result<(usize, Vec<String>)>>> Iterator for Bounded<I> {
    type Item = Result<(usize, Vec<String>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.rows.next()?;
        self.seen += 1;
        let checked = item.and_then(|(line, cells)| {
            check_row(line, self.seen, cells.len(), &cells, self.limits, self.lang)?;
            Ok((line, cells))
        });
        self.done = checked.is_err();
        Some(checked)
    }
}

/// The bound a row passes over, as an error naming it.
fn check_row(
    line: usize,
    nth: usize,
    width: usize,
    cells: &[String],
    limits: Limits,
    lang: Lang,
) -> Result<()> {
    let n = |v: usize| v.to_string();
    if nth > limits.rows {
        bail!(
            "{}",
            trf(
                lang,
                "cli.table.rows",
                &[("line", &n(line)), ("max", &n(limits.rows))]
            )
        );
    }
    if width > limits.columns {
        bail!(
            "{}",
            trf(
                lang,
                "cli.table.columns",
                &[("line", &n(line)), ("max", &n(limits.columns))]
            )
        );
    }
    if cells.iter().any(|c| c.chars().count() > limits.cell) {
        bail!(
            "{}",
            trf(
                lang,
                "cli.table.cell",
                &[("line", &n(line)), ("max", &n(limits.cell))]
            )
        );
    }
    Ok(())
}

/// The first sheet that holds anything (a list is sometimes on sheet 2), read a cell
/// at a time into rows; empty cells take no room, and a cell past a bound ends it.
fn xlsx_rows(path: &Path, limits: Limits, lang: Lang) -> Result<Vec<(usize, Vec<String>)>> {
    let mut book: Xlsx<_> = open_workbook(path).with_context(|| Failed::Read(path.into()))?;
    for sheet in book.sheet_names() {
        let mut cells = book
            .worksheet_cells_reader(&sheet)
            .with_context(|| Failed::Read(path.into()))?;
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        while let Some(cell) = cells
            .next_cell()
            .with_context(|| Failed::Read(path.into()))?
        {
            let value = Data::from(cell.get_value().clone());
            if matches!(value, Data::Empty) {
                continue;
            }
            let (row, col) = cell.get_position();
            let (line, col) = (row as usize + 1, col as usize);
            let text = text_of(&value);
            if text.trim().is_empty() {
                continue;
            }
            if rows.last().is_none_or(|(l, _)| *l != line) {
                rows.push((line, Vec::new()));
            }
            let nth = rows.len();
            let (_, cells) = rows.last_mut().expect("a row was just pushed");
            if col >= cells.len() && col < limits.columns {
                cells.resize(col + 1, String::new());
            }
            let width = if col >= limits.columns {
                col + 1
            } else {
                cells.len()
            };
            check_row(line, nth, width, std::slice::from_ref(&text), limits, lang)?;
            cells[col] = text;
        }
        if !rows.is_empty() {
            return Ok(rows);
        }
    }
    Ok(Vec::new())
}

fn text_of(c: &Data) -> String {
    match c {
        // A phone number typed in Excel becomes a number; keep its digits as written.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, name: &str) -> Vec<Result<(usize, Vec<String>)>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let small = Limits {
            rows: 4,
            columns: 3,
            cell: 10,
        };
        read_within(&path, Lang::En, small).unwrap().collect()
    }

    #[test]
    fn crlf_lines_are_numbered_as_an_editor_shows_them() {
        let rows = lines("name,kind\r\nA,x\r\n\r\nB,\"y\"\r\n", "a.csv");
        let got: Vec<(usize, String)> = rows
            .into_iter()
            .map(|r| r.unwrap())
            .map(|(l, c)| (l, c[0].clone()))
            .collect();
        assert_eq!(got, [(1, "name".into()), (2, "A".into()), (4, "B".into())]);
        let last = lines("name,kind\r\nB,\"y\"\r\n", "a.csv");
        assert_eq!(last[1].as_ref().unwrap().1, ["B", "y"]);
    }

    #[test]
    fn a_semicolon_list_is_read_by_its_separator() {
        let rows = lines("Tên;Loại\nCĐCS A, B;cơ quan\n", "a.csv");
        let (_, cells) = rows[1].as_ref().unwrap();
        assert_eq!(cells, &["CĐCS A, B", "cơ quan"]);
    }

    #[test]
    fn bounds_end_the_rows_with_their_limit() {
        let many = lines("a\nb\nc\nd\ne\nf\n", "a.csv");
        assert_eq!(many.len(), 5, "the fifth row ends it");
        let why = format!("{:#}", many[4].as_ref().unwrap_err());
        assert!(why.contains('4') && why.contains("line 5"), "{why}");
        let wide = lines("a,b,c,d\n", "a.csv");
        assert!(format!("{:#}", wide[0].as_ref().unwrap_err()).contains('3'));
        let long = lines("name\nabcdefghijk\n", "a.csv");
        assert!(long[1].is_err());
    }
}
