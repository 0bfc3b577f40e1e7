//! A table an operator hands in (CSV or Excel), as rows of text with their line
//! numbers in the file, so every message can point at the line to fix.

use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};

pub fn read(path: &Path) -> Result<Vec<(usize, Vec<String>)>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            reader
                .records()
                .map(|r| {
                    let r = r.with_context(|| format!("{}: not a CSV file", path.display()))?;
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    Ok((line, r.iter().map(str::to_string).collect()))
                })
                .collect()
        }
        "xlsx" | "xls" | "ods" => {
            let mut book = open_workbook_auto(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let range = book
                .worksheet_range_at(0)
                .context("the workbook has no sheet")??;
            Ok(range
                .rows()
                .enumerate()
                .map(|(i, row)| (i + 1, row.iter().map(cell).collect()))
                .collect())
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
