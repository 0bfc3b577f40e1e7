//! Nghị định 30/2020's layout (Phụ lục I), the pieces every Word paper thidua prints
//! shares: A4 portrait or landscape with the decree's margins and Times New Roman; the
//! two-column heading (the issuer and the number | Quốc hiệu, tiêu ngữ, place and date)
//! with the rules under the issuer's name and the tiêu ngữ; body paragraphs with a
//! first-line indent and 6 pt between them; tables with fixed column widths whose header
//! row repeats on every page; the signature block with room for signature and stamp.
//!
//! Widths are twips (1/1440 inch), font sizes half-points, as Word keeps them.

use anyhow::Result;
use docx_rs::{
    AlignmentType, BorderType, Docx, LineSpacing, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, Table, TableBorders, TableCell,
    TableCellBorders, TableLayoutType, TableRow, WidthType,
};

use crate::i18n::{tr, Lang};

/// Paper is always Vietnamese: it is what the district files.
pub const PAPER: Lang = Lang::Vi;

/// A4, and the decree's margins: top and bottom 20 mm, left 30 mm, right 15 mm.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: (i32, i32, i32, i32) = (1134, 1134, 1701, 851);
/// What lies between the margins, portrait and landscape.
pub const TEXT_WIDTH: usize = 11906 - 1701 - 851;
pub const LANDSCAPE_WIDTH: usize = 16838 - 1701 - 851;

/// Body text 14 pt; the heading's lines 13 pt, the Quốc hiệu 12 pt (the decree's ranges
/// are 13–14, 12–13 and 12–13: at 13 pt the Quốc hiệu no longer fits its column).
pub const BODY: usize = 28;
pub const HEADING: usize = 26;
const REPUBLIC: usize = 24;

/// The heading's left column; the right one has the rest, wide enough for the Quốc hiệu
/// on one line whatever the issuer's name (which wraps within its column).
const LEFT: usize = 3600;

/// First-line indent (1.25 cm) and the space after a body paragraph (6 pt).
const INDENT: i32 = 709;
const AFTER: u32 = 120;
/// Room for the signature and the stamp, above the signer's name (3 cm).
const SIGNATURE_ROOM: u32 = 1701;

/// Whether columns of these widths fill exactly what lies between the margins.
pub const fn fits(widths: &[usize], width: usize) -> bool {
    let (mut sum, mut i) = (0, 0);
    while i < widths.len() {
        sum += widths[i];
        i += 1;
    }
    sum == width
}

/// An empty document on the decree's paper, text at `size` half-points.
pub fn document(size: usize, landscape: bool) -> Docx {
    let doc = Docx::new();
    let doc = match landscape {
        false => doc.page_size(A4.0, A4.1),
        true => doc
            .page_size(A4.1, A4.0)
            .page_orient(docx_rs::PageOrientationType::Landscape),
    };
    let (top, bottom, left, right) = MARGIN;
    doc.page_margin(
        PageMargin::new()
            .top(top)
            .bottom(bottom)
            .left(left)
            .right(right),
    )
    .default_fonts(
        RunFonts::new()
            .ascii("Times New Roman")
            .hi_ansi("Times New Roman")
            .cs("Times New Roman")
            .east_asia("Times New Roman"),
    )
    .default_size(size)
    .custom_property("Generator", "thidua")
}

/// The document's bytes, its tables' header rows marked to repeat on every page.
pub fn pack(doc: Docx) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    doc.build().pack(std::io::Cursor::new(&mut bytes))?;
    super::docx_header_rows::mark(&bytes)
}

/// What the heading says: above, the issuer and the unit that writes (the unit in
/// bold, a rule under it) and the number; on the right, the place and the date.
pub struct Heading<'a> {
    /// The body above the writer, in capitals, not bold (may be empty).
    pub above: &'a str,
    pub writer: &'a str,
    /// "Số: 001/ĐK-CĐCS"; `None` prints nothing.
    pub number: Option<String>,
    /// "Vĩnh Thuận, ngày 15 tháng 01 năm 2025".
    pub place_date: String,
}

/// The two-column heading, columns fixed so a long name wraps in its own column and
/// never pushes the Quốc hiệu onto two lines.
pub fn heading(h: &Heading, width: usize) -> Table {
    let mut left = vec![];
    if !h.above.is_empty() {
        left.push(centered(
            Run::new().add_text(h.above.to_uppercase()).size(HEADING),
        ));
    }
    left.push(centered(
        Run::new()
            .add_text(h.writer.to_uppercase())
            .bold()
            .size(HEADING),
    ));
    left.push(rule(LEFT / 3, LEFT));
    if let Some(number) = &h.number {
        left.push(centered(Run::new().add_text(number).size(HEADING)));
    }
    let right_width = width - LEFT;
    let motto = tr(PAPER, "paper.motto");
    let right = vec![
        centered(
            Run::new()
                .add_text(tr(PAPER, "paper.republic"))
                .bold()
                .size(REPUBLIC),
        ),
        underlined(
            centered(Run::new().add_text(&motto).bold().size(HEADING)),
            text_width(&motto, HEADING),
            right_width,
        ),
        Paragraph::new().size(8),
        centered(Run::new().add_text(&h.place_date).italic().size(BODY)),
    ];
    plain_table(&[LEFT, right_width], vec![vec![left, right]])
}

