//! The achievement report's layout ("Báo cáo thành tích"), as data: the template in
//! force changes (Nghị định 98/2023 gave way to Nghị định 152/2025 on 01/7/2025) and a
//! province hands its districts its own, so the campaign file's `[report]` says the
//! title and the sections, and thidua fills them: a section the chair writes (asked in
//! the chat, one short answer each) or a fact thidua already has.

use serde::{Deserialize, Serialize};

/// Longest answer a chair writes for one section: a few paragraphs on a phone.
pub const MAX_ANSWER: usize = 3000;
/// Most sections a layout has.
pub const MAX_SECTIONS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLayout {
    /// "BÁO CÁO THÀNH TÍCH".
    pub title: String,
    /// Lines under the title ("Đề nghị tặng …"), as written.
    #[serde(default)]
    pub lines: Vec<String>,
    pub sections: Vec<ReportSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSection {
    /// Where the chair's answer is kept ("s1", or the file's own `key`).
    pub key: String,
    /// "I. THÔNG TIN CHUNG".
    pub heading: String,
    /// What to write there: the question's hint in the chat, and left out of the paper.
    #[serde(default)]
    pub guidance: Option<String>,
    pub fill: Fill,
}

/// What fills a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Fill {
    /// The chair's own words, asked in the chat (each may be skipped).
    Text,
    /// The unit's name and the federation above it.
    Unit,
    /// The unit's registered works, with their values and results, as a table.
    Works,
    /// The total estimated (and, where reported, actual) value of those works.
    TotalValue,
    /// How many photos the results brought.
    Photos,
    /// The campaign's award levels the works reach (hints, not decisions).
    Awards,
}

impl ReportLayout {
    /// The sections the chair writes, in order: the questions of the chat.
    pub fn written(&self) -> impl Iterator<Item = &ReportSection> {
        self.sections.iter().filter(|s| s.fill == Fill::Text)
    }
}
