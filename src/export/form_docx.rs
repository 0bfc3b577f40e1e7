//! The official "Bảng đăng ký công trình (sản phẩm, mô hình, chương trình) thi đua" as a
//! Word document, laid out as the plan's form: the two-column header, the title and the
//! campaign's line under it, items 1–5 with the chair's answers, "Nơi nhận" and the
//! signature block. Nghị định 30/2020's conventions: A4, margins 20/20/30/15 mm, Times
//! New Roman 14, amounts with their words, dates written out.
//!
//! The paper is always Vietnamese, whatever language the chair's chat speaks: it is the
//! document the district files.

use anyhow::Result;
use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableBorders, TableCell,
    TableCellBorders, TableRow, WidthType,
};

use crate::conversation::engine::answer_text;
use crate::domain::answers::{text, Answers};
use crate::domain::dates::{format_dmy, format_long};
use crate::domain::money_words::dong_in_words;
use crate::domain::registration::field::{BENEFIT_ECONOMIC, BENEFIT_SOCIAL, ON_PAPER, TIME_SAVED};
use crate::domain::registration::RegistrationDraft;
use crate::i18n::{tr, trf, Lang};

/// Everything one form prints.
pub struct FormPaper<'a> {
    /// The federation that launched the campaign, in full.
    pub issuer: &'a str,
    pub unit: &'a str,
    /// "001/ĐK".
    pub number: &'a str,
    /// "Vĩnh Thuận" in "Vĩnh Thuận, ngày … tháng … năm …".
    pub place: &'a str,
    /// The day the work was registered.
    pub date: NaiveDate,
    /// The line under "BẢNG ĐĂNG KÝ".
    pub subtitle: &'a str,
    pub work: &'a RegistrationDraft,
    /// The work's answers: the optional items are read from them by key.
    pub answers: &'a Answers,
    /// Who signs as chair: the chair who registered the work.
    pub chair: &'a str,
    /// Answers to fields the paper's items 1–5 do not hold, as (label, value), in the
    /// form's order: printed as items 6, 7… so a field added to the form is on paper too.
    pub more: Vec<(String, String)>,
}

const PAPER: Lang = Lang::Vi;

/// Half-points: 14 pt body, 13 pt header lines.
const BODY: usize = 28;
const HEADER: usize = 26;
/// Twips (1/1440 inch): A4, and the decree's margins (top and bottom 20 mm, left 30 mm,
/// right 15 mm).
const A4: (u32, u32) = (11906, 16838);
const TEXT_WIDTH: usize = 11906 - 1701 - 851;

pub fn form_docx(p: &FormPaper) -> Result<Vec<u8>> {
    let w = p.work;
    let none = || tr(PAPER, "paper.none");
    let or_none = |key: &str| text(p.answers, key).map_or_else(none, str::to_string);
    let amount = crate::i18n::money(PAPER, w.estimated_value);
    let kind = tr(PAPER, w.kind.label_key()).to_lowercase();
    let items = [
        trf(
            PAPER,
            "paper.item.name",
            &[("name", &w.name), ("kind", &kind)],
        ),
        trf(
            PAPER,
            "paper.item.period",
            &[
                ("start", &format_dmy(w.start_date)),
                ("end", &format_dmy(w.end_date)),
            ],
        ),
        trf(PAPER, "paper.item.content", &[("value", &w.content)]),
        trf(
            PAPER,
            "paper.item.value",
            &[
                ("amount", &amount),
                ("words", &dong_in_words(w.estimated_value.dong())),
            ],
        ),
        tr(PAPER, "paper.item.benefit"),
    ];
    let benefits = [
        trf(
            PAPER,
            "paper.item.economic",
            &[("value", &or_none(BENEFIT_ECONOMIC))],
        ),
        trf(
            PAPER,
            "paper.item.social",
            &[("value", &or_none(BENEFIT_SOCIAL))],
        ),
        trf(
            PAPER,
            "paper.item.time_saved",
            &[("value", &or_none(TIME_SAVED))],
        ),
    ];

    let mut doc = paper_docx(BODY)
        .add_table(header(p))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered(bold(&tr(PAPER, "paper.title"))))
        .add_paragraph(centered(bold(p.subtitle)))
        .add_paragraph(Paragraph::new());
    for item in items.iter() {
        doc = doc.add_paragraph(justified(item));
    }
    for line in benefits.iter() {
        doc = doc.add_paragraph(justified(line).indent(Some(360), None, None, None));
    }
    for (i, (label, value)) in p.more.iter().enumerate() {
        doc = doc.add_paragraph(justified(&format!("{}. {label}: {value}", i + 6)));
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(footer(p));
    let mut bytes = Vec::new();
    doc.build().pack(std::io::Cursor::new(&mut bytes))?;
    Ok(bytes)
}

