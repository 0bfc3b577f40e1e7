use anyhow::{Context, Result};
use chrono::Datelike;
use chrono_tz::Asia::Ho_Chi_Minh;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{cells_for, columns_for, Cell, CellKind, Column, Row};
use crate::conversation::form::FormSpec;
use crate::i18n::{tr, trf, Lang};

/// Runs spreadsheet writing with rust_xlsxwriter's own panics made errors: in
/// constant-memory mode it writes each row to a temporary file and panics when that
/// write fails (a full disk), which took the CLI down with exit 101 and a turn with
/// its chat. The panic's own report is not printed; its reason becomes the error.
pub fn guarded<T>(write: impl FnOnce() -> Result<T>) -> Result<T> {
    use std::cell::Cell;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                previous(info);
            }
        }));
    });
    let was = QUIET.replace(true);
    let done = catch_unwind(AssertUnwindSafe(write));
    QUIET.set(was);
    done.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        if what.contains("StorageFull") || what.contains("No space left") {
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
                .context("the spreadsheet's temporary file could not be written")
        } else {
            anyhow::bail!("the spreadsheet could not be written: {what}")
        }
    })
}

/// Widest a column grows; longer text wraps. Narrow enough that a sheet fitted to one
/// landscape page wide stays legible.
const MAX_WIDTH: usize = 30;

/// How every spreadsheet thidua writes prints: A4 landscape, one page wide (as many
/// pages down as it takes), centered, row `header` repeated at the top of each page,
/// page numbers at the foot.
pub fn print_setup(sheet: &mut Worksheet, header: u32, lang: Lang) -> Result<()> {
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3)
        .set_footer(tr(lang, "export.page_footer"));
    sheet.set_repeat_rows(header, header)?;
    Ok(())
}

/// How many lines a row needs for `text` in a column `width` characters wide: each
/// line of the text wraps at that width. A row's height is set from it, so a wrapped
/// cell never overprints the next.
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    text.lines()
        .map(|l| l.chars().count().div_ceil(width).max(1))
        .sum::<usize>()
        .max(1)
}

/// Points a row of `lines` lines of the default font takes.
pub fn row_height(lines: usize) -> f64 {
    15.0 * lines as f64
}

/// The registrations sheet, written a row at a time: in constant-memory mode each row
/// goes to disk as it is written, so 100 000 rows cost what one does.
pub struct Sheet {
    book: Workbook,
    lang: Lang,
    columns: Vec<Column>,
    form: FormSpec,
    widths: Vec<usize>,
    rows: u32,
    /// Choice labels, translated once: a lookup per cell showed in a 100 000-row export.
    labels: std::collections::HashMap<&'static str, String>,
}

impl Sheet {
    /// The columns are `form`'s: the campaign's registration form.
    pub fn new(lang: Lang, constant_memory: bool, form: &FormSpec) -> Result<Sheet> {
        guarded(|| Sheet::begin(lang, constant_memory, form))
    }

