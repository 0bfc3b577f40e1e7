use anyhow::Result;
use chrono::Datelike;
use chrono_tz::Asia::Ho_Chi_Minh;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use super::Row;
use crate::i18n::{tr, Lang};

/// Locale keys of the spreadsheet's headers, in the paper form's order.
const HEADERS: [&str; 17] = [
    "export.col.number",
    "export.col.unit",
    "export.col.kind",
    "export.col.name",
    "export.col.start_date",
    "export.col.end_date",
    "export.col.content",
    "export.col.estimated_value",
    "export.col.benefit_economic",
    "export.col.benefit_social",
    "export.col.time_saved",
    "export.col.status",
    "export.col.submitted_by",
    "export.col.submitted_at",
    "export.col.result",
    "export.col.actual_value",
    "export.col.result_note",
];

/// Widest a column grows; longer text wraps.
const MAX_WIDTH: usize = 60;

/// The registrations sheet, written a row at a time: in constant-memory mode each row
/// goes to disk as it is written, so 100 000 rows cost what one does.
pub struct Sheet {
    book: Workbook,
    lang: Lang,
    widths: Vec<usize>,
    rows: u32,
}

impl Sheet {
    pub fn new(lang: Lang, constant_memory: bool) -> Result<Sheet> {
        let mut book = Workbook::new();
        let sheet = if constant_memory {
            book.add_worksheet_with_constant_memory()?
        } else {
            book.add_worksheet()
        };
        sheet.set_name(tr(lang, "export.sheet"))?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color("#DDEBF7");
        let widths: Vec<usize> = HEADERS
            .iter()
            .map(|k| tr(lang, k).chars().count().min(24))
            .collect();
        for (col, key) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, tr(lang, key), &header)?;
        }
        // Each column's format is set once; cells written without one take it. A
        // format per cell costs a hash of the whole format each time (a third of a
        // 100 000-row export).
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
        for col in 0..HEADERS.len() as u16 {
            let format = match col {
                4 | 5 => &date,
                7 | 15 => &money,
                13 => &stamp,
                _ => &text,
            };
            sheet.set_column_format(col, format)?;
        }
        Ok(Sheet {
            book,
            lang,
            widths,
            rows: 0,
        })
    }

    pub fn push(&mut self, r: &Row) -> Result<()> {
        let lang = self.lang;
        let widths = &mut self.widths;
        let sheet = self.book.worksheet_from_index(0)?;
        let row = self.rows + 1;
        let texts = [
            (0, r.number.clone()),
            (1, r.unit.clone()),
            (2, tr(lang, r.work_kind.label_key())),
            (3, r.name.clone()),
            (6, r.content.clone()),
            (8, r.benefit_economic.clone().unwrap_or_default()),
            (9, r.benefit_social.clone().unwrap_or_default()),
            (10, r.time_saved.clone().unwrap_or_default()),
            (11, tr(lang, r.registration_status.label_key())),
            (12, r.submitted_by.clone()),
            (14, r.result_key.map(|k| tr(lang, k)).unwrap_or_default()),
            (16, r.result_note.clone().unwrap_or_default()),
        ];
        for (col, value) in texts {
            if value.is_empty() {
                continue;
            }
            let longest = value.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            widths[col] = widths[col].max(longest);
            sheet.write_string(row, col as u16, value)?;
        }
        for (col, d) in [(4u16, r.start_date), (5, r.end_date)] {
            let excel = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime(row, col, excel)?;
            widths[col as usize] = widths[col as usize].max(11);
        }
        sheet.write_number(row, 7, r.estimated_value_vnd as f64)?;
        widths[7] = widths[7].max(r.estimated_value_vnd.to_string().len() * 4 / 3 + 3);
        let local = r.submitted_at_utc.with_timezone(&Ho_Chi_Minh).naive_local();
        sheet.write_datetime(row, 13, local)?;
        if let Some(v) = r.actual_value_vnd {
            sheet.write_number(row, 15, v as f64)?;
            widths[15] = widths[15].max(v.to_string().len() * 4 / 3 + 3);
        }
        widths[13] = widths[13].max(17);
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
        sheet.autofilter(0, 0, rows, (HEADERS.len() - 1) as u16)?;
        Ok(())
    }

    pub fn save(mut self, path: &std::path::Path) -> Result<u32> {
        self.finish()?;
        self.book.save(path)?;
        Ok(self.rows)
    }

    pub fn into_bytes(mut self) -> Result<Vec<u8>> {
        self.finish()?;
        Ok(self.book.save_to_buffer()?)
    }
}