/// An empty document on the decree's paper: A4, margins 20/20/30/15 mm, Times New
/// Roman at `size` half-points.
pub(super) fn paper_docx(size: usize) -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1701)
                .right(851),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(size)
}

/// LIÊN ĐOÀN … / CĐCS … / Số: … | CỘNG HÒA … / Độc lập … / …, ngày … tháng … năm …
fn header(p: &FormPaper) -> Table {
    let left = cell(
        vec![
            centered(Run::new().add_text(p.issuer.to_uppercase()).size(HEADER)),
            centered(bold(&p.unit.to_uppercase()).size(HEADER)),
            centered(
                Run::new()
                    .add_text(trf(PAPER, "paper.number", &[("number", p.number)]))
                    .size(HEADER),
            ),
        ],
        TEXT_WIDTH * 2 / 5,
    );
    let date = trf(
        PAPER,
        "paper.place_date",
        &[("place", p.place), ("date", &format_long(p.date))],
    );
    let right = cell(
        vec![
            centered(bold(&tr(PAPER, "paper.republic")).size(HEADER)),
            centered(bold(&tr(PAPER, "paper.motto")).size(HEADER)),
            Paragraph::new(),
            centered(Run::new().add_text(date).italic()),
        ],
        TEXT_WIDTH * 3 / 5,
    );
    borderless(vec![left, right])
}

/// Nơi nhận: … | TM. BAN CHẤP HÀNH / CHỦ TỊCH / (signature) / the chair's name.
fn footer(p: &FormPaper) -> Table {
    let recipients = trf(PAPER, "paper.recipient.issuer", &[("issuer", p.issuer)]);
    let left = cell(
        vec![
            Paragraph::new().add_run(bold(&tr(PAPER, "paper.recipients")).italic().size(24)),
            Paragraph::new().add_run(Run::new().add_text(recipients).size(22)),
            Paragraph::new().add_run(
                Run::new()
                    .add_text(tr(PAPER, "paper.recipient.archive"))
                    .size(22),
            ),
        ],
        TEXT_WIDTH / 2,
    );
    let right = cell(
        vec![
            centered(bold(&tr(PAPER, "paper.sign.on_behalf"))),
            centered(bold(&tr(PAPER, "paper.sign.chair"))),
            Paragraph::new(),
            Paragraph::new(),
            Paragraph::new(),
            centered(bold(p.chair)),
        ],
        TEXT_WIDTH / 2,
    );
    borderless(vec![left, right])
}

fn bold(text: &str) -> Run {
    Run::new().add_text(text).bold()
}