    fn begin(lang: Lang, constant_memory: bool, form: &FormSpec) -> Result<Sheet> {
        let mut book = Workbook::new();
        let sheet = if constant_memory {
            book.add_worksheet_with_constant_memory()?
        } else {
            book.add_worksheet()
        };
        sheet.set_name(tr(lang, "export.sheet"))?;
        print_setup(sheet, 0, lang)?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color("#DDEBF7");
        let columns = columns_for(form);
        let header_text = |c: &Column| match c.kind {
            // Amounts say their unit in the header: "Tổng giá trị thực hiện dự kiến (đồng)".
            CellKind::Money => trf(
                lang,
                "export.money_header",
                &[("label", &c.label.show(lang))],
            ),
            _ => c.label.show(lang),
        };
        let widths: Vec<usize> = columns
            .iter()
            .map(|c| header_text(c).chars().count().min(24))
            .collect();
        // A header wraps at the width it starts from (its own, up to 24 characters);
        // the column only widens from there.
        let lines = columns
            .iter()
            .map(|c| wrapped_lines(&header_text(c), 24))
            .max()
            .unwrap_or(1);
        sheet.set_row_height(0, row_height(lines))?;
        for (col, c) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, header_text(c), &header)?;
        }
        // Each column's format is set once, from its kind; cells written without one
        // take it. A format per cell costs a hash of the whole format each time (a
        // third of a 100 000-row export).
        let text = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        let date = Format::new()
            .set_align(FormatAlign::Top)
            .set_num_format("dd/mm/yyyy");
        let stamp = Format::new()
            .set_align(FormatAlign::Top)
            .set_num_format("dd/mm/yyyy hh:mm");
        let money = Format::new()
            .set_align(FormatAlign::Top)
            .set_num_format(tr(lang, "export.money_format"));
        for (col, c) in columns.iter().enumerate() {
            let format = match c.kind {
                CellKind::Date => &date,
                CellKind::Money => &money,
                CellKind::Stamp => &stamp,
                CellKind::Text | CellKind::Choice => &text,
            };
            sheet.set_column_format(col as u16, format)?;
        }
        Ok(Sheet {
            book,
            lang,
            columns,
            form: form.clone(),
            widths,
            rows: 0,
            labels: Default::default(),
        })
    }

    pub fn push(&mut self, r: &Row) -> Result<()> {
        guarded(|| self.write_row(r))
    }

    fn write_row(&mut self, r: &Row) -> Result<()> {
        let lang = self.lang;
        let widths = &mut self.widths;
        let labels = &mut self.labels;
        let sheet = self.book.worksheet_from_index(0)?;
        let row = self.rows + 1;
        let cells = cells_for(&self.form, r);
        // Set before the row is written: in constant-memory mode a written row is gone.
        let lines = cells
            .iter()
            .map(|c| match c {
                // A column is as wide as its longest line, up to MAX_WIDTH.
                Cell::Text(t) => wrapped_lines(t, MAX_WIDTH),
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            sheet.set_row_height(row, row_height(lines))?;
        }
        for (i, cell) in cells.into_iter().enumerate() {
            let col = i as u16;
            let width = match cell {
                Cell::Empty => 0,
                Cell::Text(t) => {
                    sheet.write_string(row, col, &t)?;
                    t.lines().map(|l| l.chars().count()).max().unwrap_or(0)
                }
                Cell::Choice { label, .. } => {
                    let t = labels.entry(label).or_insert_with(|| tr(lang, label));
                    sheet.write_string(row, col, t.as_str())?;
                    t.chars().count()
                }
                Cell::Date(d) => {
                    let excel =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime(row, col, excel)?;
                    11
                }
                Cell::Money(v) => {
                    sheet.write_number(row, col, v as f64)?;
                    v.to_string().len() * 4 / 3 + 3
                }
                Cell::Stamp(t) => {
                    sheet.write_datetime(row, col, t.with_timezone(&Ho_Chi_Minh).naive_local())?;
                    17
                }
            };
            widths[i] = widths[i].max(width);
        }
        self.rows = row;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        let (widths, rows) = (self.widths.clone(), self.rows);
        let sheet = self.book.worksheet_from_index(0)?;
        for (col, w) in widths.iter().enumerate() {
            sheet.set_column_width(col as u16, (*w).clamp(8, MAX_WIDTH) as f64 + 2.0)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, rows, (self.columns.len() - 1) as u16)?;
        Ok(())
    }

    pub fn save(mut self, path: &std::path::Path) -> Result<u32> {
        guarded(|| {
            self.finish()?;
            self.book.save(path)?;
            Ok(self.rows)
        })
    }

    pub fn into_bytes(mut self) -> Result<Vec<u8>> {
        guarded(|| {
            self.finish()?;
            Ok(self.book.save_to_buffer()?)
        })
    }
}
