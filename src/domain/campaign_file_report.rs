//! `[report]` of a campaign file: the achievement report's title, lines and sections
//! (`[[report.section]]`), checked like the rest of the file, each error on its line.

use serde::Deserialize;
use toml::Spanned;

use super::{CampaignFileError, Checker, SeenKeys};
use crate::domain::report_layout::{Fill, ReportLayout, ReportSection, MAX_SECTIONS};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReport {
    title: Option<Spanned<String>>,
    lines: Option<Vec<Spanned<String>>>,
    section: Option<Vec<Spanned<RawSection>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: Option<Spanned<String>>,
    heading: Option<Spanned<String>>,
    guidance: Option<Spanned<String>>,
    fill: Option<Spanned<String>>,
}

const FILLS: &str = "text, unit, works, total_value, photos, awards";

impl Checker<'_> {
    pub(super) fn report(
        &self,
        raw: Option<Spanned<RawReport>>,
    ) -> Result<Option<ReportLayout>, CampaignFileError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let span = raw.span();
        let raw = raw.into_inner();
        let title = self.required(
            raw.title,
            &span,
            "report.title",
            "title = \"BÁO CÁO THÀNH TÍCH\"",
        )?;
        let title = self.text_value(title, "report.title")?;
        let lines = raw
            .lines
            .unwrap_or_default()
            .into_iter()
            .map(|l| self.text_value(l, "report.lines"))
            .collect::<Result<Vec<_>, _>>()?;
        let raw_sections = raw.section.unwrap_or_default();
        if raw_sections.is_empty() || raw_sections.len() > MAX_SECTIONS {
            let n = raw_sections.len();
            return Err(self.error(
                span,
                "report.section",
                format!("needs 1 to {MAX_SECTIONS} [[report.section]] tables, it has {n}"),
            ));
        }
        let mut seen = SeenKeys::new();
        let sections = raw_sections
            .into_iter()
            .enumerate()
            .map(|(i, s)| self.section(i, s, &mut seen))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(ReportLayout {
            title,
            lines,
            sections,
        }))
    }

    fn section(
        &self,
        index: usize,
        raw: Spanned<RawSection>,
        seen: &mut SeenKeys,
    ) -> Result<ReportSection, CampaignFileError> {
        let path = format!("report.section[{index}]");
        let span = raw.span();
        let raw = raw.into_inner();
        let field = |name: &str| format!("{path}.{name}");
        let heading = self.required(
            raw.heading,
            &span,
            &field("heading"),
            "heading = \"I. THÔNG TIN CHUNG\"",
        )?;
        let heading = self.text_value(heading, &field("heading"))?;
        let guidance = raw
            .guidance
            .map(|g| self.text_value(g, &field("guidance")))
            .transpose()?;
        let fill = self.required(raw.fill, &span, &field("fill"), "fill = \"text\"")?;
        let fill = fill.get_ref().parse::<Fill>().map_err(|_| {
            let message = format!(
                "`{}` is not something a section holds; write one of: {FILLS}",
                fill.get_ref()
            );
            self.error(fill.span(), &field("fill"), message)
        })?;
        // A section's answer is kept under its key: one the file gives keeps answers
        // when sections are added or moved; otherwise its place.
        let key = match raw.key {
            Some(k) => self.unique_key(k, &path, seen, "report section")?,
            None => format!("s{}", index + 1),
        };
        Ok(ReportSection {
            key,
            heading,
            guidance,
            fill,
        })
    }
}
