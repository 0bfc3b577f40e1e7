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
use docx_rs::Paragraph;

use super::paper::{self, body, title, Heading, Signature, BODY, PAPER, TEXT_WIDTH};
use crate::conversation::engine::answer_text;
use crate::domain::answers::{text, Answers};
use crate::domain::dates::{format_dmy, format_long};
use crate::domain::money_words::dong_in_words;
use crate::domain::registration::field::{BENEFIT_ECONOMIC, BENEFIT_SOCIAL, ON_PAPER, TIME_SAVED};
use crate::domain::registration::RegistrationDraft;
use crate::i18n::{tr, trf};

/// Everything one form prints.
pub struct FormPaper<'a> {
    /// The federation that launched the campaign, in full.
    pub issuer: &'a str,
    pub unit: &'a str,
    /// "001/ĐK-CĐCS".
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

pub fn form_docx(p: &FormPaper) -> Result<Vec<u8>> {
    let w = p.work;
    let none = || tr(PAPER, "paper.none");
    let or_none = |key: &str| text(p.answers, key).map_or_else(none, str::to_string);
    let amount = crate::i18n::money(PAPER, w.estimated_value);
    let items = [
        trf(PAPER, "paper.item.name", &[("name", &w.name)]),
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
    let heading = Heading {
        above: p.issuer,
        writer: p.unit,
        number: Some(trf(PAPER, "paper.number", &[("number", p.number)])),
        place_date: trf(
            PAPER,
            "paper.place_date",
            &[("place", p.place), ("date", &format_long(p.date))],
        ),
    };
    let mut doc = paper::document(BODY, false)
        .add_table(paper::heading(&heading, TEXT_WIDTH))
        .add_paragraph(Paragraph::new())
        .add_paragraph(title(&tr(PAPER, "paper.title")))
        .add_paragraph(title(p.subtitle))
        .add_paragraph(Paragraph::new());
    for item in items.iter() {
        doc = doc.add_paragraph(body(item));
    }
    for (i, (label, value)) in p.more.iter().enumerate() {
        doc = doc.add_paragraph(body(&format!("{}. {label}: {value}", i + 6)));
    }
    let signature = Signature {
        recipients: vec![
            trf(PAPER, "paper.recipient.issuer", &[("issuer", p.issuer)]),
            tr(PAPER, "paper.recipient.archive"),
        ],
        on_behalf: &tr(PAPER, "paper.sign.on_behalf"),
        title: &tr(PAPER, "paper.sign.chair"),
        name: p.chair,
    };
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(paper::signature(&signature, TEXT_WIDTH));
    paper::pack(doc)
}

/// A registration's form, ready to send: its file name ("001-DK-cdcs-truong-a.docx"),
/// the document, and the federation it goes to. The issuer is the campaign file's, or
/// the unit's parent federation (`parent`, its name) written in full.
pub fn registration_paper(
    campaign: &crate::domain::campaign::Campaign,
    work: &crate::domain::registration::Registration,
    parent: Option<&str>,
) -> Result<(String, Vec<u8>, String)> {
    let issuer = issuer_of(campaign, parent);
    let place = place_of(campaign);
    let subtitle = campaign.paper.subtitle.clone().unwrap_or_else(|| {
        trf(
            PAPER,
            "paper.subtitle_default",
            &[("title", &campaign.title)],
        )
    });
    let suffix = campaign
        .paper
        .number_suffix
        .clone()
        .unwrap_or_else(|| crate::domain::unit::short_name(&work.unit_name));
    let number = format!("{}-{suffix}", work.number);
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
    let file = file_name(&work.number.to_string(), &work.unit_name);
    Ok((file, bytes, issuer))
}

/// The federation a unit's papers go to, in full: the campaign file's, or the unit's
/// parent federation (`parent`, its name); dots when neither is known.
pub fn issuer_of(campaign: &crate::domain::campaign::Campaign, parent: Option<&str>) -> String {
    campaign
        .paper
        .issuer
        .clone()
        .or_else(|| parent.map(in_full))
        .unwrap_or_else(|| tr(PAPER, "paper.none"))
}

/// "Vĩnh Thuận" of "Vĩnh Thuận, ngày …"; dots when the campaign file does not say.
pub fn place_of(campaign: &crate::domain::campaign::Campaign) -> String {
    campaign
        .paper
        .place
        .clone()
        .unwrap_or_else(|| tr(PAPER, "paper.none"))
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
