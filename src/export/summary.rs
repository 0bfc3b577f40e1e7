//! "Bảng tổng hợp đăng ký": per unit, how many works it registered and their total
//! estimated value, with the campaign's totals and the units that registered nothing.
//! As a spreadsheet or as a Word document for the district's file.

use anyhow::Result;
use docx_rs::{AlignmentType, Paragraph, Run, Table, TableCell, TableRow, WidthType};
use rust_xlsxwriter::{Format, Workbook};

use crate::domain::money::Vnd;
use crate::i18n::{tr, trf, Lang};

pub use crate::domain::registration::UnitTotal;

const PAPER: Lang = Lang::Vi;

/// The summary's parts: units that registered, the others, and the totals.
struct Parts<'a> {
    registered: Vec<&'a UnitTotal>,
    nothing: Vec<&'a UnitTotal>,
    works: i64,
    total_vnd: u64,
}

fn parts(lines: &[UnitTotal]) -> Parts<'_> {
    let (registered, nothing): (Vec<&UnitTotal>, Vec<&UnitTotal>) =
        lines.iter().partition(|l| l.works > 0);
    Parts {
        works: registered.iter().map(|l| l.works).sum(),
        total_vnd: registered.iter().map(|l| l.total_vnd).sum(),
        registered,
        nothing,
    }
}

/// An amount of đồng as the paper writes it ("250.000.000").
pub(super) fn money(v: u64) -> String {
    Vnd::from_dong(v).map_or_else(|_| v.to_string(), |v| v.grouped('.'))
}

/// The summary as a spreadsheet: one row per unit that registered, the total, then
/// the units that registered nothing.
pub fn summary_xlsx(lines: &[UnitTotal], subtitle: &str, path: &std::path::Path) -> Result<()> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(tr(PAPER, "summary.sheet"))?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(tr(PAPER, "export.money_format"));
    sheet.write_string_with_format(0, 0, tr(PAPER, "summary.title"), &bold)?;
    sheet.write_string(1, 0, subtitle)?;
    let headers = [
        "summary.col.no",
        "summary.col.unit",
        "summary.col.works",
        "summary.col.total",
    ];
    for (c, key) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, tr(PAPER, key), &bold)?;
    }
    sheet.set_column_width(1, 45)?;
    sheet.set_column_width(3, 22)?;
    let mut row = 4;
    let Parts {
        registered,
        nothing,
        works,
        total_vnd: total,
    } = parts(lines);
    for (i, l) in registered.iter().enumerate() {
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &l.unit)?;
        sheet.write_number(row, 2, l.works as f64)?;
        sheet.write_number_with_format(row, 3, l.total_vnd as f64, &money)?;
        row += 1;
    }
    sheet.write_string_with_format(row, 1, tr(PAPER, "summary.total"), &bold)?;
    sheet.write_number_with_format(row, 2, works as f64, &bold)?;
    sheet.write_number_with_format(row, 3, total as f64, &money.clone().set_bold())?;
    row += 2;
    let heading = trf(
        PAPER,
        "summary.nothing",
        &[("n", &nothing.len().to_string())],
    );
    sheet.write_string_with_format(row, 0, heading, &bold)?;
    for (i, l) in nothing.iter().enumerate() {
        row += 1;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &l.unit)?;
    }
    book.save(path)?;
    Ok(())
}

/// The summary as a Word document, in the paper's conventions (A4, Times New Roman).
pub fn summary_docx(lines: &[UnitTotal], issuer: &str, subtitle: &str) -> Result<Vec<u8>> {
    let Parts {
        registered,
        nothing,
        works,
        total_vnd: total,
    } = parts(lines);
    let text = |s: &str| Paragraph::new().add_run(Run::new().add_text(s));
    let header: Vec<TableCell> = [
        "summary.col.no",
        "summary.col.unit",
        "summary.col.works",
        "summary.col.total",
    ]
    .iter()
    .map(|k| cell(&tr(PAPER, k), true))
    .collect();
    let mut rows = vec![TableRow::new(header)];
    for (i, l) in registered.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), false),
            cell(&l.unit, false),
            cell(&l.works.to_string(), false),
            cell(&money(l.total_vnd), false),
        ]));
    }
    rows.push(TableRow::new(vec![
        cell("", false),
        cell(&tr(PAPER, "summary.total"), true),
        cell(&works.to_string(), true),
        cell(&money(total), true),
    ]));
    let mut doc = super::form_docx::paper_docx(26)
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(issuer.to_uppercase()))
                .align(AlignmentType::Left),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(tr(PAPER, "summary.title")).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(subtitle).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new())
        .add_table(Table::new(rows).width(9354, WidthType::Dxa))
        .add_paragraph(Paragraph::new())
        .add_paragraph(text(&trf(
            PAPER,
            "summary.nothing",
            &[("n", &nothing.len().to_string())],
        )));
    for (i, l) in nothing.iter().enumerate() {
        doc = doc.add_paragraph(text(&format!("{}. {}", i + 1, l.unit)));
    }
    let mut bytes = Vec::new();
    doc.build().pack(std::io::Cursor::new(&mut bytes))?;
    Ok(bytes)
}

/// A table cell of one run of text, bold or not.
pub(super) fn cell(s: &str, bold: bool) -> TableCell {
    let run = Run::new().add_text(s);
    let run = if bold { run.bold() } else { run };
    TableCell::new().add_paragraph(Paragraph::new().add_run(run))
}
