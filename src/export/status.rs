//! The status table behind `/tinhtrang` as a spreadsheet: one row per unit that must
//! hand things in, one column per deadline. A chat message shows the first units; this
//! file has them all, written a row at a time.

use anyhow::Result;
use chrono_tz::Tz;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::domain::unit::Unit;
use crate::i18n::{tr, trf, Lang};
use crate::store::deadlines::Deadline;
use crate::store::submissions::{Status, Submission};

/// How a unit stands on one deadline, in words: the chat and the sheet say the same.
pub fn submission_state(lang: Lang, s: Option<&Submission>, tz: Tz) -> String {
    let Some(s) = s else {
        return tr(lang, "status.not_submitted");
    };
    let at = s
        .submitted_at
        .with_timezone(&tz)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    match s.status {
        Status::Submitted if s.late => trf(lang, "status.submitted_late", &[("at", &at)]),
        Status::Submitted => trf(lang, "status.submitted", &[("at", &at)]),
        Status::Approved => tr(lang, "status.approved"),
        Status::Returned => trf(
            lang,
            "status.returned",
            &[("reason", s.review_reason.as_deref().unwrap_or("-"))],
        ),
    }
}

/// The status table of the units in scope, every row written: the sheet and how many
/// units it holds. The chat's button and `thidua export status` both use it.
pub async fn status_sheet(
    conn: &mut sqlx::AnyConnection,
    campaign: &crate::domain::campaign::Campaign,
    within: crate::domain::unit::Scope,
    lang: Lang,
) -> Result<(StatusSheet, usize)> {
    let deadlines = crate::store::deadlines::reported(conn, campaign.id).await?;
    let mut sheet = StatusSheet::new(lang, campaign.tz(), &deadlines)?;
    let ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
    let n =
        crate::store::submissions::each_unit_status(conn, within, &ids, |u, s| sheet.push(&u, &s))
            .await?;
    Ok((sheet, n))
}

pub struct StatusSheet {
    book: Workbook,
    lang: Lang,
    tz: Tz,
    deadlines: Vec<i64>,
    rows: u32,
}

impl StatusSheet {
    pub fn new(lang: Lang, tz: Tz, deadlines: &[Deadline]) -> Result<StatusSheet> {
        super::xlsx::guarded(|| StatusSheet::begin(lang, tz, deadlines))
    }

    fn begin(lang: Lang, tz: Tz, deadlines: &[Deadline]) -> Result<StatusSheet> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(tr(lang, "export.status_sheet"))?;
        super::xlsx::print_setup(sheet, 0, lang)?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(FormatBorder::Thin)
            .set_background_color("#DDEBF7");
        // Cells take their column's format: one per cell costs a hash each time.
        let text = Format::new().set_text_wrap();
        sheet.set_column_width(0, 40)?;
        sheet.set_column_format(0, &text)?;
        let lines = deadlines
            .iter()
            .map(|d| super::xlsx::wrapped_lines(&d.spec.title, 26))
            .max()
            .unwrap_or(1);
        sheet.set_row_height(0, super::xlsx::row_height(lines))?;
        sheet.write_string_with_format(0, 0, tr(lang, "export.col.unit"), &header)?;
        for (i, d) in deadlines.iter().enumerate() {
            let col = i as u16 + 1;
            sheet.set_column_width(col, 28)?;
            sheet.set_column_format(col, &text)?;
            sheet.write_string_with_format(0, col, &d.spec.title, &header)?;
        }
        sheet.set_freeze_panes(1, 1)?;
        Ok(StatusSheet {
            book,
            lang,
            tz,
            deadlines: deadlines.iter().map(|d| d.id).collect(),
            rows: 0,
        })
    }

    pub fn push(&mut self, unit: &Unit, submissions: &[Submission]) -> Result<()> {
        super::xlsx::guarded(|| self.write_row(unit, submissions))
    }

    fn write_row(&mut self, unit: &Unit, submissions: &[Submission]) -> Result<()> {
        let row = self.rows + 1;
        let sheet = self.book.worksheet_from_index(0)?;
        let states: Vec<String> = self
            .deadlines
            .iter()
            .map(|id| {
                let s = submissions.iter().find(|s| s.deadline_id == *id);
                submission_state(self.lang, s, self.tz).to_string()
            })
            .collect();
        let lines = states
            .iter()
            .map(|s| super::xlsx::wrapped_lines(s, 26))
            .chain([super::xlsx::wrapped_lines(&unit.name, 38)])
            .max()
            .unwrap_or(1);
        if lines > 1 {
            sheet.set_row_height(row, super::xlsx::row_height(lines))?;
        }
        sheet.write_string(row, 0, &unit.name)?;
        for (i, state) in states.iter().enumerate() {
            sheet.write_string(row, i as u16 + 1, state)?;
        }
        self.rows = row;
        Ok(())
    }

    pub fn save(mut self, path: &std::path::Path) -> Result<u32> {
        super::xlsx::guarded(|| {
            self.book.save(path)?;
            Ok(self.rows)
        })
    }

    pub fn into_bytes(mut self) -> Result<Vec<u8>> {
        super::xlsx::guarded(|| Ok(self.book.save_to_buffer()?))
    }
}
