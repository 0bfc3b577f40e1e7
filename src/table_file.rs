//! A table an operator hands in (CSV or Excel), as rows of text with their line
//! numbers in the file, so every message can point at the line to fix.

use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};

/// A table's rows, one at a time for CSV (a province's list is 100 000 lines); a
/// line that cannot be read ends the rows with its error.
pub type Rows = Box<dyn Iterator<Item = Result<(usize, Vec<String>)>>>;

pub fn read(path: &Path) -> Result<Rows> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let shown = path.display().to_string();
            Ok(Box::new(reader.into_records().map(move |r| {
                let r = r.with_context(|| format!("{shown}: not a CSV file"))?;
                let line = r.position().map_or(0, |p| p.line() as usize);
                Ok((line, r.iter().map(str::to_string).collect()))
            })))
        }
        "xlsx" | "xls" | "ods" => {
            let mut book = open_workbook_auto(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let range = book
                .worksheet_range_at(0)
                .context("the workbook has no sheet")??;
            let rows: Vec<_> = range
                .rows()
                .enumerate()
                .map(|(i, row)| Ok((i + 1, row.iter().map(cell).collect())))
                .collect();
            Ok(Box::new(rows.into_iter()))
        }
        _ => bail!("{}: expected a .csv or .xlsx file", path.display()),
    }
}

fn cell(c: &Data) -> String {
    match c {
        // A phone number typed in Excel becomes a number; keep its digits as written.
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}