/// The signature block: "Nơi nhận" on the left; on the right who signs on whose behalf,
/// the title, room for the signature and stamp, and the name.
pub struct Signature<'a> {
    pub recipients: Vec<String>,
    pub on_behalf: &'a str,
    pub title: &'a str,
    pub name: &'a str,
}

pub fn signature(s: &Signature, width: usize) -> Table {
    let mut left = vec![];
    if !s.recipients.is_empty() {
        left.push(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(tr(PAPER, "paper.recipients"))
                    .bold()
                    .italic()
                    .size(24),
            ),
        );
    }
    left.extend(
        s.recipients
            .iter()
            .map(|r| Paragraph::new().add_run(Run::new().add_text(r).size(22))),
    );
    let right = vec![
        centered(Run::new().add_text(s.on_behalf).bold()),
        centered(Run::new().add_text(s.title).bold()),
        centered(Run::new().add_text(s.name).bold())
            .line_spacing(LineSpacing::new().before(SIGNATURE_ROOM)),
    ];
    plain_table(&[width / 2, width - width / 2], vec![vec![left, right]])
}

/// A body paragraph: justified, first line indented, 6 pt after.
pub fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(docx_rs::SpecialIndentType::FirstLine(INDENT)),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().after(AFTER))
}

pub fn centered(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

/// A section's heading in a report: bold, where a body paragraph starts.
pub fn heading_line(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text).bold())
        .indent(
            None,
            Some(docx_rs::SpecialIndentType::FirstLine(INDENT)),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().before(AFTER).after(AFTER))
}

/// A title line: centered, bold.
pub fn title(text: &str) -> Paragraph {
    centered(Run::new().add_text(text).bold())
}

/// A cell's alignment: text to the left, numbers to the right, short codes centered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// A table with borders, fixed column `widths`, and a first row that repeats on every
/// page (bold, centered); `align` says how each column's cells sit.
pub fn grid(
    widths: &[usize],
    header: &[String],
    rows: Vec<Vec<(String, bool)>>,
    align: &[Align],
) -> Table {
    let head = header
        .iter()
        .zip(widths)
        .map(|(h, w)| grid_cell(h, true, Align::Center, *w))
        .collect();
    let mut table_rows = vec![TableRow::new(head)
        .row_height(super::docx_header_rows::MARK)
        .height_rule(docx_rs::HeightRule::AtLeast)
        .cant_split()];
    for row in rows {
        let cells = row
            .iter()
            .enumerate()
            .map(|(i, (text, bold))| grid_cell(text, *bold, align[i], widths[i]))
            .collect();
        table_rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(table_rows)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

fn grid_cell(text: &str, bold: bool, align: Align, width: usize) -> TableCell {
    let run = Run::new().add_text(text);
    let run = if bold { run.bold() } else { run };
    let align = match align {
        Align::Left => AlignmentType::Left,
        Align::Right => AlignmentType::Right,
        Align::Center => AlignmentType::Center,
    };
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(run).align(align))
        .width(width, WidthType::Dxa)
}

/// A borderless table of fixed columns, each cell a list of paragraphs.
fn plain_table(widths: &[usize], rows: Vec<Vec<Vec<Paragraph>>>) -> Table {
    let rows = rows
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .zip(widths)
                .map(|(paragraphs, w)| {
                    paragraphs
                        .into_iter()
                        .fold(TableCell::new(), TableCell::add_paragraph)
                        .width(*w, WidthType::Dxa)
                        .set_borders(TableCellBorders::with_empty())
                })
                .collect();
            TableRow::new(cells)
        })
        .collect();
    Table::new(rows)
        .set_borders(TableBorders::with_empty())
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// A solid rule `length` long, centered in a column `column` wide: an empty, low
/// paragraph with a bottom border, narrowed by its indents.
fn rule(length: usize, column: usize) -> Paragraph {
    underlined(Paragraph::new().size(4), length, column)
}

/// `p` with a solid line under it, `length` long and centered in `column`.
fn underlined(p: Paragraph, length: usize, column: usize) -> Paragraph {
    // The cell's own padding (0.19 cm each side) is not the paragraph's.
    let room = column.saturating_sub(216);
    let side = (room.saturating_sub(length) / 2) as i32;
    let mut p = p.indent(Some(side), None, Some(side), None);
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6)
                .space(1),
        ),
    );
    p
}

/// About how wide `text` prints in Times New Roman bold at `size` half-points: what the
/// rule under the tiêu ngữ is measured by ("as long as the line of text").
fn text_width(text: &str, size: usize) -> usize {
    // Times' average advance over Vietnamese mixed-case text is close to half an em.
    let em = size * 10;
    text.chars().count() * em / 2
}
