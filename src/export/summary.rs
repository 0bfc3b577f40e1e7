//! "Bảng tổng hợp đăng ký": per unit, how many works it registered and their total
//! estimated value, with the campaign's totals and the units that registered nothing.
//! As a spreadsheet or as a Word document for the district's file.

use anyhow::Result;
use docx_rs::{Paragraph, Run};
use rust_xlsxwriter::{Format, Workbook};

use super::paper::PAPER;
use crate::domain::money::Vnd;
use crate::i18n::{tr, trf};

pub use crate::domain::registration::UnitTotal;

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

/// The summary as a spreadsheet: the title and as-of date, one row per unit that
/// registered, the total, then the units that registered nothing; it prints like the
/// rest (A4 landscape, one page wide, the header row on each page).
pub fn summary_xlsx(lines: &[UnitTotal], p: &SummaryPaper, path: &std::path::Path) -> Result<()> {
    use crate::domain::dates::format_dmy;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(tr(PAPER, "summary.sheet"))?;
    const HEADER_ROW: u32 = 5;
    super::xlsx::print_setup(sheet, HEADER_ROW, PAPER)?;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Center)
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let money = Format::new().set_num_format(tr(PAPER, "export.money_format"));
    sheet.write_string_with_format(0, 0, p.issuer.to_uppercase(), &bold)?;
    sheet.write_string_with_format(1, 0, tr(PAPER, "summary.title"), &bold)?;
    sheet.write_string_with_format(2, 0, tr(PAPER, "summary.title_2"), &bold)?;
    sheet.write_string(3, 0, p.subtitle)?;
    let as_of = trf(PAPER, "summary.as_of", &[("date", &format_dmy(p.as_of))]);
    sheet.write_string(4, 0, as_of)?;
    let headers = [
        "summary.col.no",
        "summary.col.unit",
        "summary.col.works",
        "summary.col.total",
    ];
    sheet.set_row_height(HEADER_ROW, super::xlsx::row_height(2))?;
    for (c, key) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, tr(PAPER, key), &head)?;
    }
    for (col, width) in [(0u16, 6.0), (1, 50.0), (2, 14.0), (3, 24.0)] {
        sheet.set_column_width(col, width)?;
    }
    let mut row = HEADER_ROW + 1;
    let Parts {
        registered,
        nothing,
        works,
        total_vnd: total,
    } = parts(lines);
    let wrap = Format::new().set_text_wrap();
    for (i, l) in registered.iter().enumerate() {
        let lines = super::xlsx::wrapped_lines(&l.unit, 48);
        sheet.set_row_height(row, super::xlsx::row_height(lines))?;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string_with_format(row, 1, &l.unit, &wrap)?;
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
        let lines = super::xlsx::wrapped_lines(&l.unit, 48);
        sheet.set_row_height(row, super::xlsx::row_height(lines))?;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string_with_format(row, 1, &l.unit, &wrap)?;
    }
    book.save(path)?;
    Ok(())
}

/// What the summary's paper says besides its lines.
pub struct SummaryPaper<'a> {
    /// The federation that files it, in full.
    pub issuer: &'a str,
    /// "Vĩnh Thuận" before the date.
    pub place: &'a str,
    /// The campaign's line under the title.
    pub subtitle: &'a str,
    /// The day the counts stand at (Vietnam's date): "tính đến ngày …", and the date line.
    pub as_of: chrono::NaiveDate,
    /// Who signs for the federation; dots to fill in by hand when unknown.
    pub signer: Option<&'a str>,
}

/// Column widths (twips) of the summary's table: STT, Đơn vị, Số công trình, Tổng giá trị.
const COLUMNS: [usize; 4] = [850, 5050, 1300, 2154];
const _: () = assert!(super::paper::fits(&COLUMNS, super::paper::TEXT_WIDTH));

/// The summary as a Word document, in the decree's layout: the federation's heading,
/// the title and the as-of date, the table (its header row repeated on every page,
/// numbers to the right), the units with nothing registered, and the signature block.
pub fn summary_docx(lines: &[UnitTotal], p: &SummaryPaper) -> Result<Vec<u8>> {
    use super::paper::{self, body, centered, title, Align, Heading, Signature, TEXT_WIDTH};
    use crate::domain::dates::{format_dmy, format_long};
    let Parts {
        registered,
        nothing,
        works,
        total_vnd: total,
    } = parts(lines);
    let header: Vec<String> = [
        "summary.col.no",
        "summary.col.unit",
        "summary.col.works",
        "summary.col.total",
    ]
    .iter()
    .map(|k| tr(PAPER, k))
    .collect();
    let mut rows: Vec<Vec<(String, bool)>> = registered
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                ((i + 1).to_string(), false),
                (l.unit.clone(), false),
                (l.works.to_string(), false),
                (money(l.total_vnd), false),
            ]
        })
        .collect();
    rows.push(vec![
        (String::new(), false),
        (tr(PAPER, "summary.total"), true),
        (works.to_string(), true),
        (money(total), true),
    ]);
    let align = [Align::Center, Align::Left, Align::Right, Align::Right];
    let heading = Heading {
        above: "",
        writer: p.issuer,
        number: None,
        place_date: trf(
            PAPER,
            "paper.place_date",
            &[("place", p.place), ("date", &format_long(p.as_of))],
        ),
    };
    let as_of = trf(PAPER, "summary.as_of", &[("date", &format_dmy(p.as_of))]);
    let mut doc = paper::document(26, false)
        .add_table(paper::heading(&heading, TEXT_WIDTH))
        .add_paragraph(Paragraph::new())
        .add_paragraph(title(&tr(PAPER, "summary.title")))
        .add_paragraph(title(&tr(PAPER, "summary.title_2")))
        .add_paragraph(centered(Run::new().add_text(p.subtitle).italic()))
        .add_paragraph(centered(Run::new().add_text(as_of).italic()))
        .add_paragraph(Paragraph::new())
        .add_table(paper::grid(&COLUMNS, &header, rows, &align))
        .add_paragraph(Paragraph::new())
        .add_paragraph(body(&trf(
            PAPER,
            "summary.nothing",
            &[("n", &nothing.len().to_string())],
        )));
    for (i, l) in nothing.iter().enumerate() {
        doc = doc.add_paragraph(body(&format!("{}. {}", i + 1, l.unit)));
    }
    let none = tr(PAPER, "paper.none");
    let signature = Signature {
        recipients: vec![tr(PAPER, "summary.recipient")],
        on_behalf: &tr(PAPER, "summary.on_behalf"),
        title: &tr(PAPER, "paper.sign.chair"),
        name: p.signer.unwrap_or(&none),
    };
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(paper::signature(&signature, TEXT_WIDTH));
    paper::pack(doc)
}