fn centered(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

fn justified(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .align(AlignmentType::Both)
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
        .set_borders(TableCellBorders::with_empty())
}

fn borderless(cells: Vec<TableCell>) -> Table {
    Table::new(vec![TableRow::new(cells)])
        .set_borders(TableBorders::with_empty())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// A registration's form, ready to send: its file name ("001-DK-cdcs-truong-a.docx"),
/// the document, and the federation it goes to. The issuer is the campaign file's, or
/// the unit's parent federation (`parent`, its name) written in full.
pub fn registration_paper(
    campaign: &crate::domain::campaign::Campaign,
    work: &crate::domain::registration::Registration,
    parent: Option<&str>,
) -> Result<(String, Vec<u8>, String)> {
    let issuer = campaign
        .paper
        .issuer
        .clone()
        .or_else(|| parent.map(in_full))
        .unwrap_or_else(|| tr(PAPER, "paper.none"));
    let place = campaign
        .paper
        .place
        .clone()
        .unwrap_or_else(|| tr(PAPER, "paper.none"));
    let subtitle = campaign.paper.subtitle.clone().unwrap_or_else(|| {
        trf(
            PAPER,
            "paper.subtitle_default",
            &[("title", &campaign.title)],
        )
    });
    let number = work.number.to_string();
    let form = crate::conversation::registration_form::for_campaign(&campaign.questions);
    let more = form
        .fields
        .iter()
        .filter(|f| !ON_PAPER.contains(&&*f.key))
        .filter_map(|f| {
            let answer = work.answers.get(&*f.key)?;
            Some((f.label.show(PAPER), answer_text(f, answer, PAPER)))
        })
        .collect();
    let bytes = form_docx(&FormPaper {
        issuer: &issuer,
        unit: &work.unit_name,
        number: &number,
        place: &place,
        date: work.submitted_at.with_timezone(&campaign.tz()).date_naive(),
        subtitle: &subtitle,
        work: &work.draft,
        answers: &work.answers,
        chair: &work.submitted_by,
        more,
    })?;
    Ok((file_name(&number, &work.unit_name), bytes, issuer))
}

/// Every still-registered work of the campaign in scope as its form, one at a time as the
/// database yields them: `each` gets the file name and the document. Returns how many.
pub async fn each_form(
    conn: &mut sqlx::AnyConnection,
    campaign: &crate::domain::campaign::Campaign,
    within: crate::domain::unit::Scope,
    mut each: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<usize> {
    use crate::domain::registration::RegistrationStatus;
    // The units' parents name the issuer only where the campaign file does not.
    let parents = match campaign.paper.issuer {
        Some(_) => Default::default(),
        None => crate::store::units::parent_names(conn, within).await?,
    };
    let mut n = 0;
    crate::store::registrations::for_each(conn, within, |listed| {
        let work = listed.registration;
        if work.campaign_id != campaign.id || work.status != RegistrationStatus::Submitted {
            return Ok(());
        }
        let parent = parents.get(&work.unit_id).map(String::as_str);
        let (name, bytes, _) = registration_paper(campaign, &work, parent)?;
        each(name, bytes)?;
        n += 1;
        Ok(())
    })
    .await?;
    Ok(n)
}

/// "001/ĐK", "CĐCS Trường A" → "001-DK-cdcs-truong-a.docx": plain letters, safe on any
/// disk and in any mail client.
pub fn file_name(number: &str, unit: &str) -> String {
    format!("{}-{}.docx", slug(number).to_uppercase(), slug(unit))
}

/// A name safe in any file system and URL: unaccented, letters and digits joined by
/// "-" ("CĐCS Trường A" → "cdcs-truong-a").
pub fn slug(s: &str) -> String {
    crate::domain::text::fold(s)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Federations are written in full on paper: "LĐLĐ huyện X" → "Liên đoàn Lao động huyện X".
fn in_full(name: &str) -> String {
    match name.strip_prefix("LĐLĐ ") {
        Some(rest) => trf(PAPER, "paper.federation_in_full", &[("rest", rest)]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            file_name("001/ĐK", "CĐCS Trường THCS Vĩnh Thuận"),
            "001-DK-cdcs-truong-thcs-vinh-thuan.docx"
        );
    }

    #[test]
    fn answers_the_paper_has_no_place_for_follow_item_5() {
        use crate::domain::money::Vnd;
        let work = RegistrationDraft {
            kind: crate::domain::registration::WorkKind::MoHinh,
            name: "Mái ấm".into(),
            start_date: NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            content: "Xây nhà".into(),
            estimated_value: Vnd::from_dong(250_000_000).unwrap(),
        };
        let bytes = form_docx(&FormPaper {
            issuer: "Liên đoàn Lao động huyện Vĩnh Thuận",
            unit: "CĐCS A",
            number: "001/ĐK",
            place: "Vĩnh Thuận",
            date: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
            subtitle: "Công trình thi đua",
            work: &work,
            answers: &Answers::new(),
            chair: "Lan",
            more: vec![("Đơn vị phối hợp".into(), "Công ty B".into())],
        })
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        let item5 = xml.find("5. Giá trị làm lợi, tiết kiệm:").unwrap();
        let item6 = xml.find("6. Đơn vị phối hợp: Công ty B").unwrap();
        let signature = xml.find("TM. BAN CHẤP HÀNH").unwrap();
        assert!(item5 < item6 && item6 < signature);
    }

    #[test]
    fn federations_are_written_in_full() {
        assert_eq!(
            in_full("LĐLĐ huyện An Biên"),
            "Liên đoàn Lao động huyện An Biên"
        );
        assert_eq!(in_full("Công đoàn ngành Y tế"), "Công đoàn ngành Y tế");
    }
}
